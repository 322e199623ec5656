// Seed 002 "Sharing across teams": credentials, resources and send-to-story stories are shared with
// their team (default), with all teams & drafts, or — with custom object sharing on — with chosen teams.
import { In, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import {
  ListSharedObjectsQuery,
  ObjectAccessInput,
  type ListSharedObjectsQuery as ListSharedObjectsQueryInput,
} from '../contracts/objects.js';
import type { ShareableObjectType, SharingMode } from '../contracts/enums.js';
import { Credential, ObjectShare, Resource, Story, Team } from '../entities/index.js';
import { InvalidInput, NotFound } from '../errors.js';
import { can } from '../permissions/index.js';
import type { Clock } from '../clock.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';
import { loadFeatures } from './feature-flags.js';
import { keyset, toPage, visibleTeam, type KeysetOrder, type Page } from './team-object.js';

export type AccessInput = ReturnType<typeof ObjectAccessInput.parse>;

export interface AppliedAccess {
  sharing: SharingMode;
  sharedWithTeamIds: string[];
}

/** Who an object is shared with, as the audit records it. */
export const accessView = (a: AppliedAccess) => ({ sharing: a.sharing, teamIds: a.sharedWithTeamIds });

/**
 * Replaces an object's share rows with the requested access; the caller has authorised the access
 * change and writes `sharing` on the object itself. Teams must be teams of this tenant (others' ids
 * are "not found"); the owning team is implied and left out.
 */
export async function replaceShares(
  tx: EntityManager,
  clock: Clock,
  object: { tenantId: string; type: ShareableObjectType; id: string; teamId: string },
  access: AccessInput,
): Promise<AppliedAccess> {
  const teamIds = [...new Set(access.teamIds)].filter((id) => id !== object.teamId);
  if (access.sharing === 'selected_teams') {
    await assertCustomSharing(tx, object.tenantId);
    if (teamIds.length === 0)
      throw new InvalidInput('sharing.no_teams', 'Choose at least one team other than the owning team.');
    await assertTeamsExist(tx, object.tenantId, teamIds);
  }
  await tx.delete(ObjectShare, { tenantId: object.tenantId, objectType: object.type, objectId: object.id });
  const now = clock.now();
  if (access.sharing === 'selected_teams') {
    await tx.insert(
      ObjectShare,
      teamIds.map((teamId) => ({
        tenantId: object.tenantId,
        objectType: object.type,
        objectId: object.id,
        teamId,
        createdAt: now,
      })),
    );
  }
  return { sharing: access.sharing, sharedWithTeamIds: access.sharing === 'selected_teams' ? teamIds : [] };
}

/** Removes an object's share rows (the object is being deleted, or stops being shareable). */
export async function dropShares(
  tx: EntityManager,
  object: { tenantId: string; type: ShareableObjectType; id: string },
): Promise<void> {
  await tx.delete(ObjectShare, { tenantId: object.tenantId, objectType: object.type, objectId: object.id });
}

/** Seed 002 "Custom object sharing": choosing teams is possible only "if enabled on your tenant". */
async function assertCustomSharing(em: EntityManager, tenantId: string): Promise<void> {
  if (!(await loadFeatures(em, tenantId)).customObjectSharing) {
    throw new InvalidInput(
      'sharing.custom_disabled',
      'Sharing with selected teams needs custom object sharing, which is off for this tenant: share with the team or with all teams & drafts, or ask a tenant owner to turn it on.',
    );
  }
}

async function assertTeamsExist(em: EntityManager, tenantId: string, teamIds: string[]): Promise<void> {
  const found = await em.find(Team, {
    select: { id: true },
    where: { tenantId, kind: 'team', id: In(teamIds) },
  });
  const known = new Set(found.map((t) => t.id));
  const missing = teamIds.filter((id) => !known.has(id));
  if (missing.length > 0) throw new NotFound('team.not_found', 'No such team.', { teamIds: missing });
}

/** The teams each of these objects is shared with: one query for a whole page. */
export async function sharesOf(
  em: EntityManager,
  tenantId: string,
  type: ShareableObjectType,
  objectIds: string[],
): Promise<Map<string, string[]>> {
  const byObject = new Map<string, string[]>();
  if (objectIds.length === 0) return byObject;
  const rows = await em.find(ObjectShare, {
    where: { tenantId, objectType: type, objectId: In(objectIds) },
    order: { teamId: 'ASC' },
  });
  for (const row of rows) byObject.set(row.objectId, [...(byObject.get(row.objectId) ?? []), row.teamId]);
  return byObject;
}

/** An object another team shares, as a team or a drafts space may pick it. */
export interface SharedObjectEntry {
  type: ShareableObjectType;
  id: string;
  name: string;
  teamId: string;
  teamName: string;
  sharing: SharingMode;
  createdAt: Date;
}

const ENTITY = { credential: Credential, resource: Resource, story: Story } as const;

const sharedOrder = (type: ShareableObjectType): KeysetOrder => ({
  signature: `shared:${type}`,
  key: 'o.createdAt',
  id: 'o.id',
  direction: 'DESC',
  keyType: 'date',
});

/**
 * Objects of one type that other teams share with `into`: everything shared with all teams &
 * drafts, and — for those who may read that type in the team — what was shared with it by name.
 * Seed 002: case managers still "access objects … shared globally with all users", not the team's own.
 * `into` null is a drafts space, which sees only what is shared with all teams & drafts.
 */
export async function listSharedInto(
  em: EntityManager,
  actor: ActorContext,
  into: { tenantId: string; teamId: string | null; excludeTeamId: string },
  type: ShareableObjectType,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<SharedObjectEntry>> {
  const byName = into.teamId !== null && can(actor, `${type}:read`, { teamId: into.teamId });
  const order = sharedOrder(type);
  const query = (
    em.createQueryBuilder(ENTITY[type], 'o') as SelectQueryBuilder<Credential | Resource | Story>
  )
    .innerJoin(Team, 't', 't.id = o.teamId')
    .select(['o.id', 'o.name', 'o.teamId', 'o.sharing', 'o.createdAt'])
    .addSelect('t.name', 'team_name')
    .where('o.tenantId = :tenantId AND o.teamId <> :excludeTeamId', into);
  if (type === 'story') query.andWhere('o.sendToStoryEnabled = :yes', { yes: true });
  if (byName) {
    query.andWhere(
      `(o.sharing = :everyone OR (o.sharing = :selected AND EXISTS (SELECT 1 FROM object_shares s` +
        ` WHERE s.object_type = :type AND s.object_id = o.id AND s.team_id = :teamId)))`,
      { everyone: 'all_teams_and_drafts', selected: 'selected_teams', type, teamId: into.teamId },
    );
  } else {
    query.andWhere('o.sharing = :everyone', { everyone: 'all_teams_and_drafts' });
  }
  const { entities, raw } = await keyset(query, order, page.cursor, page.limit).getRawAndEntities();
  const teamNames = new Map(
    raw.map((r: { o_id: string; team_name: string }) => [r.o_id, r.team_name] as const),
  );
  return toPage(
    entities,
    page.limit,
    order,
    (o) => ({ key: o.createdAt, id: o.id }),
    (o) => ({
      type,
      id: o.id,
      name: o.name,
      teamId: o.teamId,
      teamName: teamNames.get(o.id) ?? '',
      sharing: o.sharing,
      createdAt: o.createdAt,
    }),
  );
}

/** "A team sees its own objects plus those shared with it" (seed 002): the second half. */
export class SharingService {
  constructor(private readonly deps: ServiceDeps) {}

  async sharedWithTeam(
    actor: ActorContext,
    teamId: string,
    raw: ListSharedObjectsQueryInput,
  ): Promise<Page<SharedObjectEntry>> {
    const query = parseInput(ListSharedObjectsQuery, raw);
    const em = this.deps.db.manager;
    await visibleTeam(em, actor, teamId);
    // seed 002: every role may "access objects … shared globally"; what else it sees follows its read rights
    authorize(actor, 'sharedObject:use', { teamId });
    return listSharedInto(
      em,
      actor,
      { tenantId: actor.tenantId, teamId, excludeTeamId: teamId },
      query.type,
      query,
    );
  }
}
