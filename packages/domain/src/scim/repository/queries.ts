// SCIM list queries: filter, count and page in the database (STYLE §5, §6). Every query is scoped by
// tenant first. A live user is one with a userName key (removal clears it, users.repository.ts), so
// listing and counting users stay inside uq_users_tenant_user_name. The shapes IdPs send most (a
// lookup by a unique key, the default-order user listing) run as prepared statements (reads.ts);
// every other filter and sort is compiled here for the query builder.
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { Database } from '../../database.js';
import { Group, GroupMember, User } from '../../entities/index.js';
import type { AttrPath, Filter } from '../filter/ast.js';
import { compileFilter, Params } from '../filter/compile.js';
import { printAttrPath, printFilter } from '../filter/printer.js';
import { scimInvalid } from '../errors.js';
import { GROUP_FIELDS, groupsByKey, USER_FIELDS, usersByKey, usersPage } from './reads.js';
import {
  groupScope,
  groupSortColumn,
  uniqueGroupKey,
  uniqueUserKey,
  userScope,
  userSortColumn,
} from './targets.js';

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

const userSelection = (alias: string) => USER_FIELDS.map((f) => `${alias}.${f}`);

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

/**
 * Totals of broad listings, per tenant, for a moment: an IdP walking 1,000 pages of 100 users would
 * otherwise count the whole tenant 1,000 times. This replica's SCIM writes clear a tenant's totals;
 * changes made elsewhere show within `ttlMs` (RFC 7644 §3.4.2.4 does not promise a frozen total
 * while resources change).
 */
export class ListTotals {
  private readonly byTenant = new Map<string, Map<string, { total: number; until: number }>>();
  constructor(private readonly ttlMs = 2_000) {}

  get(tenantId: string, key: string): number | undefined {
    const hit = this.byTenant.get(tenantId)?.get(key);
    return hit && hit.until > performance.now() ? hit.total : undefined;
  }

  set(tenantId: string, key: string, total: number): void {
    if (this.byTenant.size > 1_000) this.byTenant.clear();
    const totals = this.byTenant.get(tenantId) ?? new Map<string, { total: number; until: number }>();
    if (totals.size > 100) totals.clear();
    totals.set(key, { total, until: performance.now() + this.ttlMs });
    this.byTenant.set(tenantId, totals);
  }

  forget(tenantId: string): void {
    this.byTenant.delete(tenantId);
  }
}

/** Caches for the listings: where walked pages continue, and recent totals. */
export interface ListCaches {
  cursors: PageCursors;
  totals: ListTotals;
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

/** Attributes whose `eq` finds at most a handful of rows through a unique (or near-unique) index. */
const SELECTIVE = new Set(['id', 'username', 'externalid', 'displayname']);
const CORE = 'urn:ietf:params:scim:schemas:core:';

/**
 * Whether the filter pins the result to a few rows by an indexed equality (IdPs' lookups:
 * `userName eq`, `externalId eq`, `displayName eq`, Entra's work email): then one statement returns
 * the page and, through a window, the total. Broad filters keep a separate count, which never has
 * to carry whole rows.
 */
function isSelective(f: Filter): boolean {
  if (f.type === 'and') return isSelective(f.left) || isSelective(f.right);
  if (f.type === 'valuePath') {
    return (
      f.path.attr.toLowerCase() === 'emails' && f.then?.op === 'eq' && f.then.sub.toLowerCase() === 'value'
    );
  }
  if (f.type !== 'compare' || f.op !== 'eq' || typeof f.value !== 'string' || f.path.sub !== undefined)
    return false;
  const core = f.path.uri === undefined || f.path.uri.toLowerCase().startsWith(CORE);
  return core && SELECTIVE.has(f.path.attr.toLowerCase());
}

/** The page and the total in one statement (`COUNT(*) OVER ()`), for selective filters. */
async function pageWithTotal<T extends object>(
  page: SelectQueryBuilder<T>,
  q: ListQuery,
  recount: () => Promise<number>,
): Promise<Page<T>> {
  const { raw, entities } = await page
    .addSelect('COUNT(*) OVER ()', 'scim_total')
    .getRawAndEntities<{ scim_total: number | string }>();
  if (entities.length > 0) return { total: Number(raw[0]?.scim_total ?? entities.length), rows: entities };
  // No row on this page: the total is 0 on the first page, unknown past it.
  return { total: q.startIndex === 1 ? 0 : await recount(), rows: [] };
}

function unsortable(path: AttrPath | undefined): Error {
  return scimInvalid('invalidValue', `Sorting by "${printAttrPath(path ?? { attr: '' })}" is not supported.`);
}

/**
 * The page of a filter that names at most one resource by a unique key (reads.ts): the total is the
 * number of rows found, on every page.
 */
function keyedPage<T>(rows: T[], q: ListQuery): Page<T> {
  return { total: rows.length, rows: rows.slice(q.startIndex - 1, q.startIndex - 1 + q.count) };
}

/**
 * The page and its total: a recent total (ListTotals), or one implied by a first page shorter than
 * asked for (it holds every match), or else a count.
 */
async function countedPage<T extends object>(
  caches: ListCaches,
  tenantId: string,
  key: string,
  q: ListQuery,
  page: () => Promise<T[]>,
  count: () => SelectQueryBuilder<T>,
): Promise<Page<T>> {
  let total = caches.totals.get(tenantId, key);
  if (total === undefined && q.startIndex === 1 && q.count > 0) {
    const rows = await page();
    total = rows.length < q.count ? rows.length : await countOf(count());
    caches.totals.set(tenantId, key, total);
    return { total, rows };
  }
  if (total === undefined) {
    total = await countOf(count());
    caches.totals.set(tenantId, key, total);
  }
  if (q.count === 0 || q.startIndex > total) return { total, rows: [] };
  return { total, rows: await page() };
}

/** Users of the tenant for a SCIM list or search (reads outside a transaction). */
export async function listUsers(
  db: Database,
  tenantId: string,
  q: ListQuery,
  caches: ListCaches,
): Promise<Page<User>> {
  const { manager: em, dialect } = db;
  const dir = q.descending ? 'DESC' : 'ASC';
  const column = q.sortBy ? userSortColumn('u', q.sortBy) : 'u.user_name_key';
  if (!column) throw unsortable(q.sortBy);
  const key = q.filter && uniqueUserKey(q.filter);
  if (key) return keyedPage(await usersByKey(db, tenantId, key), q);
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
  // Unassigned values sort last either way (SQLite and PostgreSQL disagree by default).
  const sorted = () =>
    base().select(userSelection('u')).orderBy(column, dir, 'NULLS LAST').addOrderBy('u.id', dir);
  if (q.filter && q.count > 0 && isSelective(q.filter)) {
    return pageWithTotal(
      sorted()
        .offset(q.startIndex - 1)
        .limit(q.count),
      q,
      () => countOf(base()),
    );
  }
  const filterKey = q.filter ? printFilter(q.filter) : '';
  const page = async (): Promise<User[]> => {
    if (q.sortBy)
      return sorted()
        .offset(q.startIndex - 1)
        .limit(q.count)
        .getMany();
    // The default order is the unique userName key: seekable (PageCursors) and served by its index.
    const cursorKey = `${tenantId}\u0000${filterKey}\u0000${dir}`;
    const after = q.startIndex > 1 ? caches.cursors.get(`${cursorKey}\u0000${q.startIndex}`) : undefined;
    const rows = q.filter
      ? await filteredPage(base(), q, after)
      : await usersPage(db, tenantId, {
          descending: q.descending,
          count: q.count,
          after,
          offset: q.startIndex - 1,
        });
    const last = rows.at(-1);
    if (rows.length === q.count && last?.userNameKey) {
      caches.cursors.set(`${cursorKey}\u0000${q.startIndex + rows.length}`, last.userNameKey);
    }
    return rows;
  };
  return countedPage(caches, tenantId, `User\u0000${filterKey}`, q, page, base);
}

/** A page of a broad filter in the default order, from a cursor when one is known. */
function filteredPage(
  base: SelectQueryBuilder<User>,
  q: ListQuery,
  after: string | undefined,
): Promise<User[]> {
  const page = base
    .select(userSelection('u'))
    .orderBy('u.user_name_key', q.descending ? 'DESC' : 'ASC')
    .limit(q.count);
  if (after !== undefined) page.andWhere(`u.user_name_key ${q.descending ? '<' : '>'} :after`, { after });
  else page.offset(q.startIndex - 1);
  return page.getMany();
}

/** Groups of the tenant for a SCIM list or search (reads outside a transaction). */
export async function listGroups(
  db: Database,
  tenantId: string,
  q: ListQuery,
  caches: ListCaches,
): Promise<Page<Group>> {
  const { manager: em, dialect } = db;
  const dir = q.descending ? 'DESC' : 'ASC';
  const column = q.sortBy ? groupSortColumn('g', q.sortBy) : 'g.display_name_key';
  if (!column) throw unsortable(q.sortBy);
  const key = q.filter && uniqueGroupKey(q.filter);
  if (key) return keyedPage(await groupsByKey(db, tenantId, key), q);
  const compile = (f: Filter, p: Params) =>
    compileFilter(f, groupScope('g'), p, { dialect, unknownIsFalse: q.unknownIsFalse ?? false });
  const base = () =>
    withFilter(em.createQueryBuilder(Group, 'g').where('g.tenant_id = :tenantId', { tenantId }), q, compile);
  const page = () =>
    base()
      .select(GROUP_FIELDS.map((f) => `g.${f}`))
      .orderBy(column, dir, 'NULLS LAST')
      .addOrderBy('g.id', dir)
      .offset(q.startIndex - 1)
      .limit(q.count);
  if (q.filter && q.count > 0 && isSelective(q.filter))
    return pageWithTotal(page(), q, () => countOf(base()));
  const filterKey = q.filter ? printFilter(q.filter) : '';
  return countedPage(caches, tenantId, `Group\u0000${filterKey}`, q, () => page().getMany(), base);
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
