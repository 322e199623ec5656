// SCIM list queries: filter, count and page in the database (STYLE §5, §6). Every query is scoped by
// tenant first. A live user is one with a userName key (removal clears it, users.repository.ts), so
// listing and counting users stay inside uq_users_tenant_user_name.
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { Dialect } from '../../database.js';
import { Group, GroupMember, User } from '../../entities/index.js';
import type { AttrPath, Filter } from '../filter/ast.js';
import { compileFilter, Params } from '../filter/compile.js';
import { printAttrPath, printFilter } from '../filter/printer.js';
import { scimInvalid } from '../errors.js';
import { groupScope, groupSortColumn, userScope, userSortColumn } from './targets.js';

export interface ListQuery {
  filter?: Filter;
  sortBy?: AttrPath;
  descending: boolean;
  /** 1-based (RFC 7644 §3.4.2.4). */
  startIndex: number;
  count: number;
  /** Root searches span Users and Groups: a path one type lacks is false for it. */
  unknownIsFalse?: boolean;
}

export interface Page<T> {
  total: number;
  rows: T[];
}

/** Everything a SCIM response needs; not the raw payload nor the MFA secret. */
const USER_FIELDS = [
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
] as const;

export const userSelection = (alias: string) => USER_FIELDS.map((f) => `${alias}.${f}`);

/**
 * Where the next page starts, per (tenant, filter, startIndex): IdPs walk a listing page after page,
 * and a seek on the sort key costs the same on the last page as on the first, where OFFSET would
 * walk every row before it. Bounded; a miss falls back to OFFSET.
 */
export class PageCursors {
  private readonly entries = new Map<string, string>();
  constructor(private readonly capacity = 5_000) {}

  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: string): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}

function withFilter<T extends object>(
  qb: SelectQueryBuilder<T>,
  q: ListQuery,
  compile: (f: Filter, p: Params) => string,
): SelectQueryBuilder<T> {
  if (!q.filter) return qb;
  const params = new Params('sf');
  const condition = compile(q.filter, params);
  return qb.andWhere(condition, params.values);
}

async function countOf<T extends object>(qb: SelectQueryBuilder<T>): Promise<number> {
  const row = await qb.select('COUNT(*)', 'n').getRawOne<{ n: number | string }>();
  return Number(row?.n ?? 0);
}

export async function listUsers(
  em: EntityManager,
  dialect: Dialect,
  tenantId: string,
  q: ListQuery,
  cursors: PageCursors,
): Promise<Page<User>> {
  const compile = (f: Filter, p: Params) =>
    compileFilter(f, userScope('u', dialect), p, { dialect, unknownIsFalse: q.unknownIsFalse ?? false });
  const base = () =>
    withFilter(
      em
        .createQueryBuilder(User, 'u')
        .where('u.tenant_id = :tenantId AND u.user_name_key IS NOT NULL', { tenantId }),
      q,
      compile,
    );
  const total = await countOf(base());
  if (q.count === 0 || q.startIndex > total) return { total, rows: [] };
  const dir = q.descending ? 'DESC' : 'ASC';
  const page = base().select(userSelection('u')).limit(q.count);
  if (q.sortBy) {
    const column = userSortColumn('u', q.sortBy);
    if (!column)
      throw scimInvalid('invalidValue', `Sorting by "${printAttrPath(q.sortBy)}" is not supported.`);
    // Unassigned values sort last either way (SQLite and PostgreSQL disagree by default).
    page
      .orderBy(column, dir, 'NULLS LAST')
      .addOrderBy('u.id', dir)
      .offset(q.startIndex - 1);
    return { total, rows: await page.getMany() };
  }
  // The default order is the unique userName key: seekable (PageCursors) and served by its index.
  const cursorKey = `${tenantId}\u0000${q.filter ? printFilter(q.filter) : ''}\u0000${dir}`;
  const after = q.startIndex > 1 ? cursors.get(`${cursorKey}\u0000${q.startIndex}`) : undefined;
  page.orderBy('u.user_name_key', dir);
  if (after !== undefined) page.andWhere(`u.user_name_key ${q.descending ? '<' : '>'} :after`, { after });
  else page.offset(q.startIndex - 1);
  const rows = await page.getMany();
  const last = rows.at(-1);
  if (rows.length === q.count && last?.userNameKey) {
    cursors.set(`${cursorKey}\u0000${q.startIndex + rows.length}`, last.userNameKey);
  }
  return { total, rows };
}

export async function listGroups(
  em: EntityManager,
  dialect: Dialect,
  tenantId: string,
  q: ListQuery,
): Promise<Page<Group>> {
  const compile = (f: Filter, p: Params) =>
    compileFilter(f, groupScope('g'), p, { dialect, unknownIsFalse: q.unknownIsFalse ?? false });
  const base = () =>
    withFilter(em.createQueryBuilder(Group, 'g').where('g.tenant_id = :tenantId', { tenantId }), q, compile);
  const total = await countOf(base());
  if (q.count === 0 || q.startIndex > total) return { total, rows: [] };
  const dir = q.descending ? 'DESC' : 'ASC';
  const column = q.sortBy ? groupSortColumn('g', q.sortBy) : 'g.display_name_key';
  if (!column)
    throw scimInvalid(
      'invalidValue',
      `Sorting by "${printAttrPath(q.sortBy ?? { attr: '' })}" is not supported.`,
    );
  const rows = await base()
    .select([
      'g.id',
      'g.tenantId',
      'g.displayName',
      'g.displayNameKey',
      'g.externalId',
      'g.version',
      'g.createdAt',
      'g.updatedAt',
    ])
    .orderBy(column, dir, 'NULLS LAST')
    .addOrderBy('g.id', dir)
    .offset(q.startIndex - 1)
    .limit(q.count)
    .getMany();
  return { total, rows };
}

export interface MemberRef {
  value: string;
  display: string;
}

/** Members of the given groups, in one query (with the users' names for `display`). */
export async function membersOf(
  em: EntityManager,
  tenantId: string,
  groupIds: string[],
): Promise<Map<string, MemberRef[]>> {
  const out = new Map<string, MemberRef[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return out;
  const rows: Array<{ groupId: string; userId: string; userName: string; displayName: string | null }> =
    await em
      .createQueryBuilder(GroupMember, 'gm')
      .innerJoin(User, 'u', 'u.id = gm.user_id')
      .select([
        'gm.group_id AS "groupId"',
        'u.id AS "userId"',
        'u.user_name AS "userName"',
        'u.display_name AS "displayName"',
      ])
      .where('gm.tenant_id = :tenantId AND gm.group_id IN (:...groupIds)', { tenantId, groupIds })
      .orderBy('gm.group_id')
      .addOrderBy('gm.user_id')
      .getRawMany();
  for (const r of rows) out.get(r.groupId)?.push({ value: r.userId, display: r.displayName ?? r.userName });
  return out;
}

/** The groups of the given users, in one query (idx_group_members_tenant_user). */
export async function groupsOf(
  em: EntityManager,
  tenantId: string,
  userIds: string[],
): Promise<Map<string, MemberRef[]>> {
  const out = new Map<string, MemberRef[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  const rows: Array<{ userId: string; groupId: string; displayName: string }> = await em
    .createQueryBuilder(GroupMember, 'gm')
    .innerJoin(Group, 'g', 'g.id = gm.group_id')
    .select(['gm.user_id AS "userId"', 'g.id AS "groupId"', 'g.display_name AS "displayName"'])
    .where('gm.tenant_id = :tenantId AND gm.user_id IN (:...userIds)', { tenantId, userIds })
    .orderBy('g.display_name_key')
    .getRawMany();
  for (const r of rows) out.get(r.userId)?.push({ value: r.groupId, display: r.displayName });
  return out;
}
