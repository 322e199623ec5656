// Seed 002: each user's personal drafts space, where anyone — case managers included — authors
// stories using objects shared with all teams & drafts. It is a `teams` row of kind 'drafts'.
import type { EntityManager } from 'typeorm';
import {
  ListSharedObjectsQuery,
  type ListSharedObjectsQuery as ListSharedObjectsQueryInput,
} from '../contracts/objects.js';
import { Story, Team } from '../entities/index.js';
import { NotFound } from '../errors.js';
import { newId } from '../crypto.js';
import type { Clock } from '../clock.js';
import type { ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';
import { listSharedInto, type SharedObjectEntry } from './sharing.js';
import type { Page } from './team-object.js';

const noDrafts = () => new NotFound('drafts.not_found', 'Only a signed-in person has a drafts space.');

/** The actor's own drafts space, if it exists; nobody reaches anyone else's. */
export async function findDraftsSpace(em: EntityManager, actor: ActorContext): Promise<Team | null> {
  if (actor.kind !== 'user') throw noDrafts();
  return em.findOne(Team, {
    where: { tenantId: actor.tenantId, kind: 'drafts', draftsOwnerId: actor.userId },
  });
}

/**
 * The actor's drafts space, made on first use: invited accounts get one with their invitation, but
 * accounts provisioned another way may not have it yet. The unique (tenant, owner) index makes a
 * concurrent first use insert once.
 */
export async function draftsSpaceOf(tx: EntityManager, actor: ActorContext, clock: Clock): Promise<Team> {
  const existing = await findDraftsSpace(tx, actor);
  if (existing) return existing;
  if (actor.kind !== 'user') throw noDrafts();
  const now = clock.now();
  await tx
    .createQueryBuilder()
    .insert()
    .into(Team)
    .values({
      id: newId(),
      tenantId: actor.tenantId,
      name: '~drafts',
      nameKey: null,
      kind: 'drafts',
      draftsOwnerId: actor.userId,
      createdAt: now,
      updatedAt: now,
    })
    .orIgnore()
    .execute();
  const made = await findDraftsSpace(tx, actor);
  if (!made) throw noDrafts();
  return made;
}

export interface DraftsSummary {
  id: string | null;
  storyCount: number;
}

export class DraftsService {
  constructor(private readonly deps: ServiceDeps) {}

  /** GET /api/me/drafts: the space and how many stories it holds. */
  async summary(actor: ActorContext): Promise<DraftsSummary> {
    const em = this.deps.db.manager;
    const space = await findDraftsSpace(em, actor);
    if (!space) return { id: null, storyCount: 0 };
    const storyCount = await em.count(Story, { where: { tenantId: actor.tenantId, teamId: space.id } });
    return { id: space.id, storyCount };
  }

  /** Seed 002: objects "shared globally with all users" — all teams & drafts — for stories in drafts. */
  async sharedObjects(
    actor: ActorContext,
    raw: ListSharedObjectsQueryInput,
  ): Promise<Page<SharedObjectEntry>> {
    const query = parseInput(ListSharedObjectsQuery, raw);
    const em = this.deps.db.manager;
    const space = await findDraftsSpace(em, actor);
    return listSharedInto(
      em,
      actor,
      { tenantId: actor.tenantId, teamId: null, excludeTeamId: space?.id ?? '' },
      query.type,
      query,
    );
  }
}
