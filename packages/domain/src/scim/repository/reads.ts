// SCIM's hot reads as statements written once per database (issue 4, performance): an IdP's lookup by
// a unique key (`userName eq`, `externalId eq`, `id eq`), GET by id and the default-order user
// listing. On these TypeORM's query builder cost more than the query (alias rewriting, select
// building and escaping on every call, about 40% of a lookup); here the SQL text is built once per
// data source with positional parameters, and each column is hydrated by the driver's own
// `prepareHydratedValue`, the conversion the query builder applies, so a row reads back the same.
// Every other filter and sort goes through the generic RFC 7644 path in queries.ts.
import type { DataSource, EntityManager, EntityTarget } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { Group, User } from '../../entities/index.js';

/** Everything a SCIM response needs; not the raw payload nor the MFA secret. */
export const USER_FIELDS = [
  'id',
  'tenantId',
  'email',
  'emailKey',
  'userName',
  'userNameKey',
  'externalId',
  'givenName',
  'familyName',
  'displayName',
  'active',
  'tenantRole',
  'source',
  'scimAttributes',
  'version',
  'createdAt',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof User>;

/** Everything a SCIM group response needs; not the raw payload. */
export const GROUP_FIELDS = [
  'id',
  'tenantId',
  'displayName',
  'displayNameKey',
  'externalId',
  'version',
  'createdAt',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof Group>;

/** An equality on a column the filter allowlist (targets.ts) names, with the value as stored. */
export interface KeyEquality {
  /** The column as `alias.column`, with the alias the allowlist was asked for. */
  expr: string;
  value: string;
}

/** `$n` on PostgreSQL, `?` on SQLite. */
type Placeholder = (n: number) => string;

/** One entity's columns read by hand-written SQL, as `alias.column AS "property"`. */
class Rows<T extends object> {
  private readonly columns: Array<[string, ColumnMetadata]>;
  private readonly statements = new Map<string, string>();
  /** `SELECT … FROM table alias WHERE alias.tenant_id = <first parameter>` and the live condition. */
  private readonly base: string;
  private readonly p: Placeholder;

  constructor(
    private readonly ds: DataSource,
    private readonly entity: new () => T,
    alias: string,
    fields: ReadonlyArray<keyof T & string>,
    live: string | undefined,
  ) {
    const meta = ds.getMetadata(entity as EntityTarget<T>);
    this.columns = fields.map((f) => {
      const column = meta.findColumnWithPropertyName(f);
      if (!column) throw new Error(`${meta.name} has no column for "${f}".`);
      return [f, column];
    });
    this.p = ds.options.type === 'postgres' ? (n) => `$${n}` : () => '?';
    const list = this.columns.map(([f, c]) => `${alias}.${c.databaseName} AS "${f}"`).join(', ');
    const where = `${alias}.tenant_id = ${this.p(1)}${live ? ` AND ${live}` : ''}`;
    this.base = `SELECT ${list} FROM ${meta.tableName} ${alias} WHERE ${where}`;
  }

  /** The statement named `name`, built from the base the first time it is asked for. */
  sql(name: string, build: (base: string, p: Placeholder) => string): string {
    let sql = this.statements.get(name);
    if (sql === undefined) {
      sql = build(this.base, this.p);
      this.statements.set(name, sql);
    }
    return sql;
  }

  async read(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
    const raw = (await em.query(sql, params)) as Array<Record<string, unknown>>;
    return raw.map((r) => this.hydrate(r));
  }

  private hydrate(raw: Record<string, unknown>): T {
    const row: Record<string, unknown> = {};
    for (const [field, column] of this.columns) {
      row[field] = this.ds.driver.prepareHydratedValue(raw[field], column);
    }
    return Object.assign(new this.entity(), row);
  }
}

/** The aliases `KeyEquality.expr` is written with. */
export const USER_ALIAS = 'u';
export const GROUP_ALIAS = 'g';

interface Readers {
  users: Rows<User>;
  groups: Rows<Group>;
}

const readers = new WeakMap<DataSource, Readers>();

function readersOf(em: EntityManager): Readers {
  const ds = em.connection;
  let r = readers.get(ds);
  if (!r) {
    // A live user has a userName key: removal clears it (users.repository.ts).
    r = {
      users: new Rows(ds, User, USER_ALIAS, USER_FIELDS, `${USER_ALIAS}.user_name_key IS NOT NULL`),
      groups: new Rows(ds, Group, GROUP_ALIAS, GROUP_FIELDS, undefined),
    };
    readers.set(ds, r);
  }
  return r;
}

/**
 * The live users of the tenant whose `key` column equals the value: one at most, when the allowlist
 * says the column is unique (targets.ts `uniqueUserKey`).
 */
export async function usersByKey(em: EntityManager, tenantId: string, key: KeyEquality): Promise<User[]> {
  const rows = readersOf(em).users;
  const sql = rows.sql(`key ${key.expr}`, (base, p) => `${base} AND ${key.expr} = ${p(2)}`);
  return rows.read(em, sql, [tenantId, key.value]);
}

/** GET /Users/:id: a live user of the tenant. */
export async function userById(em: EntityManager, tenantId: string, id: string): Promise<User | undefined> {
  return (await usersByKey(em, tenantId, { expr: `${USER_ALIAS}.id`, value: id }))[0];
}

/** GET /Groups/:id: a group of the tenant. */
export async function groupById(em: EntityManager, tenantId: string, id: string): Promise<Group | undefined> {
  return (await groupsByKey(em, tenantId, { expr: `${GROUP_ALIAS}.id`, value: id }))[0];
}

/** The tenant's groups whose `key` column equals the value. */
export async function groupsByKey(em: EntityManager, tenantId: string, key: KeyEquality): Promise<Group[]> {
  const rows = readersOf(em).groups;
  const sql = rows.sql(`key ${key.expr}`, (base, p) => `${base} AND ${key.expr} = ${p(2)}`);
  return rows.read(em, sql, [tenantId, key.value]);
}

export interface UserPageQuery {
  descending: boolean;
  count: number;
  /** Where the page starts: after this userName key (a seek, PageCursors), else at this offset. */
  after?: string | undefined;
  offset: number;
}

/**
 * A page of live users in the default order, the unique userName key (uq_users_tenant_user_name):
 * seeking past a key costs the same on the last page as on the first.
 */
export async function usersPage(em: EntityManager, tenantId: string, q: UserPageQuery): Promise<User[]> {
  const rows = readersOf(em).users;
  const dir = q.descending ? 'DESC' : 'ASC';
  const key = `${USER_ALIAS}.user_name_key`;
  const order = `ORDER BY ${key} ${dir}`;
  if (q.after !== undefined) {
    const sql = rows.sql(
      `after ${dir}`,
      (base, p) => `${base} AND ${key} ${q.descending ? '<' : '>'} ${p(2)} ${order} LIMIT ${p(3)}`,
    );
    return rows.read(em, sql, [tenantId, q.after, q.count]);
  }
  const sql = rows.sql(`offset ${dir}`, (base, p) => `${base} ${order} LIMIT ${p(2)} OFFSET ${p(3)}`);
  return rows.read(em, sql, [tenantId, q.count, q.offset]);
}
