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
import { listedIds, Positional } from '../../repositories/positional.js';
import { scimInvalid } from '../errors.js';
import { GROUP_FIELDS, groupsByKey, USER_FIELDS, usersByKey, usersPage, type ScimUserRow } from './reads.js';
import {
  groupScope,
  groupSortColumn,
  MAX_OTHER_WORK_EMAIL_USERS,
  uniqueGroupKey,
  uniqueUserKey,
  userScope,
  userSortColumn,
  type WorkEmailKeys,
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
 * What one tenant's listings learnt, kept for a moment (`ttlMs`): this replica's SCIM writes forget a
 * tenant's entries at once (`ListCaches.forget`); changes made elsewhere (another replica, the console,
 * the CLI) show once an entry has expired. RFC 7644 §3.4.2.4 promises no frozen listing while
 * resources change, but an entry must not outlive the walk it was made for. Bounded: past `perTenant`
 * entries a tenant's oldest goes, past 1,000 tenants every tenant's.
 */
export class TenantMemo<V> {
  private readonly byTenant = new Map<string, Map<string, { value: V; until: number }>>();

  constructor(
    private readonly ttlMs: number,
    private readonly perTenant: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(tenantId: string, key: string): V | undefined {
    const hit = this.byTenant.get(tenantId)?.get(key);
    return hit && hit.until > this.now() ? hit.value : undefined;
  }

  set(tenantId: string, key: string, value: V): void {
    let entries = this.byTenant.get(tenantId);
    if (!entries) {
      if (this.byTenant.size >= 1_000) this.byTenant.clear();
      entries = new Map();
      this.byTenant.set(tenantId, entries);
    }
    entries.delete(key);
    entries.set(key, { value, until: this.now() + this.ttlMs });
    if (entries.size > this.perTenant) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
  }

  forget(tenantId: string): void {
    this.byTenant.delete(tenantId);
  }
}

/** Caches for the listings of one replica. */
export class ListCaches {
  /**
   * Where the next page of a walk starts, per (filter, order, startIndex): the last userName key of
   * the page before. IdPs walk a listing page after page, and a seek on the sort key costs the same
   * on the last page as on the first, where OFFSET reads every row before it. A walk asks for its
   * next page within milliseconds; a miss falls back to OFFSET and the walk seeks again after it.
   */
  readonly cursors = new TenantMemo<string>(10_000, 5_000);
  /** Totals of broad listings: an IdP walking 1,000 pages of 100 users would count them 1,000 times. */
  readonly totals = new TenantMemo<number>(2_000, 100);

  /** After a write to the tenant's users or groups: their pages may start elsewhere now. */
  forget(tenantId: string): void {
    this.cursors.forget(tenantId);
    this.totals.forget(tenantId);
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
 * The page and its total: a recent total (ListCaches.totals), or one implied by a first page shorter than
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
): Promise<Page<ScimUserRow>> {
  const { manager: em, dialect } = db;
  const dir = q.descending ? 'DESC' : 'ASC';
  const column = q.sortBy ? userSortColumn('u', q.sortBy, dialect) : 'u.user_name_key';
  if (!column) throw unsortable(q.sortBy);
  const key = q.filter && uniqueUserKey(q.filter);
  if (key) return keyedPage(await usersByKey(db, tenantId, key), q);
  const workEmails: WorkEmailKeys = { wanted: false };
  const compile = (f: Filter, p: Params) =>
    compileFilter(f, userScope('u', dialect, workEmails), p, {
      dialect,
      unknownIsFalse: q.unknownIsFalse ?? false,
    });
  if (q.filter) {
    compile(q.filter, new Params('wk'));
    if (workEmails.wanted) workEmails.others = await otherWorkEmailPrincipals(em, tenantId);
  }
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
  const page = async (): Promise<ScimUserRow[]> => {
    if (q.sortBy)
      return sorted()
        .offset(q.startIndex - 1)
        .limit(q.count)
        .getMany();
    // The default order is the unique userName key: seekable (ListCaches.cursors) and served by its index.
    const cursorKey = `${filterKey}\u0000${dir}`;
    const after =
      q.startIndex > 1 ? caches.cursors.get(tenantId, `${cursorKey}\u0000${q.startIndex}`) : undefined;
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
      caches.cursors.set(tenantId, `${cursorKey}\u0000${q.startIndex + rows.length}`, last.userNameKey);
    }
    return rows;
  };
  return countedPage(caches, tenantId, `User\u0000${filterKey}`, q, page, base);
}

/**
 * The principal email keys of the tenant's users with more than one work email, through their
 * partial index; one more than `MAX_OTHER_WORK_EMAIL_USERS` says there are too many to list.
 */
async function otherWorkEmailPrincipals(em: EntityManager, tenantId: string): Promise<string[]> {
  const rows: Array<{ email_key: string | null }> = await em
    .createQueryBuilder(User, 'u')
    .select('u.email_key', 'email_key')
    .where('u.tenant_id = :tenantId AND u.other_work_emails = :flag AND u.user_name_key IS NOT NULL', {
      tenantId,
      flag: true,
    })
    .limit(MAX_OTHER_WORK_EMAIL_USERS + 1)
    .getRawMany();
  return rows.flatMap((r) => (r.email_key === null ? [] : [r.email_key]));
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

/**
 * The membership rows of the listed groups, with each user's name for `display`, at most `limit` of
 * them when given. Rows are found by the primary key (group_id, user_id) alone, each group's tenant
 * compared outside its key probe and each user's name read by its key (`listedIds`): with
 * `tenant_id = …` beside `group_id IN (…)`, SQLite took idx_group_members_tenant_user and read every
 * membership of the tenant, and PostgreSQL (unanalysed) joined a scan of the whole users table. No
 * ORDER BY, so a limit stops the read: members are ordered here.
 */
async function memberRows(
  em: EntityManager,
  tenantId: string,
  groupIds: readonly string[],
  limit?: number,
): Promise<Map<string, MemberRef[]>> {
  const p = new Positional(em);
  const sql = `${listedIds(p, groupIds)}
    SELECT gm.group_id AS group_id, gm.user_id AS user_id,
           (SELECT COALESCE(u.display_name, u.user_name) FROM users u WHERE u.id = gm.user_id) AS display
      FROM listed JOIN group_members gm ON gm.group_id = listed.id
     WHERE (SELECT g.tenant_id FROM groups g WHERE g.id = listed.id) = ${p.add(tenantId)}`;
  const rows: Array<{ group_id: string; user_id: string; display: string | null }> = await em.query(
    limit === undefined ? sql : `${sql} LIMIT ${p.add(limit)}`,
    p.values,
  );
  const out = new Map<string, MemberRef[]>(groupIds.map((id) => [id, []]));
  // A membership row always has its user (users are never deleted; removal deletes memberships).
  for (const r of rows)
    if (r.display !== null) out.get(r.group_id)?.push({ value: r.user_id, display: r.display });
  for (const members of out.values())
    members.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return out;
}

/** Members of the given groups, in one query (with the users' names for `display`). */
export async function membersOf(
  em: EntityManager,
  tenantId: string,
  groupIds: string[],
): Promise<Map<string, MemberRef[]>> {
  if (groupIds.length === 0) return new Map();
  return memberRows(em, tenantId, groupIds);
}

/** The members of a listing's leading groups, and how many of its groups they are. */
export interface ListedMembers {
  /** The listing keeps its first `kept` groups (at least one). */
  kept: number;
  members: Map<string, MemberRef[]>;
}

/**
 * The members of a page of groups (in page order), kept within `budget` member entries: the longest
 * leading run of groups whose members add up to at most `budget`, and always the first group whole,
 * however big (a truncated member list would tell an IdP that members were removed). RFC 7644
 * §3.4.2.4 lets a page hold fewer resources than `count`; the client goes on from the shorter page.
 *
 * One statement when the page fits, the usual case: it reads at most `budget + 1` rows. When they
 * overflow, a walk in page order counts each group's members (each count capped at `budget + 1`)
 * and stops at the first group that overflows the budget, so no group after it is counted; then
 * only the kept groups' members are read.
 */
export async function membersWithin(
  em: EntityManager,
  tenantId: string,
  groupIds: string[],
  budget: number,
): Promise<ListedMembers> {
  if (groupIds.length === 0) return { kept: 0, members: new Map() };
  const all = await memberRows(em, tenantId, groupIds, budget + 1);
  let entries = 0;
  for (const members of all.values()) entries += members.length;
  if (entries <= budget) return { kept: groupIds.length, members: all };
  const kept = await groupsWithin(em, tenantId, groupIds, budget);
  return { kept, members: await memberRows(em, tenantId, groupIds.slice(0, kept)) };
}

/**
 * How many leading groups of `groupIds` have at most `budget` members together (at least 1). A
 * recursive walk, group after group, each count read from the primary key and capped at
 * `budget + 1` (enough to know a group overflows), ending at the first group that overflows.
 * PostgreSQL may still read that group's whole key range as a bitmap (planned for an average
 * group): the index entries of that one group, and of no group after it.
 */
async function groupsWithin(
  em: EntityManager,
  tenantId: string,
  groupIds: string[],
  budget: number,
): Promise<number> {
  const p = new Positional(em);
  const listed = groupIds.map((id, i) => `(${i + 1}, ${p.add(id)})`).join(', ');
  const sql = `WITH RECURSIVE listed (pos, id) AS (VALUES ${listed}),
    walk (pos, total) AS (
      SELECT 0, CAST(0 AS BIGINT)
      UNION ALL
      SELECT walk.pos + 1, walk.total + (
        SELECT COUNT(*) FROM (
          SELECT 1 FROM group_members m
           WHERE m.group_id = (
             SELECT listed.id FROM listed
              WHERE listed.pos = walk.pos + 1
                AND (SELECT g.tenant_id FROM groups g WHERE g.id = listed.id) = ${p.add(tenantId)})
           LIMIT ${p.add(budget + 1)}) capped)
        FROM walk WHERE walk.total <= ${p.add(budget)} AND walk.pos < ${p.add(groupIds.length)})
    SELECT total FROM walk WHERE pos > 0`;
  const rows: Array<{ total: number | string }> = await em.query(sql, p.values);
  return Math.max(1, rows.filter((r) => Number(r.total) <= budget).length);
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
