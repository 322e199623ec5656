// Seed 002 cases: case managers (with cases enabled) read and write them, editors create and edit
// but delete none, viewers read; the permission table says which.
import { CreateCaseInput, ListObjectsQuery, UpdateCaseInput, type CaseStatus } from '../contracts/objects.js';
import { Case } from '../entities/index.js';
import { newId } from '../crypto.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';
import { creatorOf, definedFields, newestFirst, visibleTeam, type Page } from './team-object.js';
import { plainRecords, TeamObjectStore } from './team-object-store.js';

export interface CaseRecord {
  id: string;
  teamId: string;
  title: string;
  status: CaseStatus;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

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
  private readonly store: TeamObjectStore<Case, CaseRecord>;

  constructor(private readonly deps: ServiceDeps) {
    this.store = new TeamObjectStore(deps, {
      entity: Case,
      alias: 'k',
      order: newestFirst('cases', 'k'),
      notFound: { code: 'case.not_found', message: 'No such case.' },
      audit: { targetType: 'case', deleted: 'case.deleted' },
      present: plainRecords(record),
    });
  }

  list(actor: ActorContext, teamId: string, raw: ListObjectsQuery): Promise<Page<CaseRecord>> {
    return this.store.list(actor, teamId, raw, 'case:read');
  }

  get(actor: ActorContext, teamId: string, caseId: string): Promise<CaseRecord> {
    return this.store.get(actor, teamId, caseId, 'case:read');
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
      const found = await this.store.findFor(tx, actor, teamId, caseId, 'case:edit');
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

  delete(actor: ActorContext, teamId: string, caseId: string): Promise<void> {
    return this.store.delete(actor, teamId, caseId, 'case:delete', (c) => ({
      title: c.title,
      status: c.status,
    }));
  }
}
