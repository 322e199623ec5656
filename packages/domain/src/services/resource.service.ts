// Seed 002 team resources: values stories read, names unique across the tenant, shareable by "Access".
import {
  CreateResourceInput,
  ListObjectsQuery,
  ObjectAccessInput,
  UpdateResourceInput,
} from '../contracts/objects.js';
import { Resource } from '../entities/index.js';
import { newId } from '../crypto.js';
import { foldKey } from '../repositories/users.repository.js';
import { insertRow, uniquely } from '../repositories/write.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';
import { accessView, replaceShares, sharesOf, type AppliedAccess } from './sharing.js';
import { creatorOf, definedFields, newestFirst, patchRow, visibleTeam, type Page } from './team-object.js';
import { sharedRecords, TeamObjectStore } from './team-object-store.js';

export interface ResourceRecord extends AppliedAccess {
  id: string;
  teamId: string;
  name: string;
  value: unknown;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const nameTaken = (name: string) => `A resource named "${name}" already exists in this tenant.`;

function record(r: Resource, sharedWithTeamIds: string[]): ResourceRecord {
  return {
    id: r.id,
    teamId: r.teamId,
    name: r.name,
    value: r.value,
    sharing: r.sharing,
    sharedWithTeamIds,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export class ResourceService {
  private readonly store: TeamObjectStore<Resource, ResourceRecord>;

  constructor(private readonly deps: ServiceDeps) {
    this.store = new TeamObjectStore(deps, {
      entity: Resource,
      alias: 'r',
      order: newestFirst('resources', 'r'),
      notFound: { code: 'resource.not_found', message: 'No such resource.' },
      audit: { targetType: 'resource', deleted: 'resource.deleted' },
      present: sharedRecords('resource', record),
      shareType: 'resource',
    });
  }

  list(actor: ActorContext, teamId: string, raw: ListObjectsQuery): Promise<Page<ResourceRecord>> {
    return this.store.list(actor, teamId, raw, 'resource:read');
  }

  get(actor: ActorContext, teamId: string, resourceId: string): Promise<ResourceRecord> {
    return this.store.get(actor, teamId, resourceId, 'resource:read');
  }

  async create(actor: ActorContext, teamId: string, raw: CreateResourceInput): Promise<ResourceRecord> {
    const input = parseInput(CreateResourceInput, raw);
    return this.deps.db.transaction(async (tx) => {
      await visibleTeam(tx, actor, teamId);
      authorize(actor, 'resource:create', { teamId });
      if (input.access && input.access.sharing !== 'team')
        authorize(actor, 'resource:editAccess', { teamId });
      const now = this.deps.clock.now();
      const resource: Resource = {
        id: newId(),
        tenantId: actor.tenantId,
        teamId,
        name: input.name,
        nameKey: foldKey(input.name),
        sharing: input.access?.sharing ?? 'team',
        value: input.value,
        createdBy: creatorOf(actor),
        createdAt: now,
        updatedAt: now,
      };
      await uniquely(() => insertRow(tx, Resource, resource), 'resource.name_taken', nameTaken(input.name));
      const access = input.access
        ? await replaceShares(tx, this.deps.clock, { ...resource, type: 'resource' }, input.access)
        : { sharing: 'team' as const, sharedWithTeamIds: [] };
      await this.deps.audit.record(tx, actor, {
        action: 'resource.created',
        targetType: 'resource',
        targetId: resource.id,
        teamId,
        change: { after: { name: resource.name, ...accessView(access) } },
      });
      return record(resource, access.sharedWithTeamIds);
    });
  }

  async update(
    actor: ActorContext,
    teamId: string,
    resourceId: string,
    raw: UpdateResourceInput,
  ): Promise<ResourceRecord> {
    const input = definedFields(parseInput(UpdateResourceInput, raw));
    return this.deps.db.transaction(async (tx) => {
      const resource = await this.store.findFor(tx, actor, teamId, resourceId, 'resource:edit');
      const changes: Partial<Resource> = { updatedAt: this.deps.clock.now() };
      if (input.name !== undefined)
        Object.assign(changes, { name: input.name, nameKey: foldKey(input.name) });
      if ('value' in input) changes.value = input.value;
      await uniquely(
        () => patchRow(tx, Resource, resource.id, changes),
        'resource.name_taken',
        nameTaken(input.name ?? resource.name),
      );
      await this.deps.audit.record(tx, actor, {
        action: 'resource.updated',
        targetType: 'resource',
        targetId: resource.id,
        teamId,
        change: {
          before: { name: resource.name },
          after: { name: changes.name ?? resource.name },
          fields: Object.keys(input),
        },
      });
      return this.store.present(tx, { ...resource, ...changes });
    });
  }

  /** Seed 002: resources are shared "by using the 'Access' configuration options within the object". */
  async setAccess(
    actor: ActorContext,
    teamId: string,
    resourceId: string,
    raw: ObjectAccessInput,
  ): Promise<ResourceRecord> {
    const access = parseInput(ObjectAccessInput, raw);
    return this.deps.db.transaction(async (tx) => {
      const resource = await this.store.findFor(tx, actor, teamId, resourceId, 'resource:editAccess');
      const before = (await sharesOf(tx, actor.tenantId, 'resource', [resource.id])).get(resource.id) ?? [];
      const applied = await replaceShares(tx, this.deps.clock, { ...resource, type: 'resource' }, access);
      const updatedAt = this.deps.clock.now();
      await patchRow(tx, Resource, resource.id, { sharing: applied.sharing, updatedAt });
      await this.deps.audit.record(tx, actor, {
        action: 'resource.access_changed',
        targetType: 'resource',
        targetId: resource.id,
        teamId,
        change: {
          before: accessView({ sharing: resource.sharing, sharedWithTeamIds: before }),
          after: accessView(applied),
        },
      });
      return record({ ...resource, sharing: applied.sharing, updatedAt }, applied.sharedWithTeamIds);
    });
  }

  /** Seed 002: editors "cannot perform destructive actions … such as deleting … resources". */
  delete(actor: ActorContext, teamId: string, resourceId: string): Promise<void> {
    return this.store.delete(actor, teamId, resourceId, 'resource:delete', (r) => ({
      name: r.name,
      sharing: r.sharing,
    }));
  }
}
