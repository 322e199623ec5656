import { In, type EntityManager, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import {
  GroupMappingDryRunBody,
  GroupMappingInput,
  type GroupMappingDryRunBody as GroupMappingDryRunBodyType,
  type GroupMappingInput as GroupMappingInputType,
} from '../contracts/security.js';
import { Group, GroupMapping, Team, TeamMembership, User } from '../entities/index.js';
import { newId } from '../crypto.js';
import { Conflict, InvalidInput, NotFound } from '../errors.js';
import { TEAM_ROLES, type TeamRole, type TenantRole } from '../permissions/index.js';
import { keyShare } from '../repositories/lock.js';
import { listedIds, Positional } from '../repositories/positional.js';
import { lockTenant, lockTenantRow } from '../repositories/tenants.repository.js';
import { getTeam } from '../repositories/teams.repository.js';
import type { AuditLog } from './audit.js';
import type { Clock } from '../clock.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { assertRoleAvailable, loadFeatures } from './feature-flags.js';
import { parseInput } from './parse.js';
import { effectiveTenantRole, highestTeamRole } from './roles.js';

// IdP group → team role / manager mappings (seed 001: mapping groups to roles can "create or remove
// elevated authority", so only owners manage them; owner itself is never mapped).
//
// A user's mapped roles are a pure function of the tenant's mappings and the user's GroupMember rows:
// for each team, the highest role of any mapping of a group they are in; `manager` if any of their
// groups maps to it. `computeMappedRoles` evaluates that function in SQL for a set of users against
// any mapping set (stored or proposed); `recomputeMappedRoles` writes it to TeamMembership.mappedRole
// and User.mappedTenantRole. The dry-run and the re-application after a mapping change both use them,
// and so should anything that changes group memberships (SCIM).

/** Mapped roles of one user. */
export interface MappedRoles {
  teams: Map<string, TeamRole>;
  manager: boolean;
}

/** One change of a user's mapped roles, for the audit log and the dry-run. */
export interface MappedRoleChange {
  userId: string;
  scope: 'team' | 'tenant';
  teamId: string | null;
  mappedBefore: TeamRole | TenantRole | null;
  mappedAfter: TeamRole | TenantRole | null;
  effectiveBefore: TeamRole | TenantRole | null;
  effectiveAfter: TeamRole | TenantRole | null;
}

/** The mappings a computation runs against: the stored ones, or a proposal. */
type MappingLike = Pick<GroupMapping, 'groupId' | 'target' | 'teamId' | 'teamRole' | 'tenantRole'>;

/** Which users to compute for. */
export type UserScope =
  { kind: 'users'; userIds: readonly string[] } | { kind: 'group'; groupId: string } | { kind: 'all' };

/** Team roles from broadest to narrowest, as `highestTeamRole` ranks them. */
const RANKED_ROLES: readonly TeamRole[] = [...TEAM_ROLES].sort((a, b) =>
  highestTeamRole(a, b) === a ? -1 : 1,
);
const rankOf = (role: TeamRole) => RANKED_ROLES.length - RANKED_ROLES.indexOf(role);
const roleOfRank = (rank: number) => RANKED_ROLES[RANKED_ROLES.length - rank] as TeamRole;

/** SQL IN lists stay well under both drivers' parameter limits. */
const CHUNK = 500;

/**
 * The mapped roles of the users in `scope`, computed in SQL from GroupMember rows joined to the
 * given mappings (the highest team role per team is a GROUP BY). Users with no mapped role are absent.
 */
export async function computeMappedRoles(
  em: EntityManager,
  tenantId: string,
  mappings: readonly MappingLike[],
  scope: UserScope,
): Promise<Map<string, MappedRoles>> {
  const result = new Map<string, MappedRoles>();
  const entry = (userId: string) => {
    let roles = result.get(userId);
    if (!roles) result.set(userId, (roles = { teams: new Map(), manager: false }));
    return roles;
  };
  for (const part of scopeChunks(scope)) {
    for (const row of await teamRoleRows(em, tenantId, mappings, part)) {
      entry(row.userId).teams.set(row.teamId, roleOfRank(Number(row.rank)));
    }
    for (const userId of await managerRows(em, tenantId, mappings, part)) entry(userId).manager = true;
  }
  return result;
}

/**
 * Writes the mapped roles of `userIds` from the stored mappings: sets/clears TeamMembership.mappedRole
 * (inserting a membership the mapping creates, deleting one only the mapping held) and
 * User.mappedTenantRole. Takes the tenant lock first, so a concurrent mapping change or membership
 * change of the same tenant computes after this one commits (READ COMMITTED then sees it). Returns
 * the changes; the caller audits them (see `auditMappedRoleChanges`) in the same transaction.
 */
export async function recomputeMappedRoles(
  tx: EntityManager,
  tenantId: string,
  userIds: readonly string[],
  clock: Clock,
): Promise<MappedRoleChange[]> {
  await lockTenantRow(tx, tenantId);
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return [];
  const mappings = await tx.find(GroupMapping, { where: { tenantId } });
  const desired = await computeMappedRoles(tx, tenantId, mappings, { kind: 'users', userIds: ids });
  const current = await currentMappedState(tx, tenantId, { kind: 'users', userIds: ids });
  const raw = diffMappedRoles(ids, current, desired);
  const grants = await grantsOf(tx, tenantId, raw);
  const changes = withEffectiveRoles(raw, grants);
  await applyChanges(tx, tenantId, changes, grants, clock.now());
  return changes;
}

/**
 * One audit record per user whose mapped roles changed, targeting the user, appended together (one
 * append for the 100 users of a PATCH, not 100).
 */
export async function auditMappedRoleChanges(
  tx: EntityManager,
  audit: AuditLog,
  actor: ActorContext,
  changes: readonly MappedRoleChange[],
  cause: Record<string, unknown>,
): Promise<{ emptied: string[] }> {
  const emptied = await emptiedTeams(tx, actor.tenantId, changes);
  // One record per user and place, the team's on its team (the audit log filters by team).
  await audit.recordMany(
    tx,
    actor.tenantId,
    changes.map((c) => ({
      actor,
      entry: {
        action: 'user.mapped_roles_changed',
        targetType: 'user',
        targetId: c.userId,
        teamId: c.teamId,
        change: {
          before: mappedSummary(c, 'mappedBefore'),
          after: mappedSummary(c, 'mappedAfter'),
          cause,
          // The IdP is not held to a team's last-member rule; the record says it emptied the team.
          ...(leavesTeam(c) && emptied.includes(c.teamId) ? { lastMemberOf: [c.teamId] } : {}),
        },
      },
    })),
  );
  return { emptied };
}

const mappedSummary = (c: MappedRoleChange, side: 'mappedBefore' | 'mappedAfter') => ({
  [c.scope === 'team' ? `team:${c.teamId}` : 'tenantRole']: c[side],
});

/** A change that takes the user's place in a team away (no role of any kind is left there). */
const leavesTeam = (c: MappedRoleChange): c is MappedRoleChange & { teamId: string } =>
  c.teamId !== null && c.effectiveBefore !== null && c.effectiveAfter === null;

/** The teams (not drafts spaces) where a change took someone's place and no member is left. */
async function emptiedTeams(
  tx: EntityManager,
  tenantId: string,
  changes: readonly MappedRoleChange[],
): Promise<string[]> {
  const teams = [...new Set(changes.filter(leavesTeam).map((c) => c.teamId))];
  if (!teams.length) return [];
  const rows = await tx
    .createQueryBuilder(Team, 't')
    .select('t.id', 'id')
    .where('t.tenantId = :tenantId AND t.id IN (:...teams)', { tenantId, teams })
    .andWhere("t.kind = 'team'")
    .andWhere('NOT EXISTS (SELECT 1 FROM team_memberships m WHERE m.team_id = t.id)')
    .getRawMany<{ id: string }>();
  return rows.map((r) => r.id);
}

export interface DryRunResult {
  changes: Array<MappedRoleChange & { email: string; displayName: string | null; teamName: string | null }>;
  /** Teams the change would leave without a member: a person may not (seed 002), so it would be refused. */
  emptiedTeams: Array<{ teamId: string; teamName: string | null }>;
  totalChanges: number;
  usersAffected: number;
  truncated: boolean;
}

/** The dry-run lists at most this many changes (and counts them all). */
const DRY_RUN_LIST_CAP = 1000;

/** IdP group mappings: list, create and delete (re-applied to the affected users at once), and dry-run. */
export class GroupMappingService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(
    actor: ActorContext,
  ): Promise<Array<{ mapping: GroupMapping; groupName: string; teamName: string | null }>> {
    authorize(actor, 'settings:view');
    const em = this.deps.db.manager;
    const mappings = await em.find(GroupMapping, {
      where: { tenantId: actor.tenantId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return withNames(em, actor.tenantId, mappings);
  }

  async create(
    actor: ActorContext,
    raw: GroupMappingInputType,
  ): Promise<{ mapping: GroupMapping; groupName: string; teamName: string | null }> {
    const input = parseInput(GroupMappingInput, raw);
    authorize(actor, 'groupMapping:manage');
    return this.deps.db.transaction(async (tx) => {
      await lockTenant(tx, actor.tenantId);
      const { group, team } = await this.validate(tx, actor.tenantId, input);
      await assertNotMapped(tx, actor.tenantId, input);
      const mapping = tx.create(GroupMapping, {
        id: newId(),
        tenantId: actor.tenantId,
        groupId: group.id,
        target: input.target,
        teamId: input.target === 'team' ? input.teamId : null,
        teamRole: input.target === 'team' ? input.teamRole : null,
        tenantRole: input.target === 'tenant_role' ? input.tenantRole : null,
        createdAt: this.deps.clock.now(),
      });
      await tx.insert(GroupMapping, mapping);
      await this.reapply(tx, actor, mapping, 'group_mapping.created');
      return { mapping, groupName: group.displayName, teamName: team?.name ?? null };
    });
  }

  async remove(actor: ActorContext, mappingId: string): Promise<void> {
    authorize(actor, 'groupMapping:manage');
    await this.deps.db.transaction(async (tx) => {
      await lockTenant(tx, actor.tenantId);
      const mapping = await tx.findOneBy(GroupMapping, { tenantId: actor.tenantId, id: mappingId });
      if (!mapping) throw new NotFound('group_mapping.not_found', 'No such group mapping.');
      await tx.delete(GroupMapping, { id: mapping.id });
      const { emptied } = await this.reapply(tx, actor, mapping, 'group_mapping.deleted');
      // Seed 002: no one removes a team's last member; a person deleting a mapping is no exception
      // (only the IdP's own changes are). The transaction, deletion and audit included, is undone.
      if (emptied.length) {
        throw new Conflict(
          'team.last_member',
          'Deleting this mapping would leave a team without members: add another member to the team first.',
          { teamIds: emptied },
        );
      }
    });
  }

  /**
   * Who would gain or lose which team roles or the manager role if the mappings were as proposed,
   * without writing anything.
   */
  async dryRun(actor: ActorContext, raw: GroupMappingDryRunBodyType): Promise<DryRunResult> {
    const body = parseInput(GroupMappingDryRunBody, raw);
    authorize(actor, 'groupMapping:manage');
    const em = this.deps.db.manager;
    const stored = await em.find(GroupMapping, { where: { tenantId: actor.tenantId } });
    const { proposed, scope } = await this.proposal(em, actor.tenantId, stored, body);
    const desired = await computeMappedRoles(em, actor.tenantId, proposed, scope);
    const current = await currentMappedState(em, actor.tenantId, scope);
    const userIds = [...new Set([...desired.keys(), ...current.mapped.keys()])];
    const diff = diffMappedRoles(userIds, current, desired);
    const changes = withEffectiveRoles(diff, await grantsOf(em, actor.tenantId, diff));
    return describeChanges(em, actor.tenantId, changes, await wouldEmpty(em, actor.tenantId, changes));
  }

  private async proposal(
    em: EntityManager,
    tenantId: string,
    stored: GroupMapping[],
    body: GroupMappingDryRunBodyType,
  ): Promise<{ proposed: MappingLike[]; scope: UserScope }> {
    if ('add' in body) {
      const { group } = await this.validate(em, tenantId, body.add);
      return { proposed: [...stored, toMapping(body.add)], scope: { kind: 'group', groupId: group.id } };
    }
    if ('remove' in body) {
      const removed = stored.find((m) => m.id === body.remove);
      if (!removed) throw new NotFound('group_mapping.not_found', 'No such group mapping.');
      return {
        proposed: stored.filter((m) => m !== removed),
        scope: { kind: 'group', groupId: removed.groupId },
      };
    }
    for (const [index, mapping] of body.mappings.entries()) {
      await this.validate(em, tenantId, mapping).catch((err: unknown) => {
        if (err instanceof NotFound || err instanceof InvalidInput) {
          throw new NotFound(err.code, `mappings.${index}: ${err.message}`);
        }
        throw err;
      });
    }
    return { proposed: body.mappings.map(toMapping), scope: { kind: 'all' } };
  }

  /** The group and team must be this tenant's (else 404); case manager needs cases on. */
  private async validate(
    em: EntityManager,
    tenantId: string,
    input: GroupMappingInputType,
  ): Promise<{ group: Group; team: Team | null }> {
    const group = await em.findOneBy(Group, { tenantId, id: input.groupId });
    if (!group) throw new NotFound('group.not_found', 'No such group.');
    if (input.target !== 'team') return { group, team: null };
    const team = await getTeam(em, tenantId, input.teamId);
    assertRoleAvailable(input.teamRole, await loadFeatures(em, tenantId));
    return { group, team };
  }

  private async reapply(
    tx: EntityManager,
    actor: ActorContext,
    mapping: GroupMapping,
    action: 'group_mapping.created' | 'group_mapping.deleted',
  ): Promise<{ emptied: string[] }> {
    // The live members, each user's row locked (`keyShare`): a member being removed meanwhile
    // (DELETE /Users) is either removed before (re-read: not live, not recomputed) or after (the
    // removal deletes the team membership this mapping gives them), never granted a team place that
    // outlives their removal.
    const p = new Positional(tx);
    const members: Array<{ userId: string }> = await tx.query(
      `SELECT gm.user_id AS "userId" FROM group_members gm JOIN users u ON u.id = gm.user_id
        WHERE gm.tenant_id = ${p.add(actor.tenantId)} AND gm.group_id = ${p.add(mapping.groupId)}
          AND u.user_name_key IS NOT NULL${keyShare(tx, 'u')}`,
      p.values,
    );
    const changes = await recomputeMappedRoles(
      tx,
      actor.tenantId,
      members.map((m) => m.userId),
      this.deps.clock,
    );
    const view = mappingAudit(mapping);
    await this.deps.audit.record(tx, actor, {
      action,
      targetType: 'group_mapping',
      targetId: mapping.id,
      teamId: mapping.teamId,
      change: {
        ...(action === 'group_mapping.created' ? { after: view } : { before: view }),
        usersAffected: new Set(changes.map((c) => c.userId)).size,
      },
    });
    return auditMappedRoleChanges(tx, this.deps.audit, actor, changes, { mappingId: mapping.id, action });
  }
}

/** The same mapping twice would list twice and change nothing; checked under the tenant lock. */
async function assertNotMapped(
  tx: EntityManager,
  tenantId: string,
  input: GroupMappingInputType,
): Promise<void> {
  const same = await tx.findOneBy(GroupMapping, {
    tenantId,
    groupId: input.groupId,
    target: input.target,
    ...(input.target === 'team' ? { teamId: input.teamId, teamRole: input.teamRole } : {}),
  });
  if (same) throw new Conflict('group_mapping.exists', 'This group already has this mapping.');
}

const mappingAudit = (m: MappingLike) => ({
  groupId: m.groupId,
  target: m.target,
  teamId: m.teamId,
  teamRole: m.teamRole,
  tenantRole: m.tenantRole,
});

function toMapping(input: GroupMappingInputType): MappingLike {
  return input.target === 'team'
    ? {
        groupId: input.groupId,
        target: 'team',
        teamId: input.teamId,
        teamRole: input.teamRole,
        tenantRole: null,
      }
    : { groupId: input.groupId, target: 'tenant_role', teamId: null, teamRole: null, tenantRole: 'manager' };
}

function* scopeChunks(scope: UserScope): Generator<UserScope> {
  if (scope.kind !== 'users') {
    yield scope;
    return;
  }
  for (let i = 0; i < scope.userIds.length; i += CHUNK) {
    yield { kind: 'users', userIds: scope.userIds.slice(i, i + CHUNK) };
  }
}

function scopeSql(scope: UserScope, params: Positional, tenantId: string): string {
  if (scope.kind === 'all') return '';
  if (scope.kind === 'group') {
    return ` AND gm.user_id IN (SELECT g2.user_id FROM group_members g2 WHERE g2.tenant_id = ${params.add(tenantId)} AND g2.group_id = ${params.add(scope.groupId)})`;
  }
  return ` AND gm.user_id IN (${scope.userIds.map((id) => params.add(id)).join(', ')})`;
}

/**
 * (user, team, highest rank) for the team mappings, grouped in SQL. A mapping whose team has since
 * been deleted gives nothing (the join), so no membership is ever made in a team that is gone.
 */
async function teamRoleRows(
  em: EntityManager,
  tenantId: string,
  mappings: readonly MappingLike[],
  scope: UserScope,
): Promise<Array<{ userId: string; teamId: string; rank: number | string }>> {
  const teamMappings = mappings.filter((m) => m.target === 'team' && m.teamId && m.teamRole);
  if (teamMappings.length === 0 || (scope.kind === 'users' && scope.userIds.length === 0)) return [];
  const params = new Positional(em);
  const values = teamMappings
    .map(
      (m) =>
        `(${params.add(m.groupId)}, ${params.add(m.teamId)}, CAST(${params.add(rankOf(m.teamRole as TeamRole))} AS INTEGER))`,
    )
    .join(', ');
  const tenant = params.add(tenantId);
  return em.query(
    `WITH m (group_id, team_id, role_rank) AS (VALUES ${values})
     SELECT gm.user_id AS "userId", m.team_id AS "teamId", MAX(m.role_rank) AS "rank"
     FROM group_members gm JOIN m ON m.group_id = gm.group_id
     JOIN teams t ON t.id = m.team_id AND t.tenant_id = gm.tenant_id AND t.kind = 'team'
     WHERE gm.tenant_id = ${tenant}${scopeSql(scope, params, tenantId)}
     GROUP BY gm.user_id, m.team_id`,
    params.values,
  );
}

/** Users in a group that maps to the manager role. */
async function managerRows(
  em: EntityManager,
  tenantId: string,
  mappings: readonly MappingLike[],
  scope: UserScope,
): Promise<string[]> {
  const groups = [...new Set(mappings.filter((m) => m.target === 'tenant_role').map((m) => m.groupId))];
  if (groups.length === 0 || (scope.kind === 'users' && scope.userIds.length === 0)) return [];
  const params = new Positional(em);
  const tenant = params.add(tenantId);
  const groupList = groups.map((g) => params.add(g)).join(', ');
  const rows: Array<{ userId: string }> = await em.query(
    `SELECT DISTINCT gm.user_id AS "userId" FROM group_members gm
     WHERE gm.tenant_id = ${tenant} AND gm.group_id IN (${groupList})${scopeSql(scope, params, tenantId)}`,
    params.values,
  );
  return rows.map((r) => r.userId);
}

interface CurrentState {
  /** Users with a stored mapped role, and those roles. */
  mapped: Map<string, MappedRoles>;
}

/** The stored mapped roles of the users in scope. */
async function currentMappedState(
  em: EntityManager,
  tenantId: string,
  scope: UserScope,
): Promise<CurrentState> {
  const mapped = new Map<string, MappedRoles>();
  const of = (userId: string) => {
    let roles = mapped.get(userId);
    if (!roles) mapped.set(userId, (roles = { teams: new Map(), manager: false }));
    return roles;
  };
  for (const part of scopeChunks(scope)) {
    const memberships = await inScope(
      em
        .createQueryBuilder(TeamMembership, 'm')
        .where('m.tenantId = :tenantId AND m.mappedRole IS NOT NULL', { tenantId }),
      'm.userId',
      tenantId,
      part,
    ).getMany();
    for (const m of memberships) of(m.userId).teams.set(m.teamId, m.mappedRole as TeamRole);
    for (const id of await mappedManagers(em, tenantId, part)) of(id).manager = true;
  }
  return { mapped };
}

/** The users in scope whose stored mapped tenant role is manager. */
async function mappedManagers(em: EntityManager, tenantId: string, scope: UserScope): Promise<string[]> {
  if (scope.kind === 'users') {
    const roles = await userRoles(em, tenantId, scope.userIds);
    return [...roles].filter(([, r]) => r.mappedTenantRole === 'manager').map(([id]) => id);
  }
  const managers = await inScope(
    em
      .createQueryBuilder(User, 'u')
      .select(['u.id'])
      .where('u.tenantId = :tenantId AND u.mappedTenantRole = :manager', { tenantId, manager: 'manager' }),
    'u.id',
    tenantId,
    scope,
  ).getMany();
  return managers.map((u) => u.id);
}

/**
 * The tenant and mapped tenant roles of the tenant's users among `ids` (at most CHUNK): each column
 * a primary-key probe per id (see `listedIds`), the tenant compared outside the probes.
 */
async function userRoles(
  em: EntityManager,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, Pick<User, 'tenantRole' | 'mappedTenantRole'>>> {
  const p = new Positional(em);
  const of = (column: string) => `(SELECT u.${column} FROM users u WHERE u.id = listed.id)`;
  const rows: Array<{ id: string } & Pick<User, 'tenantRole' | 'mappedTenantRole'>> = await em.query(
    `${listedIds(p, ids)}
     SELECT listed.id AS id, ${of('tenant_role')} AS "tenantRole", ${of('mapped_tenant_role')} AS "mappedTenantRole"
       FROM listed WHERE ${of('tenant_id')} = ${p.add(tenantId)}`,
    p.values,
  );
  return new Map(rows.map(({ id, ...roles }) => [id, roles]));
}

/** Restricts a query to the users in scope (a group's members by subquery, never a huge IN list). */
function inScope<T extends ObjectLiteral>(
  q: SelectQueryBuilder<T>,
  userColumn: string,
  tenantId: string,
  scope: UserScope,
): SelectQueryBuilder<T> {
  if (scope.kind === 'users') {
    return q.andWhere(`${userColumn} IN (:...scopeUserIds)`, { scopeUserIds: scope.userIds });
  }
  if (scope.kind === 'group') {
    return q.andWhere(
      `${userColumn} IN (SELECT sg.user_id FROM group_members sg WHERE sg.tenant_id = :scopeTenantId AND sg.group_id = :scopeGroupId)`,
      { scopeTenantId: tenantId, scopeGroupId: scope.groupId },
    );
  }
  return q;
}

/** What changes between the stored and the desired mapped roles (effective roles filled in later). */
function diffMappedRoles(
  userIds: readonly string[],
  current: CurrentState,
  desired: Map<string, MappedRoles>,
): MappedRoleChange[] {
  const changes: MappedRoleChange[] = [];
  const none: MappedRoles = { teams: new Map(), manager: false };
  const unresolved = { effectiveBefore: null, effectiveAfter: null };
  for (const userId of userIds) {
    const before = current.mapped.get(userId) ?? none;
    const after = desired.get(userId) ?? none;
    for (const teamId of new Set([...before.teams.keys(), ...after.teams.keys()])) {
      const mappedBefore = before.teams.get(teamId) ?? null;
      const mappedAfter = after.teams.get(teamId) ?? null;
      if (mappedBefore !== mappedAfter) {
        changes.push({ userId, scope: 'team', teamId, mappedBefore, mappedAfter, ...unresolved });
      }
    }
    if (before.manager !== after.manager) {
      const mappedBefore = before.manager ? 'manager' : null;
      const mappedAfter = after.manager ? 'manager' : null;
      changes.push({ userId, scope: 'tenant', teamId: null, mappedBefore, mappedAfter, ...unresolved });
    }
  }
  return changes;
}

/** Roles people granted to the users in `changes`: memberships and tenant roles (chunked IN lists). */
interface Grants {
  memberships: Map<string, TeamMembership>;
  tenantRoles: Map<string, TenantRole>;
}

const grantKey = (userId: string, teamId: string | null) => `${userId} ${teamId ?? ''}`;

async function grantsOf(
  em: EntityManager,
  tenantId: string,
  changes: readonly MappedRoleChange[],
): Promise<Grants> {
  const grants: Grants = { memberships: new Map(), tenantRoles: new Map() };
  const userIds = [...new Set(changes.map((c) => c.userId))];
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const ids = userIds.slice(i, i + CHUNK);
    for (const m of await em.find(TeamMembership, { where: { tenantId, userId: In(ids) } })) {
      grants.memberships.set(grantKey(m.userId, m.teamId), m);
    }
    for (const [id, roles] of await userRoles(em, tenantId, ids))
      grants.tenantRoles.set(id, roles.tenantRole);
  }
  return grants;
}

/** What each user ends up with: the mapped role combined with the role a person granted. */
function withEffectiveRoles(changes: readonly MappedRoleChange[], grants: Grants): MappedRoleChange[] {
  return changes.map((c) => {
    if (c.scope === 'team') {
      const manual = grants.memberships.get(grantKey(c.userId, c.teamId))?.role ?? null;
      return {
        ...c,
        effectiveBefore: highestTeamRole(manual, c.mappedBefore as TeamRole | null),
        effectiveAfter: highestTeamRole(manual, c.mappedAfter as TeamRole | null),
      };
    }
    const tenantRole = grants.tenantRoles.get(c.userId) ?? 'member';
    const effective = (mappedTenantRole: TenantRole | null) =>
      effectiveTenantRole({ tenantRole, mappedTenantRole });
    return {
      ...c,
      effectiveBefore: effective(c.mappedBefore as TenantRole | null),
      effectiveAfter: effective(c.mappedAfter as TenantRole | null),
    };
  });
}

/**
 * Writes the changes set-wise, so a +100 PATCH of a mapped group costs a few statements, not one per
 * user: the manager role granted and withdrawn in one UPDATE each, the memberships only a mapping
 * held deleted per team, the others upserted in one multi-row INSERT (positional parameters: the
 * query builder's escaping of 700 values cost more than the statement).
 */
async function applyChanges(
  tx: EntityManager,
  tenantId: string,
  changes: readonly MappedRoleChange[],
  grants: Grants,
  now: Date,
): Promise<void> {
  const managers = new Map<TenantRole | null, string[]>();
  const emptied = new Map<string, string[]>(); // team → users
  const upserts: MappedRoleChange[] = [];
  const add = <K>(map: Map<K, string[]>, key: K, userId: string) => {
    const list = map.get(key);
    if (list) list.push(userId);
    else map.set(key, [userId]);
  };
  for (const change of changes) {
    if (change.scope === 'tenant') {
      add(managers, change.mappedAfter === 'manager' ? 'manager' : null, change.userId);
    } else if (
      change.mappedAfter === null &&
      !grants.memberships.get(grantKey(change.userId, change.teamId))?.role
    ) {
      // the mapping was this membership's only reason
      add(emptied, change.teamId as string, change.userId);
    } else {
      upserts.push(change);
    }
  }
  for (const [mappedTenantRole, userIds] of managers) {
    for (const ids of chunked(userIds)) {
      const p = new Positional(tx);
      // The SCIM answer's lastModified moves, so its version (the ETag) does too: an unchanged
      // version is an unchanged answer (replicas keep answers by it, scim/rendered.ts).
      await tx.query(
        `${listedIds(p, ids)}
         UPDATE users SET mapped_tenant_role = ${p.add(mappedTenantRole)}, updated_at = ${p.time(now)},
                version = version + 1
          WHERE id IN (SELECT listed.id FROM listed
                        WHERE (SELECT u.tenant_id FROM users u WHERE u.id = listed.id) = ${p.add(tenantId)})`,
        p.values,
      );
    }
  }
  for (const [teamId, userIds] of emptied) {
    for (const ids of chunked(userIds))
      await tx.delete(TeamMembership, { tenantId, teamId, userId: In(ids) });
  }
  for (const part of chunked(upserts)) {
    const p = new Positional(tx);
    const rows = part.map(
      (c) =>
        `(${p.add(c.teamId)}, ${p.add(c.userId)}, ${p.add(tenantId)}, NULL, ${p.add(c.mappedAfter)}, ${p.time(now)}, ${p.time(now)})`,
    );
    await tx.query(
      `INSERT INTO team_memberships (team_id, user_id, tenant_id, role, mapped_role, created_at, updated_at)
       VALUES ${rows.join(', ')}
       ON CONFLICT (team_id, user_id) DO UPDATE SET mapped_role = excluded.mapped_role, updated_at = excluded.updated_at`,
      p.values,
    );
  }
}

function chunked<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

async function withNames(
  em: EntityManager,
  tenantId: string,
  mappings: GroupMapping[],
): Promise<Array<{ mapping: GroupMapping; groupName: string; teamName: string | null }>> {
  const groupIds = [...new Set(mappings.map((m) => m.groupId))];
  const teamIds = [...new Set(mappings.flatMap((m) => (m.teamId ? [m.teamId] : [])))];
  const groups = groupIds.length ? await em.find(Group, { where: { tenantId, id: In(groupIds) } }) : [];
  const teams = teamIds.length ? await em.find(Team, { where: { tenantId, id: In(teamIds) } }) : [];
  const groupNames = new Map(groups.map((g) => [g.id, g.displayName]));
  const teamNames = new Map(teams.map((t) => [t.id, t.name]));
  return mappings.map((mapping) => ({
    mapping,
    groupName: groupNames.get(mapping.groupId) ?? '(deleted group)',
    teamName: mapping.teamId ? (teamNames.get(mapping.teamId) ?? null) : null,
  }));
}

/**
 * The teams whose every member would lose their place by `changes` (a dry-run writes nothing, so the
 * members left are counted rather than looked for).
 */
async function wouldEmpty(
  em: EntityManager,
  tenantId: string,
  changes: readonly MappedRoleChange[],
): Promise<string[]> {
  const leaving = new Map<string, Set<string>>();
  for (const c of changes.filter(leavesTeam)) {
    const users = leaving.get(c.teamId) ?? new Set<string>();
    leaving.set(c.teamId, users.add(c.userId));
  }
  if (!leaving.size) return [];
  const rows = await em
    .createQueryBuilder(TeamMembership, 'm')
    .innerJoin(Team, 't', "t.id = m.teamId AND t.kind = 'team'")
    .select('m.teamId', 'teamId')
    .addSelect('COUNT(*)', 'members')
    .where('m.tenantId = :tenantId AND m.teamId IN (:...teams)', { tenantId, teams: [...leaving.keys()] })
    .groupBy('m.teamId')
    .getRawMany<{ teamId: string; members: string | number }>();
  return rows.filter((r) => Number(r.members) === leaving.get(r.teamId)?.size).map((r) => r.teamId);
}

async function describeChanges(
  em: EntityManager,
  tenantId: string,
  changes: MappedRoleChange[],
  emptied: string[],
): Promise<DryRunResult> {
  const listed = changes.slice(0, DRY_RUN_LIST_CAP);
  const userIds = [...new Set(listed.map((c) => c.userId))];
  const teamIds = [...new Set([...listed.flatMap((c) => (c.teamId ? [c.teamId] : [])), ...emptied])];
  const users = new Map<string, User>();
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const part = await em.find(User, { where: { tenantId, id: In(userIds.slice(i, i + CHUNK)) } });
    for (const u of part) users.set(u.id, u);
  }
  const teams = teamIds.length ? await em.find(Team, { where: { tenantId, id: In(teamIds) } }) : [];
  const teamNames = new Map(teams.map((t) => [t.id, t.name]));
  return {
    changes: listed.map((c) => ({
      ...c,
      email: users.get(c.userId)?.email ?? '',
      displayName: users.get(c.userId)?.displayName ?? null,
      teamName: c.teamId ? (teamNames.get(c.teamId) ?? null) : null,
    })),
    emptiedTeams: emptied.map((teamId) => ({ teamId, teamName: teamNames.get(teamId) ?? null })),
    totalChanges: changes.length,
    usersAffected: new Set(changes.map((c) => c.userId)).size,
    truncated: changes.length > listed.length,
  };
}
