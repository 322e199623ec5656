// Seed 002 "Team story allocation": "the tenant owner can provision story limits by team" — check
// the teams, set the maximum, save. Seed 000: "Setting team limits … to manage capacity".
import { In, type EntityManager } from 'typeorm';
import {
  ListAllocationsQuery,
  SetAllocationsInput,
  type ListAllocationsQuery as ListAllocationsQueryInput,
  type SetAllocationsInput as SetAllocationsInputType,
} from '../contracts/allocation.js';
import { Story, Team, TeamAllocation } from '../entities/index.js';
import { InvariantViolated, NotFound } from '../errors.js';
import { forUpdate } from '../repositories/lock.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';
import { keyset, toPage, type KeysetOrder, type Page } from './team-object.js';

export interface AllocationRecord {
  teamId: string;
  teamName: string;
  used: number;
  limit: number | null;
  updatedAt: Date | null;
}

const ORDER: KeysetOrder = {
  signature: 'allocations',
  key: 't.nameKey',
  id: 't.id',
  direction: 'ASC',
  keyType: 'string',
};

const stories = (n: number) => `${n} ${n === 1 ? 'story' : 'stories'}`;

/**
 * Refuses a new story in a team at its maximum. Call it inside the story-create transaction after
 * locking the team row: the count is then taken while no other create for the team can commit, so
 * two creates at limit-1 cannot both pass. A lowered limit keeps the stories a team already has.
 */
export async function assertStoryAllowance(
  tx: EntityManager,
  tenantId: string,
  teamId: string,
): Promise<void> {
  const allocation = await tx.findOne(TeamAllocation, { where: { tenantId, teamId } });
  if (!allocation) return;
  const used = await tx.count(Story, { where: { tenantId, teamId } });
  if (used >= allocation.maxStories) {
    throw new InvariantViolated(
      'allocation.limit_reached',
      `This team's story allocation is ${stories(allocation.maxStories)} and it has ${stories(used)}: ` +
        'a tenant owner can raise the limit.',
      { limit: allocation.maxStories, used },
    );
  }
}

/** Stories per team and each team's maximum, for a page of teams: two IN queries. */
export async function storyUsage(
  em: EntityManager,
  tenantId: string,
  teamIds: string[],
): Promise<Map<string, { used: number; limit: number | null; updatedAt: Date | null }>> {
  const usage = new Map<string, { used: number; limit: number | null; updatedAt: Date | null }>();
  if (teamIds.length === 0) return usage;
  // one after the other: inside a transaction both would share one connection
  const counts = await em
    .createQueryBuilder(Story, 's')
    .select('s.teamId', 'teamId')
    .addSelect('COUNT(*)', 'n')
    .where('s.tenantId = :tenantId AND s.teamId IN (:...teamIds)', { tenantId, teamIds })
    .groupBy('s.teamId')
    .getRawMany<{ teamId: string; n: string | number }>();
  const allocations = await em.find(TeamAllocation, { where: { tenantId, teamId: In(teamIds) } });
  const used = new Map(counts.map((c) => [c.teamId, Number(c.n)]));
  const limits = new Map(allocations.map((a) => [a.teamId, a]));
  for (const teamId of teamIds) {
    const allocation = limits.get(teamId);
    usage.set(teamId, {
      used: used.get(teamId) ?? 0,
      limit: allocation?.maxStories ?? null,
      updatedAt: allocation?.updatedAt ?? null,
    });
  }
  return usage;
}

export class AllocationService {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * Every team with used / limit. Looking at owner-only settings is not changing them (seed 001:
   * managers "cannot edit owner-only tenant policy controls"), so managers see the list too.
   */
  async list(actor: ActorContext, raw: ListAllocationsQueryInput): Promise<Page<AllocationRecord>> {
    const { limit, cursor } = parseInput(ListAllocationsQuery, raw);
    authorize(actor, 'settings:view');
    const em = this.deps.db.manager;
    const teams = await keyset(
      em
        .createQueryBuilder(Team, 't')
        .where('t.tenantId = :tenantId AND t.kind = :kind', { tenantId: actor.tenantId, kind: 'team' }),
      ORDER,
      cursor,
      limit,
    ).getMany();
    return this.page(em, actor.tenantId, teams, limit);
  }

  /**
   * Seed 002: "Check the box for the team(s) you want to limit; Set the maximum stories …; Click
   * Save". `maxStories: null` clears the chosen teams' limits. The teams are locked in id order (as
   * story creation locks its team), so a save and a create never see each other half-done.
   */
  async set(actor: ActorContext, raw: SetAllocationsInputType): Promise<AllocationRecord[]> {
    const input = parseInput(SetAllocationsInput, raw);
    authorize(actor, 'allocation:edit');
    return this.deps.db.transaction(async (tx) => {
      const teams = await this.lockTeams(tx, actor.tenantId, input.teamIds);
      const before = await storyUsage(tx, actor.tenantId, input.teamIds);
      const now = this.deps.clock.now();
      for (const team of teams) {
        const previous = before.get(team.id)?.limit ?? null;
        if (input.maxStories === null) {
          await tx.delete(TeamAllocation, { tenantId: actor.tenantId, teamId: team.id });
        } else if (previous === null) {
          await tx.insert(TeamAllocation, {
            teamId: team.id,
            tenantId: actor.tenantId,
            maxStories: input.maxStories,
            updatedBy: actor.kind === 'user' ? actor.userId : null,
            updatedAt: now,
          });
        } else {
          await tx.update(
            TeamAllocation,
            { tenantId: actor.tenantId, teamId: team.id },
            {
              maxStories: input.maxStories,
              updatedBy: actor.kind === 'user' ? actor.userId : null,
              updatedAt: now,
            },
          );
        }
        await this.deps.audit.record(tx, actor, {
          action: input.maxStories === null ? 'allocation.cleared' : 'allocation.set',
          targetType: 'team',
          targetId: team.id,
          teamId: team.id,
          change: { before: { maxStories: previous }, after: { maxStories: input.maxStories } },
        });
      }
      const usage = await storyUsage(tx, actor.tenantId, input.teamIds);
      return teams.map((team) => ({ teamId: team.id, teamName: team.name, ...usageOf(usage, team.id) }));
    });
  }

  private async lockTeams(tx: EntityManager, tenantId: string, teamIds: string[]): Promise<Team[]> {
    const teams = await forUpdate(
      tx,
      tx
        .createQueryBuilder(Team, 't')
        .where('t.tenantId = :tenantId AND t.kind = :kind AND t.id IN (:...teamIds)', {
          tenantId,
          kind: 'team',
          teamIds,
        })
        .orderBy('t.id', 'ASC'),
    ).getMany();
    const found = new Set(teams.map((t) => t.id));
    const missing = teamIds.filter((id) => !found.has(id));
    if (missing.length > 0) throw new NotFound('team.not_found', 'No such team.', { teamIds: missing });
    return teams;
  }

  private async page(
    em: EntityManager,
    tenantId: string,
    teams: Team[],
    limit: number,
  ): Promise<Page<AllocationRecord>> {
    const usage = await storyUsage(
      em,
      tenantId,
      teams.map((t) => t.id),
    );
    return toPage(
      teams,
      limit,
      ORDER,
      (t) => ({ key: t.nameKey, id: t.id }),
      (t) => ({ teamId: t.id, teamName: t.name, ...usageOf(usage, t.id) }),
    );
  }
}

function usageOf(
  usage: Map<string, { used: number; limit: number | null; updatedAt: Date | null }>,
  teamId: string,
): Omit<AllocationRecord, 'teamId' | 'teamName'> {
  return usage.get(teamId) ?? { used: 0, limit: null, updatedAt: null };
}
