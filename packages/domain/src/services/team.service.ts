import type { EntityManager } from 'typeorm';
import {
  AddTeamMemberInput,
  ChangeTeamMemberRoleInput,
  CreateTeamInput,
  RenameTeamInput,
} from '../contracts/inputs.js';
import {
  Case,
  Credential,
  Dashboard,
  GroupMapping,
  ObjectShare,
  Resource,
  Story,
  Team,
  TeamAllocation,
  TeamMembership,
  User,
} from '../entities/index.js';
import { newId } from '../crypto.js';
import { Conflict, InvalidInput, InvariantViolated, NotFound } from '../errors.js';
import type { TeamRole } from '../permissions/index.js';
import { findMembership, getTeam, lockTeam } from '../repositories/teams.repository.js';
import { uniquely } from '../repositories/write.js';
import { findUserByEmail, foldKey } from '../repositories/users.repository.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { assertRoleAvailable, loadFeatures } from './feature-flags.js';
import type { IssuedInvitation } from './invitations.js';
import { createInvitedUser, userStatus } from './user.service.js';
import { parseInput } from './parse.js';

export type AddMemberResult =
  | { outcome: 'added'; membership: TeamMembership }
  /** Seed 002: "If an account does not exist yet … an invitation email will be sent". */
  | ({ outcome: 'invited'; user: User } & IssuedInvitation);

const duplicateTeamName = (name: string) => `A team named "${name}" already exists.`;

/** Seed 002 "Using Teams": teams, their members and roles. */
export class TeamService {
  constructor(private readonly deps: ServiceDeps) {}

  /** The creator (when a person) becomes the team's first admin, so a team always has a member. */
  async create(actor: ActorContext, raw: CreateTeamInput): Promise<Team> {
    const { name } = parseInput(CreateTeamInput, raw);
    authorize(actor, 'team:create');
    return this.deps.db.transaction(async (tx) => {
      const now = this.deps.clock.now();
      const team = tx.create(Team, {
        id: newId(),
        tenantId: actor.tenantId,
        name,
        nameKey: foldKey(name),
        kind: 'team',
        draftsOwnerId: null,
        createdAt: now,
        updatedAt: now,
      });
      await uniquely(() => tx.insert(Team, team), 'team.name_taken', duplicateTeamName(name));
      if (actor.kind === 'user') await this.insertMembership(tx, team, actor.userId, 'admin');
      await this.deps.audit.record(tx, actor, {
        action: 'team.created',
        targetType: 'team',
        targetId: team.id,
        teamId: team.id,
        change: { after: { name } },
      });
      return team;
    });
  }

  async rename(actor: ActorContext, teamId: string, raw: RenameTeamInput): Promise<Team> {
    const { name } = parseInput(RenameTeamInput, raw);
    return this.deps.db.transaction(async (tx) => {
      const team = await lockTeam(tx, actor.tenantId, teamId);
      authorize(actor, 'team:rename', { teamId });
      const now = this.deps.clock.now();
      await uniquely(
        () => tx.update(Team, { id: team.id }, { name, nameKey: foldKey(name), updatedAt: now }),
        'team.name_taken',
        duplicateTeamName(name),
      );
      await this.deps.audit.record(tx, actor, {
        action: 'team.renamed',
        targetType: 'team',
        targetId: teamId,
        teamId,
        change: { before: { name: team.name }, after: { name } },
      });
      return { ...team, name, nameKey: foldKey(name), updatedAt: now };
    });
  }

  /**
   * Deleting a team is refused while it still holds objects: a team delete must not silently
   * destroy credentials and stories other teams may use through sharing.
   */
  async delete(actor: ActorContext, teamId: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const team = await lockTeam(tx, actor.tenantId, teamId);
      authorize(actor, 'team:delete', { teamId });
      const held = await this.countObjects(tx, actor.tenantId, teamId);
      if (Object.values(held).some((n) => n > 0)) {
        throw new InvariantViolated(
          'team.not_empty',
          'Move or delete the team’s objects before deleting it.',
          held,
        );
      }
      await tx.delete(TeamMembership, { tenantId: actor.tenantId, teamId });
      await tx.delete(TeamAllocation, { tenantId: actor.tenantId, teamId });
      await tx.delete(ObjectShare, { tenantId: actor.tenantId, teamId });
      // Mappings into a deleted team would grant places in nothing; they go with it (and say so below).
      const mappings = await tx.delete(GroupMapping, { tenantId: actor.tenantId, teamId });
      await tx.delete(Team, { id: team.id });
      await this.deps.audit.record(tx, actor, {
        action: 'team.deleted',
        targetType: 'team',
        targetId: teamId,
        teamId,
        change: { before: { name: team.name }, groupMappingsRemoved: mappings.affected ?? 0 },
      });
    });
  }

  /** Seed 002: members are added by email; an address without an account gets a tenant invitation. */
  async addMember(actor: ActorContext, teamId: string, raw: AddTeamMemberInput): Promise<AddMemberResult> {
    const input = parseInput(AddTeamMemberInput, raw);
    return this.deps.db.transaction(async (tx) => {
      const team = await lockTeam(tx, actor.tenantId, teamId);
      authorize(actor, 'team:addMember', { teamId });
      assertRoleAvailable(input.role, await loadFeatures(tx, actor.tenantId));
      const existing = await findUserByEmail(tx, actor.tenantId, input.email);
      if (!existing) return this.inviteToTeam(tx, actor, team, input);
      if (userStatus(existing) === 'deactivated') {
        throw new InvalidInput(
          'user.deactivated',
          `${existing.email} is deactivated: reactivate the account first.`,
        );
      }
      const current = await findMembership(tx, actor.tenantId, teamId, existing.id);
      if (current?.role)
        throw new Conflict('team.already_member', `${existing.email} is already a member of this team.`);
      const membership = current
        ? await this.setManualRole(tx, current, input.role)
        : await this.insertMembership(tx, team, existing.id, input.role);
      await this.deps.audit.record(tx, actor, {
        action: 'team.member_added',
        targetType: 'user',
        targetId: existing.id,
        teamId,
        change: { after: { role: input.role } },
      });
      return { outcome: 'added', membership };
    });
  }

  async changeMemberRole(
    actor: ActorContext,
    teamId: string,
    userId: string,
    raw: ChangeTeamMemberRoleInput,
  ): Promise<TeamMembership> {
    const { role } = parseInput(ChangeTeamMemberRoleInput, raw);
    return this.deps.db.transaction(async (tx) => {
      await lockTeam(tx, actor.tenantId, teamId);
      authorize(actor, 'team:changeMemberRole', { teamId, userId });
      assertRoleAvailable(role, await loadFeatures(tx, actor.tenantId));
      const membership = await this.getMembership(tx, actor.tenantId, teamId, userId);
      const updated = await this.setManualRole(tx, membership, role);
      await this.deps.audit.record(tx, actor, {
        action: 'team.member_role_changed',
        targetType: 'user',
        targetId: userId,
        teamId,
        change: { before: { role: membership.role }, after: { role } },
      });
      return updated;
    });
  }

  /** Seed 002: "removed … by any team administrator or a tenant owner, unless they are the last member". */
  async removeMember(actor: ActorContext, teamId: string, userId: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await lockTeam(tx, actor.tenantId, teamId);
      authorize(actor, 'team:removeMember', { teamId, userId });
      const membership = await this.getMembership(tx, actor.tenantId, teamId, userId);
      if (membership.mappedRole) {
        throw new InvalidInput(
          'team.member_from_idp',
          'This membership comes from an identity-provider group mapping: change it in the IdP or the mapping.',
        );
      }
      const others = await tx
        .createQueryBuilder(TeamMembership, 'm')
        .where('m.tenantId = :tenantId AND m.teamId = :teamId AND m.userId <> :userId', {
          tenantId: actor.tenantId,
          teamId,
          userId,
        })
        .getCount();
      if (others === 0) throw new InvariantViolated('team.last_member', 'A team keeps at least one member.');
      await tx.delete(TeamMembership, { tenantId: actor.tenantId, teamId, userId });
      await this.deps.audit.record(tx, actor, {
        action: 'team.member_removed',
        targetType: 'user',
        targetId: userId,
        teamId,
        change: { before: { role: membership.role } },
      });
    });
  }

  async get(actor: ActorContext, teamId: string): Promise<Team> {
    const team = await getTeam(this.deps.db.manager, actor.tenantId, teamId);
    authorize(actor, 'team:view', { teamId });
    return team;
  }

  private async inviteToTeam(
    tx: EntityManager,
    actor: ActorContext,
    team: Team,
    input: { email: string; role: TeamRole },
  ): Promise<AddMemberResult> {
    // Seed 002: a team's "Invite" sends an invitation "to join the tenant" when the address has no
    // account. The team:addMember right already checked covers it: it creates a plain member only,
    // never elevated authority, so no tenant-level invite right is needed.
    const created = await createInvitedUser(tx, this.deps, {
      tenantId: actor.tenantId,
      email: input.email,
      tenantRole: 'member',
      teams: [{ teamId: team.id, role: input.role }],
      invitedBy: actor.kind === 'user' ? actor.userId : null,
    });
    await this.deps.audit.record(tx, actor, {
      action: 'user.invited',
      targetType: 'user',
      targetId: created.user.id,
      teamId: team.id,
      change: {
        after: { email: input.email, tenantRole: 'member', teams: [{ teamId: team.id, role: input.role }] },
      },
    });
    return { outcome: 'invited', ...created };
  }

  private async getMembership(tx: EntityManager, tenantId: string, teamId: string, userId: string) {
    const membership = await findMembership(tx, tenantId, teamId, userId);
    if (!membership) throw new NotFound('team.member_not_found', 'This user is not a member of the team.');
    return membership;
  }

  private async insertMembership(
    tx: EntityManager,
    team: Team,
    userId: string,
    role: TeamRole,
  ): Promise<TeamMembership> {
    const now = this.deps.clock.now();
    const membership = tx.create(TeamMembership, {
      teamId: team.id,
      userId,
      tenantId: team.tenantId,
      role,
      mappedRole: null,
      createdAt: now,
      updatedAt: now,
    });
    await uniquely(
      () => tx.insert(TeamMembership, membership),
      'team.already_member',
      'Already a member of this team.',
    );
    return membership;
  }

  private async setManualRole(tx: EntityManager, m: TeamMembership, role: TeamRole): Promise<TeamMembership> {
    const updatedAt = this.deps.clock.now();
    await tx.update(TeamMembership, { teamId: m.teamId, userId: m.userId }, { role, updatedAt });
    return { ...m, role, updatedAt };
  }

  private async countObjects(tx: EntityManager, tenantId: string, teamId: string) {
    // One after the other: inside a transaction every query shares one connection.
    const where = { tenantId, teamId };
    return {
      stories: await tx.count(Story, { where }),
      credentials: await tx.count(Credential, { where }),
      resources: await tx.count(Resource, { where }),
      cases: await tx.count(Case, { where }),
      dashboards: await tx.count(Dashboard, { where }),
    };
  }
}
