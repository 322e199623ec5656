// Seed 002 dashboards: dashboard managers read and write them, a right editors inherit and case
// managers get with cases enabled; viewers read. The permission table says which.
import type { EntityManager } from 'typeorm';
import { CreateDashboardInput, ListObjectsQuery, UpdateDashboardInput } from '../contracts/objects.js';
import { Dashboard } from '../entities/index.js';
import { newId } from '../crypto.js';
import { insertRow } from '../repositories/write.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';
import {
  creatorOf,
  patchRow,
  definedFields,
  findInTeam,
  keyset,
  newestFirst,
  toPage,
  visibleTeam,
  type Page,
} from './team-object.js';

export interface DashboardRecord {
  id: string;
  teamId: string;
  name: string;
  elements: unknown[];
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const ORDER = newestFirst('dashboards', 'd');
const NOT_FOUND = { code: 'dashboard.not_found', message: 'No such dashboard.' };

const record = (d: Dashboard): DashboardRecord => ({
  id: d.id,
  teamId: d.teamId,
  name: d.name,
  elements: d.elements,
  createdBy: d.createdBy,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

export class DashboardService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(actor: ActorContext, teamId: string, raw: ListObjectsQuery): Promise<Page<DashboardRecord>> {
    const { limit, cursor } = parseInput(ListObjectsQuery, raw);
    const em = this.deps.db.manager;
    await visibleTeam(em, actor, teamId);
    authorize(actor, 'dashboard:read', { teamId });
    const rows = await keyset(
      em
        .createQueryBuilder(Dashboard, 'd')
        .where('d.tenantId = :tenantId AND d.teamId = :teamId', { tenantId: actor.tenantId, teamId }),
      ORDER,
      cursor,
      limit,
    ).getMany();
    return toPage(rows, limit, ORDER, (d) => ({ key: d.createdAt, id: d.id }), record);
  }

  async get(actor: ActorContext, teamId: string, dashboardId: string): Promise<DashboardRecord> {
    const em = this.deps.db.manager;
    await visibleTeam(em, actor, teamId);
    const found = await this.find(em, actor, teamId, dashboardId);
    authorize(actor, 'dashboard:read', { teamId, createdBy: found.createdBy });
    return record(found);
  }

  async create(actor: ActorContext, teamId: string, raw: CreateDashboardInput): Promise<DashboardRecord> {
    const input = parseInput(CreateDashboardInput, raw);
    return this.deps.db.transaction(async (tx) => {
      await visibleTeam(tx, actor, teamId);
      authorize(actor, 'dashboard:create', { teamId });
      const now = this.deps.clock.now();
      const created: Dashboard = {
        id: newId(),
        tenantId: actor.tenantId,
        teamId,
        name: input.name,
        elements: input.elements,
        createdBy: creatorOf(actor),
        createdAt: now,
        updatedAt: now,
      };
      await insertRow(tx, Dashboard, created);
      await this.deps.audit.record(tx, actor, {
        action: 'dashboard.created',
        targetType: 'dashboard',
        targetId: created.id,
        teamId,
        change: { after: { name: created.name, elements: created.elements.length } },
      });
      return record(created);
    });
  }

  async update(
    actor: ActorContext,
    teamId: string,
    dashboardId: string,
    raw: UpdateDashboardInput,
  ): Promise<DashboardRecord> {
    const input = definedFields(parseInput(UpdateDashboardInput, raw));
    return this.deps.db.transaction(async (tx) => {
      await visibleTeam(tx, actor, teamId);
      const found = await this.find(tx, actor, teamId, dashboardId);
      authorize(actor, 'dashboard:edit', { teamId, createdBy: found.createdBy });
      const changes = { ...input, updatedAt: this.deps.clock.now() };
      await patchRow(tx, Dashboard, found.id, changes);
      const updated = { ...found, ...changes };
      await this.deps.audit.record(tx, actor, {
        action: 'dashboard.updated',
        targetType: 'dashboard',
        targetId: found.id,
        teamId,
        change: {
          before: { name: found.name, elements: found.elements.length },
          after: { name: updated.name, elements: updated.elements.length },
        },
      });
      return record(updated);
    });
  }

  async delete(actor: ActorContext, teamId: string, dashboardId: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await visibleTeam(tx, actor, teamId);
      const found = await this.find(tx, actor, teamId, dashboardId);
      authorize(actor, 'dashboard:delete', { teamId, createdBy: found.createdBy });
      await tx.delete(Dashboard, { id: found.id });
      await this.deps.audit.record(tx, actor, {
        action: 'dashboard.deleted',
        targetType: 'dashboard',
        targetId: found.id,
        teamId,
        change: { before: { name: found.name } },
      });
    });
  }

  private find(em: EntityManager, actor: ActorContext, teamId: string, id: string): Promise<Dashboard> {
    return findInTeam(em, Dashboard, { tenantId: actor.tenantId, teamId, id }, NOT_FOUND);
  }
}
