import { IsNull, type EntityManager } from 'typeorm';
import { Session, User } from '../entities/index.js';
import { caseFold } from '../case-fold.js';
import { NotFound } from '../errors.js';
import type { Clock } from '../clock.js';
import { forNoKeyUpdate, forUpdate } from './lock.js';

/** Case-folded key for case-insensitive uniqueness and lookups (RFC 7643: userName caseExact=false). */
export const foldKey = (value: string): string => caseFold(value.normalize('NFC').trim());

/** A user of this tenant; removed users and other tenants' ids are "not found" alike. */
export async function getUser(em: EntityManager, tenantId: string, userId: string): Promise<User> {
  const user = await em.findOne(User, { where: { tenantId, id: userId, removedAt: IsNull() } });
  if (!user) throw new NotFound('user.not_found', 'No such user.');
  return user;
}

export async function lockUser(tx: EntityManager, tenantId: string, userId: string): Promise<User> {
  const user = await forUpdate(
    tx,
    tx
      .createQueryBuilder(User, 'u')
      .where('u.tenantId = :tenantId AND u.id = :userId AND u.removedAt IS NULL', { tenantId, userId }),
  ).getOne();
  if (!user) throw new NotFound('user.not_found', 'No such user.');
  return user;
}

/**
 * The user's row, removed or not, locked `FOR NO KEY UPDATE` (see `forNoKeyUpdate`) until commit, for
 * a transaction that writes the user's row and rows about the user that must not outlive their
 * removal or deactivation: read under the lock, the row says whether they still may have them, and a
 * removal either came first (and the read sees it) or waits for the commit (and then ends what was
 * written). A removed user's row stays, so only another tenant's id is not found.
 */
export async function lockUserRow(tx: EntityManager, tenantId: string, userId: string): Promise<User> {
  const user = await forNoKeyUpdate(
    tx,
    tx.createQueryBuilder(User, 'u').where('u.tenantId = :tenantId AND u.id = :userId', { tenantId, userId }),
  ).getOne();
  if (!user) throw new NotFound('user.not_found', 'No such user.');
  return user;
}

export async function findUserByEmail(
  em: EntityManager,
  tenantId: string,
  email: string,
): Promise<User | null> {
  return em.findOne(User, { where: { tenantId, emailKey: foldKey(email) } });
}

/** Active owners other than `exceptUserId` (call under the tenant lock). */
export async function countOtherActiveOwners(
  tx: EntityManager,
  tenantId: string,
  exceptUserId: string,
): Promise<number> {
  return tx
    .createQueryBuilder(User, 'u')
    .where('u.tenantId = :tenantId AND u.tenantRole = :owner AND u.active = :active', {
      tenantId,
      owner: 'owner',
      active: true,
    })
    .andWhere('u.removedAt IS NULL AND u.id <> :exceptUserId', { exceptUserId })
    .getCount();
}

/**
 * The columns that end a session: when and why, and its sealed ID token dropped (a session that
 * has ended is never signed out at the IdP, so it has no more use for it).
 */
export const sessionEnd = (at: Date, reason: string) =>
  ({ revokedAt: at, revokedReason: reason, idTokenSealed: null }) satisfies Partial<Session>;

/** Ends every live session of a user; returns how many. */
export async function revokeUserSessions(
  tx: EntityManager,
  tenantId: string,
  userId: string,
  reason: string,
  clock: Clock,
): Promise<number> {
  const result = await tx
    .createQueryBuilder()
    .update(Session)
    .set(sessionEnd(clock.now(), reason))
    .where('tenantId = :tenantId AND userId = :userId AND revokedAt IS NULL', { tenantId, userId })
    .execute();
  return result.affected ?? 0;
}
