// Event usage (seed 000 "Monitoring event usage … whether you're approaching any limits"): tenant API
// keys for the workflow runtime, its batched reports, and usage per team per day and month.
import {
  ApiKeyIdParams,
  ApiKeyList,
  CreateApiKeyBody,
  CreatedApiKey,
  UsageEventsAccepted,
  UsageEventsBody,
  UsageQuery,
  UsageReport,
  type ApiKeyView,
} from '@gatehouse/domain/contracts';
import { Unauthenticated, type Services, type UsageMonthReport } from '@gatehouse/domain';
import { defineRoute, type Route } from '../http/define-route.js';
import { bearerToken } from './egress.routes.js';

const TAG = 'usage';

type ApiKeyRecord = Awaited<ReturnType<Services['apiKeys']['list']>>[number];

export function usageRoutes(services: Services): Route[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/usage',
        tag: TAG,
        summary: 'Events of a month (YYYY-MM, default this one) per day and per team, against the limit',
        query: UsageQuery,
        response: UsageReport,
        action: 'usage:view',
      },
      async ({ actor, query }) => toUsageReport(await services.usage.month(actor, query.month)),
    ),
    defineRoute(
      {
        method: 'post',
        path: '/usage/events',
        tag: TAG,
        summary:
          'Report events, batched: [{ teamId, count, at? }]. Authenticated by "Authorization: Bearer <tenant API key>", not a session',
        body: UsageEventsBody,
        response: UsageEventsAccepted,
        status: 202,
        auth: 'apiKey',
      },
      async ({ body, req }) => {
        const apiKey = bearerToken(req);
        if (apiKey === null) {
          throw new Unauthenticated(
            'api_key.required',
            'Send a tenant API key as "Authorization: Bearer <key>".',
          );
        }
        return services.usage.report(apiKey, body);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/usage/keys',
        tag: TAG,
        summary: 'Tenant API keys (name, prefix, dates; never the key)',
        response: ApiKeyList,
        action: 'usageKey:manage',
      },
      async ({ actor }) => ({ items: (await services.apiKeys.list(actor)).map(toApiKeyView) }),
    ),
    defineRoute(
      {
        method: 'post',
        path: '/usage/keys',
        tag: TAG,
        summary: 'Create a tenant API key; the key is in this response only',
        body: CreateApiKeyBody,
        response: CreatedApiKey,
        status: 201,
        action: 'usageKey:manage',
      },
      async ({ actor, body }) => {
        const { key, record } = await services.apiKeys.create(actor, body);
        return { key, item: toApiKeyView(record) };
      },
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/usage/keys/:keyId',
        tag: TAG,
        summary: 'Revoke a tenant API key',
        params: ApiKeyIdParams,
        status: 204,
        action: 'usageKey:manage',
      },
      async ({ actor, params }) => {
        await services.apiKeys.revoke(actor, params.keyId);
        return undefined;
      },
    ),
  ];
}

function toApiKeyView(k: ApiKeyRecord): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

function toUsageReport(r: UsageMonthReport) {
  return {
    month: r.month,
    monthlyEventLimit: r.monthlyEventLimit,
    total: r.total,
    percentOfLimit: r.percentOfLimit,
    warning: r.warning,
    days: r.days.map((d) => ({ day: d.day, events: d.events })),
    teams: r.teams.map((t) => ({
      teamId: t.teamId,
      teamName: t.teamName,
      total: t.total,
      days: t.days.map((d) => ({ day: d.day, events: d.events })),
    })),
  };
}
