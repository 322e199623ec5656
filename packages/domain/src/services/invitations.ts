import type { EntityManager } from 'typeorm';
import { Invitation, type InvitedTeam } from '../entities/index.js';
import { newId, randomToken, sha256Hex } from '../crypto.js';
import type { Clock } from '../clock.js';
import type { TenantRole } from '../permissions/index.js';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const INVITATION_TOKEN_PREFIX = 'ghi_';

export interface IssuedInvitation {
  invitation: Invitation;
  /** The secret for the acceptance link; only its hash is stored, so this is its only appearance. */
  token: string;
}

/** Revokes a user's open invitations and issues a fresh one (invite and resend alike). */
export async function issueInvitation(
  tx: EntityManager,
  clock: Clock,
  input: {
    tenantId: string;
    userId: string;
    email: string;
    tenantRole: TenantRole;
    teams: InvitedTeam[];
    invitedBy: string | null;
  },
): Promise<IssuedInvitation> {
  const now = clock.now();
  await tx
    .createQueryBuilder()
    .update(Invitation)
    .set({ revokedAt: now })
    .where('tenantId = :tenantId AND userId = :userId AND acceptedAt IS NULL AND revokedAt IS NULL', input)
    .execute();
  const token = randomToken(INVITATION_TOKEN_PREFIX);
  const invitation = tx.create(Invitation, {
    id: newId(),
    ...input,
    tokenHash: sha256Hex(token),
    expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    acceptedAt: null,
    revokedAt: null,
    createdAt: now,
  });
  await tx.insert(Invitation, invitation);
  return { invitation, token };
}

export async function openInvitation(
  em: EntityManager,
  tenantId: string,
  userId: string,
): Promise<Invitation | null> {
  return em
    .createQueryBuilder(Invitation, 'i')
    .where('i.tenantId = :tenantId AND i.userId = :userId AND i.acceptedAt IS NULL AND i.revokedAt IS NULL', {
      tenantId,
      userId,
    })
    .orderBy('i.createdAt', 'DESC')
    .getOne();
}
