// The admin API's view of teams (seed 002 "Using Teams"): the list with member counts and story
// usage, a team's members, and TeamService's changes answered as the list shows them.
import { In, type EntityManager } from 'typeorm';
import {
  ListTeamMembersQuery,
  ListTeamsQuery,
  type ListTeamMembersQuery as ListTeamMembersQueryInput,
  type ListTeamsQuery as ListTeamsQueryInput,
} from '../contracts/teams.js';
import type {
  AddTeamMemberInput,
  ChangeTeamMemberRoleInput,
  CreateTeamInput,
  RenameTeamInput,
} from '../contracts/inputs.js';
import type { UserStatus } from '../contracts/enums.js';
import { Invitation, Team, TeamMembership, User } from '../entities/index.js';
import { NotFound } from '../errors.js';
import { authorize, type ActorContext } from './context.js';
import { can, type TeamRole, type TenantRole } from '../permissions/index.js';
import { getUser } from '../repositories/users.repository.js';
import type { ServiceDeps } from './deps.js';
import { storyUsage } from './allocation.service.js';
import { parseInput } from './parse.js';
import { effectiveTenantRole, highestTeamRole } from './roles.js';
import { keyset, likePattern, toPage, visibleTeam, type KeysetOrder, type Page } from './team-object.js';
import type { MailService } from './mail.service.js';
import type { TeamService } from './team.service.js';
import { mailInvitation, type InvitationEmail, type Links } from './user-directory.service.js';
import { userStatus } from './user.service.js';

export interface TeamSummaryRecord {
  team: Team;
  memberCount: number;
  stories: { used: number; limit: number | null };
  /** The actor's own role in the team (null when its authority is not membership). */
  myRole: TeamRole | null;
}

export interface TeamMemberRecord {
  user: User;
  tenantRole: TenantRole;
  status: Exclude<UserStatus, 'removed'>;
  membership: TeamMembership;
  role: TeamRole;
}

export type AddedMember =
  | { outcome: 'added'; member: TeamMemberRecord }
  | ({
      outcome: 'invited';
      user: User;
      invitation: Invitation & { expired: boolean };
    } & InvitationEmail);

const TEAM_ORDER: KeysetOrder = {
  signature: 'teams',
  key: 't.nameKey',
  id: 't.id',
  direction: 'ASC',
  keyType: 'string',
};
const MEMBER_ORDER: KeysetOrder = {
  signature: 'team-members',
  key: 'u.emailKey',
  id: 'u.id',
  direction: 'ASC',
  keyType: 'string',
};

/** A team id nobody is a member of (ids are random UUIDs): only authority beyond membership reaches it. */
const NO_TEAM = '00000000-0000-0000-0000-000000000000';

/** Seed 002: members see the teams "they are a part of unless they are a tenant owner". */
const seesEveryTeam = (actor: ActorContext): boolean => can(actor, 'team:view', { teamId: NO_TEAM });

const myRoleIn = (actor: ActorContext, teamId: string): TeamRole | null =>
  actor.kind === 'user' && Object.hasOwn(actor.teamRoles, teamId) ? (actor.teamRoles[teamId] ?? null) : null;

export class TeamDirectoryService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly teams: TeamService,
    private readonly mail: MailService,
  ) {}

  async list(actor: ActorContext, raw: ListTeamsQueryInput): Promise<Page<TeamSummaryRecord>> {
    const query = parseInput(ListTeamsQuery, raw);
    authorize(actor, 'team:list');
    const em = this.deps.db.manager;
    const q = em
      .createQueryBuilder(Team, 't')
      .where('t.tenantId = :tenantId AND t.kind = :kind', { tenantId: actor.tenantId, kind: 'team' });
    if (!seesEveryTeam(actor)) {
      const mine = actor.kind === 'user' ? Object.keys(actor.teamRoles) : [];
      if (mine.length === 0) return { items: [], nextCursor: null };
      q.andWhere('t.id IN (:...mine)', { mine });
    }
    if (query.q) q.andWhere(`t.nameKey LIKE :term ESCAPE '\\'`, { term: likePattern(query.q) });
    const teams = await keyset(q, TEAM_ORDER, query.cursor, query.limit).getMany();
    const summaries = await this.summaries(em, actor, teams);
    return toPage(
      teams,
      query.limit,
      TEAM_ORDER,
      (t) => ({ key: t.nameKey, id: t.id }),
      (t) => summaries.get(t.id) as TeamSummaryRecord,
    );
  }

  async get(actor: ActorContext, teamId: string): Promise<TeamSummaryRecord> {
    const em = this.deps.db.manager;
    const team = await visibleTeam(em, actor, teamId);
    return (await this.summaries(em, actor, [team])).get(team.id) as TeamSummaryRecord;
  }

  /** The creator joins as the team's first admin (TeamService); the answer is read back from the rows. */
  async create(actor: ActorContext, input: CreateTeamInput): Promise<TeamSummaryRecord> {
    const team = await this.teams.create(actor, input);
    const em = this.deps.db.manager;
    const summary = (await this.summaries(em, actor, [team])).get(team.id) as TeamSummaryRecord;
    const mine =
      actor.kind === 'user'
        ? await em.findOne(TeamMembership, { where: { teamId: team.id, userId: actor.userId } })
        : null;
    return { ...summary, myRole: mine ? highestTeamRole(mine.role, mine.mappedRole) : null };
  }

  async rename(actor: ActorContext, teamId: string, input: RenameTeamInput): Promise<TeamSummaryRecord> {
    await visibleTeam(this.deps.db.manager, actor, teamId);
    await this.teams.rename(actor, teamId, input);
    return this.get(actor, teamId);
  }

  async delete(actor: ActorContext, teamId: string): Promise<void> {
    await visibleTeam(this.deps.db.manager, actor, teamId);
    await this.teams.delete(actor, teamId);
  }

  async members(
    actor: ActorContext,
    teamId: string,
    raw: ListTeamMembersQueryInput,
  ): Promise<Page<TeamMemberRecord>> {
    const query = parseInput(ListTeamMembersQuery, raw);
    const em = this.deps.db.manager;
    await visibleTeam(em, actor, teamId);
    const users = await keyset(
      em
        .createQueryBuilder(User, 'u')
        .where('u.tenantId = :tenantId AND u.removedAt IS NULL', { tenantId: actor.tenantId })
        // the membership primary key (team_id, user_id) serves this
        .andWhere(
          'EXISTS (SELECT 1 FROM team_memberships tm WHERE tm.team_id = :teamId AND tm.user_id = u.id)',
          {
            teamId,
          },
        ),
      MEMBER_ORDER,
      query.cursor,
      query.limit,
    ).getMany();
    const memberships = await this.membershipsOf(em, teamId, users);
    return toPage(
      users,
      query.limit,
      MEMBER_ORDER,
      (u) => ({ key: u.emailKey, id: u.id }),
      (u) => memberRecord(u, memberships.get(u.id) as TeamMembership),
    );
  }

  /** Seed 002: by email; "if an account does not exist yet … an invitation email will be sent". */
  async addMember(
    actor: ActorContext,
    teamId: string,
    input: AddTeamMemberInput,
    links: Links,
  ): Promise<AddedMember> {
    await visibleTeam(this.deps.db.manager, actor, teamId);
    const result = await this.teams.addMember(actor, teamId, input);
    if (result.outcome === 'added')
      return { outcome: 'added', member: await this.member(teamId, result.membership.userId) };
    const email = await mailInvitation(
      this.deps,
      this.mail,
      { tenantId: result.user.tenantId, email: result.user.email, token: result.token },
      links,
    );
    const now = this.deps.clock.now();
    return {
      outcome: 'invited',
      user: result.user,
      invitation: { ...result.invitation, expired: result.invitation.expiresAt <= now },
      ...email,
    };
  }

  async changeMemberRole(
    actor: ActorContext,
    teamId: string,
    userId: string,
    input: ChangeTeamMemberRoleInput,
  ): Promise<TeamMemberRecord> {
    await visibleTeam(this.deps.db.manager, actor, teamId);
    await this.teams.changeMemberRole(actor, teamId, userId, input);
    return this.member(teamId, userId);
  }

  async removeMember(actor: ActorContext, teamId: string, userId: string): Promise<void> {
    await visibleTeam(this.deps.db.manager, actor, teamId);
    await this.teams.removeMember(actor, teamId, userId);
  }

  private async member(teamId: string, userId: string): Promise<TeamMemberRecord> {
    const em = this.deps.db.manager;
    const membership = await em.findOne(TeamMembership, { where: { teamId, userId } });
    if (!membership) throw new NotFound('team.member_not_found', 'This user is not a member of the team.');
    return memberRecord(await getUser(em, membership.tenantId, userId), membership);
  }

  private async membershipsOf(
    em: EntityManager,
    teamId: string,
    users: User[],
  ): Promise<Map<string, TeamMembership>> {
    if (users.length === 0) return new Map();
    const rows = await em.find(TeamMembership, { where: { teamId, userId: In(users.map((u) => u.id)) } });
    return new Map(rows.map((m) => [m.userId, m]));
  }

  /** Member counts and story usage for a page of teams: one grouped query each, whatever the page size. */
  private async summaries(
    em: EntityManager,
    actor: ActorContext,
    teams: Team[],
  ): Promise<Map<string, TeamSummaryRecord>> {
    const ids = teams.map((t) => t.id);
    const [counts, usage] = await Promise.all([
      ids.length === 0
        ? []
        : em
            .createQueryBuilder(TeamMembership, 'm')
            .select('m.teamId', 'teamId')
            .addSelect('COUNT(*)', 'n')
            .where('m.tenantId = :tenantId AND m.teamId IN (:...ids)', { tenantId: actor.tenantId, ids })
            .groupBy('m.teamId')
            .getRawMany<{ teamId: string; n: string | number }>(),
      storyUsage(em, actor.tenantId, ids),
    ]);
    const members = new Map(counts.map((c) => [c.teamId, Number(c.n)]));
    return new Map(
      teams.map((team) => {
        const stories = usage.get(team.id);
        return [
          team.id,
          {
            team,
            memberCount: members.get(team.id) ?? 0,
            stories: { used: stories?.used ?? 0, limit: stories?.limit ?? null },
            myRole: myRoleIn(actor, team.id),
          },
        ];
      }),
    );
  }
}

function memberRecord(user: User, membership: TeamMembership): TeamMemberRecord {
  const status = userStatus(user);
  const role = highestTeamRole(membership.role, membership.mappedRole);
  // removed accounts lose their memberships, and a membership row always carries a role
  if (status === 'removed' || !role)
    throw new NotFound('team.member_not_found', 'This user is not a member of the team.');
  return { user, tenantRole: effectiveTenantRole(user), status, membership, role };
}
