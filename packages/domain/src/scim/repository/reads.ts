// SCIM's hot reads as prepared statements (repositories/prepared.ts): an IdP's lookup by a unique key
// (`userName eq`, `externalId eq`, `id eq`), GET by id, the default-order user listing, and the group
// row a group write locks. Rows come back as arrays (building a 17-key object per row cost as much
// as reading it). Each value is then hydrated by the driver's own `prepareHydratedValue`, the
// conversion the query builder applies, so a row reads back exactly as the generic path returns it.
// Every other filter and sort goes through the generic RFC 7644 path in queries.ts.
import type { DataSource, EntityManager, EntityTarget } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import type { Database } from '../../database.js';
import { Group, User } from '../../entities/index.js';
import { preparedOf, type Placeholder, type Prepared, type Statement } from '../../repositories/prepared.js';

/**
 * What a SCIM user answer is rendered from (mappers.ts), and nothing more: each column read costs a
 * string made from the row on every user of a page (the tenant, role and source columns were a
 * sixth of a 100-user page's read). Not the raw payload nor the MFA secret.
 */
export const USER_FIELDS = [
  'id',
  'email',
  'emailKey',
  'userName',
  // Where the next page of the default order starts (ListCaches.cursors): the stored key itself.
  'userNameKey',
  'externalId',
  'givenName',
  'familyName',
  'displayName',
  'active',
  'scimAttributes',
  'version',
  'createdAt',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof User>;

/** A user as SCIM reads return it: the columns USER_FIELDS names. */
export type ScimUserRow = Pick<User, (typeof USER_FIELDS)[number]>;

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

/** A stored SQLite timestamp as TypeORM writes it (UTC, no zone): `2026-12-06 04:33:51.123`. */
const SQLITE_STAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/;

/**
 * The driver's `prepareHydratedValue` for one column, decided once instead of on every value (its
 * chain of type tests was a tenth of a 100-user page): the same results for the column types
 * entities use here (columns.ts), the driver itself for anything else.
 */
function hydrator(ds: DataSource, column: ColumnMetadata): (value: unknown) => unknown {
  const driver = (value: unknown) => ds.driver.prepareHydratedValue(value, column);
  if (column.transformer) return driver;
  const type = column.type;
  if (type === 'varchar' || type === 'text' || type === 'integer') return (value) => value;
  if (type === 'simple-json') return (value) => (typeof value === 'string' ? JSON.parse(value) : value);
  if (type === Boolean) return (value) => (value === null || value === undefined ? value : Boolean(value));
  if (type === Date) {
    return (value) =>
      value instanceof Date
        ? value
        : typeof value === 'string' && SQLITE_STAMP.test(value)
          ? new Date(`${value.slice(0, 10)}T${value.slice(11)}Z`)
          : driver(value);
  }
  return driver;
}

const VALUES = Symbol('values');

/**
 * The type of the rows a `Rows` reads: each field is converted from the driver's value when it is
 * read, not when the row arrives. A user whose SCIM answer this replica already holds
 * (rendered.ts) is then never converted at all; parsing its stored document was half of what a
 * page of 100 cost. Fields are read as often as they are converted: callers read a row's fields
 * once, to render it (a field read twice is converted twice, and is a fresh object each time).
 */
function rowType(columns: ReadonlyArray<[string, ColumnMetadata, (value: unknown) => unknown]>) {
  class Row {
    readonly [VALUES]: unknown[];
    constructor(values: unknown[]) {
      this[VALUES] = values;
    }
  }
  columns.forEach(([field, , hydrate], i) => {
    Object.defineProperty(Row.prototype, field, {
      enumerable: true,
      get(this: Row) {
        return hydrate(this[VALUES][i]);
      },
    });
  });
  return Row;
}

/** Lookups by one key of one tenant waiting for the statement that answers them all. */
interface KeyBatch<T> {
  expr: string;
  tenantId: string;
  waiters: Array<{ value: string; resolve(rows: T[]): void; reject(error: unknown): void }>;
}

/** One entity's columns read by hand-written SQL. */
class Rows<T extends object> {
  private readonly columns: Array<[string, ColumnMetadata, (value: unknown) => unknown]>;
  private readonly Row: new (values: unknown[]) => object;
  private readonly statements = new Map<string, Statement>();
  private readonly batches = new Map<string, KeyBatch<T>>();
  /** The columns, `alias.column, …`, in the order rows carry them. */
  readonly list: string;
  /** `SELECT <list> FROM table alias WHERE alias.tenant_id = <first parameter>` and the live condition. */
  private readonly base: string;

  constructor(
    ds: DataSource,
    private readonly prepared: Prepared,
    entity: new () => T,
    private readonly alias: string,
    fields: ReadonlyArray<keyof T & string>,
    live: string | undefined,
  ) {
    const meta = ds.getMetadata(entity as EntityTarget<T>);
    this.columns = fields.map((f) => {
      const column = meta.findColumnWithPropertyName(f);
      if (!column) throw new Error(`${meta.name} has no column for "${f}".`);
      return [f, column, hydrator(ds, column)];
    });
    this.Row = rowType(this.columns);
    this.list = this.columns.map(([, c]) => `${alias}.${c.databaseName}`).join(', ');
    const where = `${alias}.tenant_id = ${prepared.p(1)}${live ? ` AND ${live}` : ''}`;
    this.base = `SELECT ${this.list} FROM ${meta.tableName} ${alias} WHERE ${where}`;
  }

  /** The statement `key` names, built (from the base, or the list) the first time it is asked for. */
  statement(key: string, build: (base: string, p: Placeholder, list: string) => string): Statement {
    let statement = this.statements.get(key);
    if (statement === undefined) {
      statement = this.prepared.statement(build(this.base, this.prepared.p, this.list));
      this.statements.set(key, statement);
    }
    return statement;
  }

  /** A row as a plain object, every field converted now: for a caller that spreads or copies it. */
  plain(values: unknown[]): T {
    const out: Record<string, unknown> = {};
    this.columns.forEach(([field, , hydrate], i) => (out[field] = hydrate(values[i])));
    return out as T;
  }

  /** The statement's rows as arrays, run inside `tx`'s transaction. */
  rowsIn(tx: EntityManager, statement: Statement, params: unknown[]): Promise<unknown[][]> {
    return this.prepared.rows(statement, params, tx);
  }

  async read(statement: Statement, params: unknown[]): Promise<T[]> {
    const rows = await this.prepared.rows(statement, params);
    // Each row has the fields T names here (USER_FIELDS, GROUP_FIELDS), read as getters.
    return rows.map((values) => new this.Row(values) as T);
  }

  /**
   * The tenant's rows whose `expr` column equals the value. The lookups of one tenant and column
   * that arrive in the same turn of the event loop (an IdP's 32 connections do) are read by one
   * statement (`Prepared.oneOf`), and each is answered with its own rows. On PostgreSQL a statement
   * and round trip for each lookup cost the gateway and PostgreSQL together about as much CPU as
   * everything else a lookup does (270 µs of CPU a lookup before, 140 after, at concurrency 32).
   * On SQLite each lookup's statement ran with caches the rest of its request had cooled, 24 µs in
   * the gateway against 6.5 in a loop of lookups alone; together they run hot (lookups per second
   * +40%). A lone lookup runs its own statement.
   */
  byKey(expr: string, tenantId: string, value: string): Promise<T[]> {
    if (this.columnAt(expr) < 0) return this.byKeyAlone(expr, tenantId, value);
    const id = `${expr}\0${tenantId}`;
    let batch = this.batches.get(id);
    if (!batch) {
      const started: KeyBatch<T> = { expr, tenantId, waiters: [] };
      this.batches.set(id, started);
      // The check phase: after every request the loop's poll phase parsed has asked.
      setImmediate(() => {
        this.batches.delete(id);
        void this.flush(started);
      });
      batch = started;
    }
    const waiters = batch.waiters;
    return new Promise((resolve, reject) => waiters.push({ value, resolve, reject }));
  }

  private async flush({ expr, tenantId, waiters }: KeyBatch<T>): Promise<void> {
    const alone = () => {
      for (const w of waiters) this.byKeyAlone(expr, tenantId, w.value).then(w.resolve, w.reject);
    };
    if (waiters.length === 1) return alone();
    const statement = this.statement(
      `keys ${expr}`,
      (base, p) => `${base} AND ${this.prepared.oneOf(expr, p(2))}`,
    );
    const values = [...new Set(waiters.map((w) => w.value))];
    let rows: unknown[][];
    try {
      rows = await this.prepared.rows(statement, [tenantId, this.prepared.listParam(values)]);
    } catch {
      // One value the column refuses fails the statement for all: each lookup then meets its own answer.
      return alone();
    }
    const at = this.columnAt(expr);
    const found = new Map<unknown, unknown[][]>();
    for (const row of rows) {
      const same = found.get(row[at]);
      if (same) same.push(row);
      else found.set(row[at], [row]);
    }
    for (const w of waiters) w.resolve((found.get(w.value) ?? []).map((values) => new this.Row(values) as T));
  }

  private byKeyAlone(expr: string, tenantId: string, value: string): Promise<T[]> {
    const single = this.statement(`key ${expr}`, (base, p) => `${base} AND ${expr} = ${p(2)}`);
    return this.read(single, [tenantId, value]);
  }

  /** Where the column `expr` (`alias.column`) is in a row, or -1 when rows do not carry it. */
  private columnAt(expr: string): number {
    return this.columns.findIndex(([, c]) => `${this.alias}.${c.databaseName}` === expr);
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

function readersOf(ds: DataSource): Readers {
  let r = readers.get(ds);
  if (!r) {
    const prepared = preparedOf(ds);
    // A live user has a userName key: removal clears it (users.repository.ts).
    r = {
      users: new Rows(ds, prepared, User, USER_ALIAS, USER_FIELDS, `${USER_ALIAS}.user_name_key IS NOT NULL`),
      groups: new Rows(ds, prepared, Group, GROUP_ALIAS, GROUP_FIELDS, undefined),
    };
    readers.set(ds, r);
  }
  return r;
}

/**
 * The live users of the tenant whose `key` column equals the value: one at most, when the allowlist
 * says the column is unique (targets.ts `uniqueUserKey`).
 */
export async function usersByKey(db: Database, tenantId: string, key: KeyEquality): Promise<ScimUserRow[]> {
  return readersOf(db.dataSource).users.byKey(key.expr, tenantId, key.value);
}

/** The tenant's groups whose `key` column equals the value. */
export async function groupsByKey(db: Database, tenantId: string, key: KeyEquality): Promise<Group[]> {
  return readersOf(db.dataSource).groups.byKey(key.expr, tenantId, key.value);
}

/** GET /Users/:id: a live user of the tenant. */
export async function userById(db: Database, tenantId: string, id: string): Promise<ScimUserRow | undefined> {
  return (await usersByKey(db, tenantId, { expr: `${USER_ALIAS}.id`, value: id }))[0];
}

/** GET /Groups/:id: a group of the tenant. */
export async function groupById(db: Database, tenantId: string, id: string): Promise<Group | undefined> {
  return (await groupsByKey(db, tenantId, { expr: `${GROUP_ALIAS}.id`, value: id }))[0];
}

export interface UserPageQuery {
  descending: boolean;
  count: number;
  /** Where the page starts: after this userName key (a seek, ListCaches.cursors), else at this offset. */
  after?: string | undefined;
  offset: number;
}

/**
 * A page of live users in the default order, the unique userName key (uq_users_tenant_user_name):
 * seeking past a key costs the same on the last page as on the first. Without a cursor the offset
 * is counted in the key alone, and the page read from the key it lands on: PostgreSQL otherwise
 * plans some offsets as a scan and sort of the tenant's whole rows (spilling to disk past work_mem,
 * 65 ms for a page at 6,000 users instead of 1.5 ms). The count's `>= ''` holds for every live key
 * ('' sorts first in every collation, NULL fails it) and, unlike IS NOT NULL, bounds the index's
 * second column: PostgreSQL then walks the index in order even before the table has statistics,
 * where it chose a bitmap scan and a sort of every row (less than half the pages per second).
 */
export async function usersPage(db: Database, tenantId: string, q: UserPageQuery): Promise<ScimUserRow[]> {
  const rows = readersOf(db.dataSource).users;
  const dir = q.descending ? 'DESC' : 'ASC';
  const from = q.descending ? '<' : '>';
  const key = `${USER_ALIAS}.user_name_key`;
  if (q.after !== undefined) {
    const statement = rows.statement(
      `after ${dir}`,
      (base, p) => `${base} AND ${key} ${from} ${p(2)} ORDER BY ${key} ${dir} LIMIT ${p(3)}`,
    );
    return rows.read(statement, [tenantId, q.after, q.count]);
  }
  const statement = rows.statement(
    `offset ${dir}`,
    (base, p) =>
      `${base} AND ${key} ${from}= (SELECT k.user_name_key FROM users k` +
      ` WHERE k.tenant_id = ${p(2)} AND k.user_name_key >= ''` +
      ` ORDER BY k.user_name_key ${dir} LIMIT 1 OFFSET ${p(3)})` +
      ` ORDER BY ${key} ${dir} LIMIT ${p(4)}`,
  );
  return rows.read(statement, [tenantId, tenantId, q.offset, q.count]);
}

/**
 * The tenant's group, locked for a write in `tx`, and whether a group mapping names it; undefined
 * when the tenant has no such group. Tenant, then group: the tenant lock orders membership changes
 * with group-mapping changes (which take it too), so a mapping created meanwhile is applied to
 * members added meanwhile; concurrent member changes to one group line up on the group lock.
 * `mapped` is read under the tenant lock, so it holds until the transaction ends.
 *
 * On PostgreSQL both locks are one statement, a round trip less in every group write: the tenant
 * row is locked by a MATERIALIZED WITH, which every plan must read before it can produce the
 * joined group row that `FOR UPDATE OF g` then locks, so the order holds whatever the plan. SQLite
 * takes no row locks: its transactions begin IMMEDIATE, one writer at a time.
 */
export async function lockedGroup(
  tx: EntityManager,
  tenantId: string,
  id: string,
): Promise<{ group: Group; mapped: boolean } | undefined> {
  const groups = readersOf(tx.connection).groups;
  const postgres = preparedOf(tx.connection).postgres;
  const mapped = `EXISTS (SELECT 1 FROM group_mappings m WHERE m.tenant_id = ${GROUP_ALIAS}.tenant_id AND m.group_id = ${GROUP_ALIAS}.id)`;
  const statement = groups.statement('locked', (_base, p, list) =>
    postgres
      ? `WITH tenant AS MATERIALIZED (SELECT t.id FROM tenants t WHERE t.id = ${p(1)} FOR UPDATE)` +
        ` SELECT ${list}, ${mapped} FROM tenant JOIN groups ${GROUP_ALIAS} ON ${GROUP_ALIAS}.tenant_id = tenant.id` +
        ` WHERE ${GROUP_ALIAS}.id = ${p(2)} FOR UPDATE OF ${GROUP_ALIAS}`
      : `SELECT ${list}, ${mapped} FROM groups ${GROUP_ALIAS}` +
        ` WHERE ${GROUP_ALIAS}.tenant_id = ${p(1)} AND ${GROUP_ALIAS}.id = ${p(2)}`,
  );
  const [row] = await groups.rowsIn(tx, statement, [tenantId, id]);
  if (!row) return undefined;
  // The last column: PostgreSQL answers a boolean, SQLite 0 or 1.
  return { group: groups.plain(row), mapped: Boolean(Number(row[row.length - 1])) };
}
