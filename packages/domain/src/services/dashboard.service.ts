// Seed 002 dashboards: dashboard managers read and write them, a right editors inherit and case
// managers get with cases enabled; viewers read. The permission table says which.
import { CreateDashboardInput, ListObjectsQuery, UpdateDashboardInput } from '../contracts/objects.js';
import { Dashboard } from '../entities/index.js';
import { newId } from '../crypto.js';
import { insertRow } from '../repositories/write.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';
import { creatorOf, definedFields, newestFirst, patchRow, visibleTeam, type Page } from './team-object.js';
import { plainRecords, TeamObjectStore } from './team-object-store.js';

export interface DashboardRecord {
  id: string;
  teamId: string;
  name: string;
  elements: unknown[];
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

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
  private readonly store: TeamObjectStore<Dashboard, DashboardRecord>;

  constructor(private readonly deps: ServiceDeps) {
    this.store = new TeamObjectStore(deps, {
      entity: Dashboard,
      alias: 'd',
      order: newestFirst('dashboards', 'd'),
      notFound: { code: 'dashboard.not_found', message: 'No such dashboard.' },
      audit: { targetType: 'dashboard', deleted: 'dashboard.deleted' },
      present: plainRecords(record),
    });
  }

  list(actor: ActorContext, teamId: string, raw: ListObjectsQuery): Promise<Page<DashboardRecord>> {
    return this.store.list(actor, teamId, raw, 'dashboard:read');
  }

  get(actor: ActorContext, teamId: string, dashboardId: string): Promise<DashboardRecord> {
    return this.store.get(actor, teamId, dashboardId, 'dashboard:read');
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
      const found = await this.store.findFor(tx, actor, teamId, dashboardId, 'dashboard:edit');
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

  delete(actor: ActorContext, teamId: string, dashboardId: string): Promise<void> {
    return this.store.delete(actor, teamId, dashboardId, 'dashboard:delete', (d) => ({ name: d.name }));
  }
}
