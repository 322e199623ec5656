import type { EntityManager } from 'typeorm';
import { Team, TeamMembership } from '../entities/index.js';
import { NotFound } from '../errors.js';
import { newId } from '../crypto.js';
import type { Clock } from '../clock.js';
import { forUpdate } from './lock.js';
import { insertRows } from './write.js';

export async function getTeam(em: EntityManager, tenantId: string, teamId: string): Promise<Team> {
  const team = await em.findOne(Team, { where: { tenantId, id: teamId, kind: 'team' } });
  if (!team) throw new NotFound('team.not_found', 'No such team.');
  return team;
}

/** Locks the team row: its last-member rule is checked under it. */
export async function lockTeam(tx: EntityManager, tenantId: string, teamId: string): Promise<Team> {
  const team = await forUpdate(
    tx,
    tx.createQueryBuilder(Team, 't').where('t.tenantId = :tenantId AND t.id = :teamId AND t.kind = :kind', {
      tenantId,
      teamId,
      kind: 'team',
    }),
  ).getOne();
  if (!team) throw new NotFound('team.not_found', 'No such team.');
  return team;
}

export async function findMembership(
  em: EntityManager,
  tenantId: string,
  teamId: string,
  userId: string,
): Promise<TeamMembership | null> {
  return em.findOne(TeamMembership, { where: { tenantId, teamId, userId } });
}

export async function countMembers(em: EntityManager, tenantId: string, teamId: string): Promise<number> {
  return em.count(TeamMembership, { where: { tenantId, teamId } });
}

/** Every user gets a personal drafts space (seed 002: case managers author stories in their drafts). */
export async function createDraftsSpace(
  tx: EntityManager,
  tenantId: string,
  userId: string,
  clock: Clock,
): Promise<Team> {
  const drafts = draftsSpace(tx, tenantId, userId, clock.now());
  await tx.insert(Team, drafts);
  return drafts;
}

/** The drafts spaces of users created together (a batch of SCIM creates), in one statement. */
export async function createDraftsSpaces(
  tx: EntityManager,
  tenantId: string,
  userIds: readonly string[],
  clock: Clock,
): Promise<void> {
  const now = clock.now();
  await insertRows(
    tx,
    Team,
    userIds.map((userId) => draftsSpace(tx, tenantId, userId, now)),
  );
}

function draftsSpace(tx: EntityManager, tenantId: string, userId: string, now: Date): Team {
  return tx.create(Team, {
    id: newId(),
    tenantId,
    name: '~drafts',
    nameKey: null,
    kind: 'drafts',
    draftsOwnerId: userId,
    createdAt: now,
    updatedAt: now,
  });
}
