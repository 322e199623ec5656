import { IsNull, type EntityManager } from 'typeorm';
import {
  ChangeTenantRoleInput,
  InviteUserInput,
  type InviteUserInput as InviteUserInputType,
} from '../contracts/inputs.js';
import type { UserStatus } from '../contracts/enums.js';
import { GroupMember, Invitation, TeamMembership, User, type InvitedTeam } from '../entities/index.js';
import { newId, sha256Hex } from '../crypto.js';
import { Conflict, InvalidInput, InvariantViolated, NotFound } from '../errors.js';
import type { TenantRole } from '../permissions/index.js';
import { lockTenant } from '../repositories/tenants.repository.js';
import { createDraftsSpace, getTeam } from '../repositories/teams.repository.js';
import { touchGroups } from '../repositories/groups.repository.js';
import { insertRow, uniquely } from '../repositories/write.js';
import {
  countOtherActiveOwners,
  findUserByEmail,
  foldKey,
  getUser,
  lockUser,
  revokeUserSessions,
} from '../repositories/users.repository.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { assertRoleAvailable, loadFeatures } from './feature-flags.js';
import { issueInvitation, openInvitation, type IssuedInvitation } from './invitations.js';
import { parseInput } from './parse.js';
import { effectiveTenantRole } from './roles.js';

export function userStatus(u: Pick<User, 'removedAt' | 'active' | 'activatedAt'>): UserStatus {
  if (u.removedAt) return 'removed';
  if (!u.active) return 'deactivated';
  return u.activatedAt ? 'active' : 'invited';
}

/** The audit's view of a user: no secrets, no raw payloads. */
const auditView = (u: User) => ({ email: u.email, tenantRole: u.tenantRole, status: userStatus(u) });

/**
 * Creates a not-yet-activated account with its drafts space and an invitation (seed 000
 * "Inviting new users"; seed 002: adding an unknown address to a team invites it to the tenant).
 */
export async function createInvitedUser(
  tx: EntityManager,
  deps: Pick<ServiceDeps, 'clock'>,
  input: {
    tenantId: string;
    email: string;
    tenantRole: TenantRole;
    teams: InvitedTeam[];
    invitedBy: string | null;
  },
): Promise<{ user: User } & IssuedInvitation> {
  const now = deps.clock.now();
  const user = tx.create(User, {
    id: newId(),
    tenantId: input.tenantId,
    email: input.email,
    emailKey: foldKey(input.email),
    userName: input.email,
    userNameKey: foldKey(input.email),
    externalId: null,
    givenName: null,
    familyName: null,
    displayName: null,
    active: true,
    otherWorkEmails: false,
    tenantRole: input.tenantRole,
    mappedTenantRole: null,
    source: 'invite',
    activatedAt: null,
    lastSignInAt: null,
    removedAt: null,
    scimAttributes: null,
    lastScimPayload: null,
    lastSyncedAt: null,
    mfaSecretEncrypted: null,
    mfaEnabledAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
  await uniquely(
    () => insertRow(tx, User, user),
    'user.exists',
    `${input.email} already has an account in this tenant.`,
  );
  await createDraftsSpace(tx, input.tenantId, user.id, deps.clock);
  const issued = await issueInvitation(tx, deps.clock, { ...input, userId: user.id });
  return { user, ...issued };
}

export class UserService {
  constructor(private readonly deps: ServiceDeps) {}

  async get(actor: ActorContext, userId: string): Promise<User> {
    const user = await getUser(this.deps.db.manager, actor.tenantId, userId);
    authorize(actor, 'user:view', { userId: user.id, tenantRole: effectiveTenantRole(user) });
    return user;
  }

  /** Seed 000 "Inviting new users" / seed 001 "Add a standard tenant user" (managers: members only). */
  async invite(actor: ActorContext, raw: InviteUserInputType): Promise<{ user: User } & IssuedInvitation> {
    const input = parseInput(InviteUserInput, raw);
    authorize(actor, 'user:invite', { tenantRole: input.tenantRole, newRole: input.tenantRole });
    return this.deps.db.transaction(async (tx) => {
      const features = await loadFeatures(tx, actor.tenantId);
      for (const t of input.teams) {
        await getTeam(tx, actor.tenantId, t.teamId);
        assertRoleAvailable(t.role, features);
        authorize(actor, 'team:addMember', { teamId: t.teamId });
      }
      if (await findUserByEmail(tx, actor.tenantId, input.email)) {
        throw new Conflict('user.exists', `${input.email} already has an account in this tenant.`);
      }
      const created = await createInvitedUser(tx, this.deps, {
        tenantId: actor.tenantId,
        email: input.email,
        tenantRole: input.tenantRole,
        teams: input.teams,
        invitedBy: actor.kind === 'user' ? actor.userId : null,
      });
      await this.deps.audit.record(tx, actor, {
        action: 'user.invited',
        targetType: 'user',
        targetId: created.user.id,
        change: { after: { ...auditView(created.user), teams: input.teams } },
      });
      return created;
    });
  }

  async resendInvitation(actor: ActorContext, userId: string): Promise<{ user: User } & IssuedInvitation> {
    return this.deps.db.transaction(async (tx) => {
      const user = await lockUser(tx, actor.tenantId, userId);
      authorize(actor, 'user:resendInvitation', { userId, tenantRole: effectiveTenantRole(user) });
      const current = await openInvitation(tx, actor.tenantId, userId);
      if (!current || user.activatedAt) {
        throw new InvalidInput('invitation.none_pending', 'This user has no pending invitation.');
      }
      const issued = await issueInvitation(tx, this.deps.clock, {
        tenantId: actor.tenantId,
        userId,
        email: user.email,
        tenantRole: current.tenantRole,
        teams: current.teams,
        invitedBy: actor.kind === 'user' ? actor.userId : current.invitedBy,
      });
      await this.deps.audit.record(tx, actor, {
        action: 'user.invitation_resent',
        targetType: 'user',
        targetId: userId,
      });
      return { user, ...issued };
    });
  }

  /** Withdraws a pending invitation; the never-activated account goes with it. */
  async revokeInvitation(actor: ActorContext, userId: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const user = await lockUser(tx, actor.tenantId, userId);
      authorize(actor, 'user:revokeInvitation', { userId, tenantRole: effectiveTenantRole(user) });
      if (user.activatedAt)
        throw new InvalidInput('invitation.none_pending', 'This user has already joined.');
      await tx.update(
        Invitation,
        { tenantId: actor.tenantId, userId, acceptedAt: IsNull(), revokedAt: IsNull() },
        {
          revokedAt: this.deps.clock.now(),
        },
      );
      await this.markRemoved(tx, user);
      await this.deps.audit.record(tx, actor, {
        action: 'user.invitation_revoked',
        targetType: 'user',
        targetId: userId,
      });
    });
  }

  /**
   * Accepting an invitation activates the account and joins the invited teams. The token is the
   * credential here, so the actor is the invited user themself.
   */
  async acceptInvitation(token: string): Promise<User> {
    return this.deps.db.transaction(async (tx) => {
      const now = this.deps.clock.now();
      const invitation = await tx.findOne(Invitation, { where: { tokenHash: sha256Hex(token) } });
      if (!invitation || invitation.revokedAt || invitation.acceptedAt || invitation.expiresAt <= now) {
        throw new NotFound('invitation.invalid', 'This invitation link is invalid or has expired.');
      }
      const user = await lockUser(tx, invitation.tenantId, invitation.userId);
      await tx.update(Invitation, { id: invitation.id }, { acceptedAt: now });
      await tx.update(User, { id: user.id }, { activatedAt: now, updatedAt: now, version: user.version + 1 });
      for (const t of invitation.teams) {
        await tx
          .createQueryBuilder()
          .insert()
          .into(TeamMembership)
          .values({
            ...t,
            tenantId: user.tenantId,
            userId: user.id,
            mappedRole: null,
            createdAt: now,
            updatedAt: now,
          })
          .orIgnore()
          .execute();
      }
      const self: ActorContext = {
        kind: 'user',
        tenantId: user.tenantId,
        userId: user.id,
        tenantRole: user.tenantRole,
        teamRoles: {},
        label: user.email,
      };
      await this.deps.audit.record(tx, self, {
        action: 'user.invitation_accepted',
        targetType: 'user',
        targetId: user.id,
        change: { teams: invitation.teams },
      });
      return { ...user, activatedAt: now };
    });
  }

  /** Seed 001: only owners grant or remove owner/manager; seed 000: the tenant keeps an owner. */
  async changeRole(actor: ActorContext, userId: string, raw: ChangeTenantRoleInput): Promise<User> {
    const { tenantRole } = parseInput(ChangeTenantRoleInput, raw);
    return this.deps.db.transaction(async (tx) => {
      await lockTenant(tx, actor.tenantId);
      const user = await lockUser(tx, actor.tenantId, userId);
      authorize(actor, 'user:changeRole', {
        userId,
        tenantRole: effectiveTenantRole(user),
        newRole: tenantRole,
      });
      // A role an IdP group mapping gives stays whatever is set here: say so instead of a 200 that
      // changed nothing the account acts with (as removing a mapped team membership is refused).
      if (effectiveTenantRole({ tenantRole, mappedTenantRole: user.mappedTenantRole }) !== tenantRole) {
        throw new InvalidInput(
          'user.role_from_idp',
          `This account is a ${String(user.mappedTenantRole)} through an identity-provider group mapping: change it in the IdP or the mapping.`,
        );
      }
      if (user.tenantRole === tenantRole) return user;
      if (user.tenantRole === 'owner') await this.assertAnotherOwner(tx, user);
      const now = this.deps.clock.now();
      await tx.update(User, { id: user.id }, { tenantRole, updatedAt: now, version: user.version + 1 });
      // A role change ends the user's sessions: new authority starts with a new sign-in.
      await revokeUserSessions(tx, actor.tenantId, user.id, 'role_changed', this.deps.clock);
      await this.deps.audit.record(tx, actor, {
        action: 'user.role_changed',
        targetType: 'user',
        targetId: user.id,
        change: { before: { tenantRole: user.tenantRole }, after: { tenantRole } },
      });
      return { ...user, tenantRole, updatedAt: now, version: user.version + 1 };
    });
  }

  async deactivate(actor: ActorContext, userId: string): Promise<User> {
    return this.setActive(actor, userId, false);
  }

  async reactivate(actor: ActorContext, userId: string): Promise<User> {
    return this.setActive(actor, userId, true);
  }

  /**
   * Seed 000 "Removing users": the account leaves the tenant (kept for audit, email freed), its
   * sessions end and its team places go. A person may not remove a team's last member.
   */
  async remove(actor: ActorContext, userId: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await lockTenant(tx, actor.tenantId);
      const user = await lockUser(tx, actor.tenantId, userId);
      authorize(actor, 'user:remove', { userId, tenantRole: effectiveTenantRole(user) });
      if (user.tenantRole === 'owner') await this.assertAnotherOwner(tx, user);
      await this.assertNotLastMemberAnywhere(tx, user);
      await this.markRemoved(tx, user);
      await this.deps.audit.record(tx, actor, {
        action: 'user.removed',
        targetType: 'user',
        targetId: user.id,
        change: { before: auditView(user) },
      });
    });
  }

  private async setActive(actor: ActorContext, userId: string, active: boolean): Promise<User> {
    return this.deps.db.transaction(async (tx) => {
      await lockTenant(tx, actor.tenantId);
      const user = await lockUser(tx, actor.tenantId, userId);
      authorize(actor, active ? 'user:reactivate' : 'user:deactivate', {
        userId,
        tenantRole: effectiveTenantRole(user),
      });
      if (user.active === active) return user;
      if (!active && user.tenantRole === 'owner') await this.assertAnotherOwner(tx, user);
      const now = this.deps.clock.now();
      await tx.update(User, { id: user.id }, { active, updatedAt: now, version: user.version + 1 });
      if (!active) await revokeUserSessions(tx, actor.tenantId, user.id, 'deactivated', this.deps.clock);
      await this.deps.audit.record(tx, actor, {
        action: active ? 'user.reactivated' : 'user.deactivated',
        targetType: 'user',
        targetId: user.id,
        change: { before: { active: user.active }, after: { active } },
      });
      return { ...user, active, updatedAt: now, version: user.version + 1 };
    });
  }

  private async assertAnotherOwner(tx: EntityManager, user: User): Promise<void> {
    if ((await countOtherActiveOwners(tx, user.tenantId, user.id)) === 0) {
      throw new InvariantViolated(
        'tenant.last_owner',
        'A tenant keeps at least one active owner: make someone else owner first.',
      );
    }
  }

  private async assertNotLastMemberAnywhere(tx: EntityManager, user: User): Promise<void> {
    const soleTeams: Array<{ teamId: string }> = await tx
      .createQueryBuilder(TeamMembership, 'm')
      .select('m.teamId', 'teamId')
      .innerJoin('teams', 't', 't.id = m.team_id AND t.kind = :kind', { kind: 'team' })
      .where('m.tenantId = :tenantId AND m.userId = :userId', { tenantId: user.tenantId, userId: user.id })
      .andWhere(
        'NOT EXISTS (SELECT 1 FROM team_memberships o WHERE o.team_id = m.team_id AND o.user_id <> m.user_id)',
      )
      .getRawMany();
    if (soleTeams.length > 0) {
      throw new InvariantViolated(
        'team.last_member',
        'This user is the last member of a team: add another member to it (or delete it) first.',
        { teamIds: soleTeams.map((t) => t.teamId) },
      );
    }
  }

  /** Keeps the row for the audit trail; frees email, userName and externalId for reuse. */
  private async markRemoved(tx: EntityManager, user: User): Promise<void> {
    const now = this.deps.clock.now();
    await tx.update(
      User,
      { id: user.id },
      {
        removedAt: now,
        active: false,
        emailKey: null,
        userNameKey: null,
        externalId: null,
        updatedAt: now,
        version: user.version + 1,
      },
    );
    await revokeUserSessions(tx, user.tenantId, user.id, 'removed', this.deps.clock);
    await tx.delete(TeamMembership, { tenantId: user.tenantId, userId: user.id });
    await touchGroups(tx, user.tenantId, { memberId: user.id }, now);
    await tx.delete(GroupMember, { tenantId: user.tenantId, userId: user.id });
  }
}
