// SCIM administration (seed 000 "set up how users log in"; owner-only per the table): the bearer
// tokens an IdP's SCIM connector uses, and the IdP group → team role / manager mappings with a dry-run.
import {
  CreateScimTokenBody,
  CreatedScimToken,
  GroupMappingDryRunBody,
  GroupMappingDryRunResult,
  GroupMappingIdParams,
  GroupMappingInput,
  GroupMappingList,
  GroupMappingView,
  ProvisioningLogPage,
  ProvisioningLogQuery,
  ScimTokenIdParams,
  ScimTokenList,
  type GroupMappingView as GroupMappingViewBody,
  type ScimTokenView,
} from '@gatehouse/domain/contracts';
import type { ScimToken, Services } from '@gatehouse/domain';
import { defineRoute, type Route } from '../http/define-route.js';
import type { RouterDeps } from '../http/deps.js';

const TAG = 'scim';

type MappingRecord = Awaited<ReturnType<Services['groupMappings']['list']>>[number];

export function scimAdminRoutes({ services, config }: Pick<RouterDeps, 'services' | 'config'>): Route[] {
  const scimBaseUrl = `${config.publicUrl}/scim/v2`;
  return [
    defineRoute(
      {
        method: 'get',
        path: '/scim/tokens',
        tag: TAG,
        summary: 'SCIM tokens (name, prefix, dates; never the token) and the SCIM base URL',
        response: ScimTokenList,
        action: 'scim:manage',
      },
      async ({ actor }) => ({
        scimBaseUrl,
        items: (await services.scimTokens.list(actor)).map(toScimTokenView),
      }),
    ),
    defineRoute(
      {
        method: 'post',
        path: '/scim/tokens',
        tag: TAG,
        summary: 'Create a named SCIM token; the token is in this response only',
        body: CreateScimTokenBody,
        response: CreatedScimToken,
        status: 201,
        action: 'scim:manage',
      },
      async ({ actor, body }) => {
        const { token, record } = await services.scimTokens.create(actor, body);
        return { token, scimBaseUrl, item: toScimTokenView(record) };
      },
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/scim/tokens/:tokenId',
        tag: TAG,
        summary: 'Revoke a SCIM token (the IdP’s next request with it is refused)',
        params: ScimTokenIdParams,
        status: 204,
        action: 'scim:manage',
      },
      async ({ actor, params }) => {
        await services.scimTokens.revoke(actor, params.tokenId);
        return undefined;
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/scim/group-mappings',
        tag: TAG,
        summary: 'IdP group → team role / manager mappings',
        response: GroupMappingList,
        action: 'settings:view',
      },
      async ({ actor }) => ({ items: (await services.groupMappings.list(actor)).map(toMappingView) }),
    ),
    defineRoute(
      {
        method: 'post',
        path: '/scim/group-mappings/dry-run',
        tag: TAG,
        summary:
          'Who would gain or lose which roles under a proposed mapping set (or one added/removed mapping); writes nothing',
        body: GroupMappingDryRunBody,
        response: GroupMappingDryRunResult,
        action: 'groupMapping:manage',
      },
      async ({ actor, body }) => {
        const result = await services.groupMappings.dryRun(actor, body);
        return {
          changes: result.changes.map((c) => ({
            userId: c.userId,
            email: c.email,
            displayName: c.displayName,
            kind: changeKind(c.mappedBefore, c.mappedAfter),
            scope: c.scope,
            teamId: c.teamId,
            teamName: c.teamName,
            mappedBefore: c.mappedBefore,
            mappedAfter: c.mappedAfter,
            effectiveBefore: c.effectiveBefore,
            effectiveAfter: c.effectiveAfter,
          })),
          emptiedTeams: result.emptiedTeams,
          totalChanges: result.totalChanges,
          usersAffected: result.usersAffected,
          truncated: result.truncated,
        };
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/scim/group-mappings',
        tag: TAG,
        summary:
          'Map an IdP group to a team role or the manager role; applied to the group’s members at once',
        body: GroupMappingInput,
        response: GroupMappingView,
        status: 201,
        action: 'groupMapping:manage',
      },
      async ({ actor, body }) => toMappingView(await services.groupMappings.create(actor, body)),
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/scim/group-mappings/:mappingId',
        tag: TAG,
        summary: 'Delete a mapping; the roles it gave are withdrawn from the group’s members at once',
        params: GroupMappingIdParams,
        status: 204,
        action: 'groupMapping:manage',
      },
      async ({ actor, params }) => {
        await services.groupMappings.remove(actor, params.mappingId);
        return undefined;
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/scim/provisioning-log',
        tag: TAG,
        summary:
          'SCIM requests as the IdP sent them and how they ended, newest first; filter by status class, resource, time',
        query: ProvisioningLogQuery,
        response: ProvisioningLogPage,
        action: 'provisioningLog:view',
      },
      async ({ actor, query }) => {
        const page = await services.provisioningLog.list(actor, query);
        return {
          items: page.items.map((e) => ({
            id: e.id,
            occurredAt: e.occurredAt,
            tokenId: e.tokenId,
            tokenName: e.tokenName,
            method: e.method,
            path: e.path,
            status: e.status,
            durationMs: e.durationMs,
            resourceType: e.resourceType,
            resourceId: e.resourceId,
            changes: e.changes,
            error: e.error,
            requestId: e.requestId,
          })),
          nextCursor: page.nextCursor,
        };
      },
    ),
  ];
}

function toScimTokenView(t: ScimToken): ScimTokenView {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

function toMappingView({ mapping, groupName, teamName }: MappingRecord): GroupMappingViewBody {
  return {
    id: mapping.id,
    groupId: mapping.groupId,
    groupName,
    target: mapping.target,
    teamId: mapping.teamId,
    teamName,
    teamRole: mapping.teamRole,
    tenantRole: mapping.tenantRole,
    createdAt: mapping.createdAt.toISOString(),
  };
}

function changeKind(before: string | null, after: string | null): 'gain' | 'loss' | 'change' {
  if (before === null) return 'gain';
  return after === null ? 'loss' : 'change';
}
