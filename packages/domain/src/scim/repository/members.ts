// Group membership as set operations on rows (STYLE §6): adding 100 members is one insert that skips
// existing rows, removing is one `DELETE … WHERE user_id IN (…)`; a group's members are never loaded
// to diff them. RETURNING (PostgreSQL; SQLite ≥ 3.35) reports which rows really changed. The ids go
// in as one list parameter (`Positional.list`), so each statement's text is the same for any number
// of members: PostgreSQL parsed and planned a new text of 100 placeholders for every PATCH.
import type { EntityManager } from 'typeorm';
import { keyShare } from '../../repositories/lock.js';
import { listedIds, Positional, positionalRows } from '../../repositories/positional.js';
import { batchWrite, skippingTaken } from '../../repositories/write.js';

/**
 * Keeps the listed ids that are live users of the tenant: one primary-key probe per id, in a
 * correlated subquery that names no other column an index leads with, its row's tenant compared
 * outside it. Every other form let a planner pick a walk of the tenant's users: for `u.id IN (…)` or
 * a join, SQLite (which keeps no statistics) and PostgreSQL (until users is first analysed) read the
 * tenant's whole userName index (7 ms at 15,000 users); with the tenant inside the subquery,
 * PostgreSQL probed `(tenant_id, email_key)` and filtered 5,000 rows per id (88 ms instead of 3).
 * `lock` (see `keyShare`) locks each row the probe finds.
 */
const isLiveUser = (p: Positional, tenantId: string, lock = '') =>
  `(SELECT u.tenant_id FROM users u WHERE u.id = listed.id AND u.user_name_key IS NOT NULL${lock}) = ${p.add(tenantId)}`;

/** The ids among `ids` that are live users of the tenant. */
async function liveUserIds(tx: EntityManager, tenantId: string, ids: string[]): Promise<Set<string>> {
  const p = new Positional(tx);
  const sql = `${listedIds(p, [...new Set(ids)])} SELECT listed.id AS id FROM listed WHERE ${isLiveUser(p, tenantId)}`;
  const rows = await positionalRows<{ id: string }>(tx, sql, p.values);
  return new Set(rows.map((r) => r.id));
}

export interface MembersAdded {
  /** The user ids that became members. */
  added: string[];
  /** Listed ids that are no live user of the tenant (another tenant's id is as unknown as a made-up one). */
  unknown: string[];
}

/**
 * Makes the listed live users of the tenant members, skipping existing rows: one INSERT … SELECT
 * that checks the ids and inserts in the same statement. Only ids it did not insert (members
 * already, or unknown) are looked up again, to tell the two apart. A caller that refuses unknown
 * ids throws, and its transaction undoes the insert.
 *
 * The check locks the users it finds live (`keyShare`) until commit. Unlocked, a user being removed
 * meanwhile (DELETE /Users) was still live in this statement's snapshot while the removal's DELETE of
 * their memberships could not see this uncommitted insert: both committed, and the removed user
 * stayed a member (and kept the team role a mapped group gave them). Locked, the removal comes
 * wholly before (the row is re-read: not live, not added, an unknown id) or wholly after (it deletes
 * the new rows and mapped roles). Lock order, so that neither waits for the other in a cycle: the
 * caller holds the group row (and the tenant's), this takes the users' rows, then writes membership
 * rows, then the caller takes the audit chain head; a removal takes the user's row, then deletes
 * their membership rows, then takes the audit head, and waits for no group or tenant row meanwhile.
 */
export async function addMembers(
  tx: EntityManager,
  tenantId: string,
  groupId: string,
  userIds: string[],
  now: Date,
): Promise<MembersAdded> {
  const ids = [...new Set(userIds)];
  const p = new Positional(tx);
  const { insert, onConflict } = skippingTaken(tx);
  const rows = await batchWrite(
    tx,
    `${listedIds(p, ids)} ${insert} group_members (group_id, user_id, tenant_id, created_at)
     SELECT ${p.add(groupId)}, listed.id, ${p.add(tenantId)}, ${p.time(now)} FROM listed
      WHERE ${isLiveUser(p, tenantId, keyShare(tx))}${onConflict} RETURNING user_id`,
    p.values,
  );
  const added = rows.map(([userId]) => userId as string);
  const inserted = new Set(added);
  const rest = ids.filter((id) => !inserted.has(id));
  const live = rest.length ? await liveUserIds(tx, tenantId, rest) : new Set<string>();
  return { added, unknown: rest.filter((id) => !live.has(id)) };
}

/**
 * How a write that deletes membership rows treats the users leaving. `lockLeaving`: the caller goes
 * on to write those users' own rows (a mapped group recomputes their roles: the user row, their team
 * memberships), so their user rows are locked first (`lockLeavingUsers`).
 */
export interface Leaving {
  lockLeaving: boolean;
}

/**
 * Locks (`keyShare`) the users whose membership rows of the group the caller is about to delete, in
 * one statement however many they are; `narrow` restricts the rows as the DELETE will.
 *
 * Lock order: a user's row before any row about them. A removal (DELETE /Users) locks the user's row,
 * then deletes their membership rows; a mapped group's write that deleted a membership row first and
 * reached the user's rows after (recomputing their mapped roles) would wait for the removal while the
 * removal waited for it, and PostgreSQL would abort one (deadlock, 40P01). Locked first, the removal
 * comes wholly before (the rows are gone: not reported removed, not recomputed) or wholly after. The
 * group alone picks the rows (its id leads the primary key): the caller found it in the tenant and
 * holds its lock. SQLite (one writer) runs nothing.
 */
async function lockLeavingUsers(
  tx: EntityManager,
  groupId: string,
  narrow: (p: Positional) => string,
): Promise<void> {
  const lock = keyShare(tx, 'u');
  if (!lock) return;
  const p = new Positional(tx);
  await positionalRows(
    tx,
    `SELECT count(*) AS n FROM (SELECT u.id FROM group_members gm JOIN users u ON u.id = gm.user_id
      WHERE gm.group_id = ${p.add(groupId)}${narrow(p)}${lock}) leaving`,
    p.values,
  );
}

/** Deletes the listed memberships; returns the user ids that were members. */
export async function removeMembers(
  tx: EntityManager,
  tenantId: string,
  groupId: string,
  userIds: string[],
  { lockLeaving }: Leaving,
): Promise<string[]> {
  const ids = [...new Set(userIds)];
  if (lockLeaving) await lockLeavingUsers(tx, groupId, (p) => ` AND ${p.among('gm.user_id', ids)}`);
  const p = new Positional(tx);
  const rows = await positionalRows<{ user_id: string }>(
    tx,
    `DELETE FROM group_members WHERE tenant_id = ${p.add(tenantId)} AND group_id = ${p.add(groupId)}
      AND ${p.among('user_id', ids)} RETURNING user_id`,
    p.values,
  );
  return rows.map((r) => r.user_id);
}

/** Deletes every membership of the group (DELETE /Groups); returns the user ids that were members. */
export async function removeAllMembers(
  tx: EntityManager,
  tenantId: string,
  groupId: string,
  { lockLeaving }: Leaving,
): Promise<string[]> {
  if (lockLeaving) await lockLeavingUsers(tx, groupId, () => '');
  const p = new Positional(tx);
  const rows = await positionalRows<{ user_id: string }>(
    tx,
    `DELETE FROM group_members WHERE tenant_id = ${p.add(tenantId)} AND group_id = ${p.add(groupId)} RETURNING user_id`,
    p.values,
  );
  return rows.map((r) => r.user_id);
}

/**
 * Makes the group's members exactly the live users among `userIds` (PUT, or PATCH replace of
 * members): deletes the rows not listed, inserts the listed ones that are missing. The list is
 * bounded by the request size.
 */
export async function replaceMembers(
  tx: EntityManager,
  tenantId: string,
  groupId: string,
  userIds: string[],
  now: Date,
  { lockLeaving }: Leaving,
): Promise<MembersAdded & { removed: string[] }> {
  const keep = [...new Set(userIds)];
  const notListed = (p: Positional, column: string) =>
    keep.length ? ` AND NOT (${p.among(column, keep)})` : '';
  if (lockLeaving) await lockLeavingUsers(tx, groupId, (p) => notListed(p, 'gm.user_id'));
  const p = new Positional(tx);
  const removed = await positionalRows<{ user_id: string }>(
    tx,
    `DELETE FROM group_members WHERE tenant_id = ${p.add(tenantId)} AND group_id = ${p.add(groupId)}${notListed(p, 'user_id')} RETURNING user_id`,
    p.values,
  );
  return { ...(await addMembers(tx, tenantId, groupId, keep, now)), removed: removed.map((r) => r.user_id) };
}

/** The listed ids that are no live user of the tenant (an add that a later operation took back still needed a user). */
export async function unknownUsers(tx: EntityManager, tenantId: string, ids: string[]): Promise<string[]> {
  const live = await liveUserIds(tx, tenantId, ids);
  return [...new Set(ids)].filter((id) => !live.has(id));
}
