// Seed 002 cases: case managers (with cases enabled) read and write them, editors create and edit
// but delete none, viewers read; the permission table says which.
import type { EntityManager } from 'typeorm';
import { CreateCaseInput, ListObjectsQuery, UpdateCaseInput, type CaseStatus } from '../contracts/objects.js';
import { Case } from '../entities/index.js';
import { newId } from '../crypto.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';
import {
  creatorOf,
  definedFields,
  findInTeam,
  keyset,
  newestFirst,
  toPage,
  visibleTeam,
  type Page,
} from './team-object.js';

export interface CaseRecord {
  id: string;
  teamId: string;
  title: string;
  status: CaseStatus;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const ORDER = newestFirst('cases', 'k');
const NOT_FOUND = { code: 'case.not_found', message: 'No such case.' };

const record = (c: Case): CaseRecord => ({
  id: c.id,
  teamId: c.teamId,
  title: c.title,
  status: c.status as CaseStatus,
  createdBy: c.createdBy,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

export class CaseService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(actor: ActorContext, teamId: string, raw: ListObjectsQuery): Promise<Page<CaseRecord>> {
    const { limit, cursor } = parseInput(ListObjectsQuery, raw);
    const em = this.deps.db.manager;
    await visibleTeam(em, actor, teamId);
    authorize(actor, 'case:read', { teamId });
    const rows = await keyset(
      em
        .createQueryBuilder(Case, 'k')
        .where('k.tenantId = :tenantId AND k.teamId = :teamId', { tenantId: actor.tenantId, teamId }),
      ORDER,
      cursor,
      limit,
    ).getMany();
    return toPage(rows, limit, ORDER, (c) => ({ key: c.createdAt, id: c.id }), record);
  }

  async get(actor: ActorContext, teamId: string, caseId: string): Promise<CaseRecord> {
    const em = this.deps.db.manager;
    await visibleTeam(em, actor, teamId);
    const found = await this.find(em, actor, teamId, caseId);
    authorize(actor, 'case:read', { teamId, createdBy: found.createdBy });
    return record(found);
  }

  async create(actor: ActorContext, teamId: string, raw: CreateCaseInput): Promise<CaseRecord> {
    const input = parseInput(CreateCaseInput, raw);
    return this.deps.db.transaction(async (tx) => {
      await visibleTeam(tx, actor, teamId);
      authorize(actor, 'case:create', { teamId });
      const now = this.deps.clock.now();
      const created: Case = {
        id: newId(),
        tenantId: actor.tenantId,
        teamId,
        title: input.title,
        status: input.status,
        createdBy: creatorOf(actor),
        createdAt: now,
        updatedAt: now,
      };
      await tx.insert(Case, created);
      await this.deps.audit.record(tx, actor, {
        action: 'case.created',
        targetType: 'case',
        targetId: created.id,
        teamId,
        change: { after: { title: created.title, status: created.status } },
      });
      return record(created);
    });
  }

  async update(
    actor: ActorContext,
    teamId: string,
    caseId: string,
    raw: UpdateCaseInput,
  ): Promise<CaseRecord> {
    const input = definedFields(parseInput(UpdateCaseInput, raw));
    return this.deps.db.transaction(async (tx) => {
      await visibleTeam(tx, actor, teamId);
      const found = await this.find(tx, actor, teamId, caseId);
      authorize(actor, 'case:edit', { teamId, createdBy: found.createdBy });
      const changes = { ...input, updatedAt: this.deps.clock.now() };
      await tx.update(Case, { id: found.id }, changes);
      await this.deps.audit.record(tx, actor, {
        action: 'case.updated',
        targetType: 'case',
        targetId: found.id,
        teamId,
        change: { before: { title: found.title, status: found.status }, after: input },
      });
      return record({ ...found, ...changes });
    });
  }

  async delete(actor: ActorContext, teamId: string, caseId: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await visibleTeam(tx, actor, teamId);
      const found = await this.find(tx, actor, teamId, caseId);
      authorize(actor, 'case:delete', { teamId, createdBy: found.createdBy });
      await tx.delete(Case, { id: found.id });
      await this.deps.audit.record(tx, actor, {
        action: 'case.deleted',
        targetType: 'case',
        targetId: found.id,
        teamId,
        change: { before: { title: found.title, status: found.status } },
      });
    });
  }

  private find(em: EntityManager, actor: ActorContext, teamId: string, id: string): Promise<Case> {
    return findInTeam(em, Case, { tenantId: actor.tenantId, teamId, id }, NOT_FOUND);
  }
}
