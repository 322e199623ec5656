// Group rows changed from their members' side: by SCIM user writes, the console's user removal and a
// sign-in's groups claim. SCIM's own group writes are in scim/repository.
import type { EntityManager } from 'typeorm';
import { Positional, positionalRows } from './positional.js';

/**
 * A group's SCIM representation lists its members by id and name, so a change made from a member's
 * side (the user removed, renamed, or moved by a sign-in's groups claim) is a change of the group:
 * its version and lastModified move, or an IdP holding `W/"n"` would be answered 304 and keep a
 * member list that is no longer true, and `meta.lastModified gt` would not find the group. Run
 * before memberships the user leaves are deleted.
 *
 * Group writes lock the tenant, then the group, then (`FOR KEY SHARE`) the users they add. A caller
 * that holds a user's row and not the tenant's must not wait for a group: `skipLocked` leaves out
 * the groups being written at that moment (on PostgreSQL), which is right for a rename, whose only
 * effect on a group is a member's `display`. A removal takes the tenant lock first instead.
 */
export async function touchGroups(
  tx: EntityManager,
  tenantId: string,
  which: { memberId: string } | { groupIds: readonly string[] },
  now: Date,
  { skipLocked = false } = {},
): Promise<void> {
  if ('groupIds' in which && which.groupIds.length === 0) return;
  // Marks are written in the order they appear: SQLite's `?` are positional.
  const p = new Positional(tx);
  const head = `UPDATE groups SET version = version + 1, updated_at = ${p.time(now)} WHERE tenant_id = ${p.add(tenantId)}`;
  const named = (id: string) =>
    'memberId' in which
      ? `${id} IN (SELECT gm.group_id FROM group_members gm WHERE gm.tenant_id = ${p.add(tenantId)} AND gm.user_id = ${p.add(which.memberId)})`
      : p.among(id, which.groupIds);
  const groups =
    skipLocked && p.postgres
      ? `id IN (SELECT g.id FROM groups g WHERE g.tenant_id = ${p.add(tenantId)} AND ${named('g.id')} FOR UPDATE SKIP LOCKED)`
      : named('id');
  await positionalRows(tx, `${head} AND ${groups}`, p.values);
}
