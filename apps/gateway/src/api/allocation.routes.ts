// Team story allocation (seeds 000 and 002): used / limit per team, and the owner's "select teams,
// set maximum, save".
import {
  AllocationList,
  ListAllocationsQuery,
  SetAllocationsInput,
  SetAllocationsResult,
  type TeamAllocationRow,
} from '@gatehouse/domain/contracts';
import type { AllocationRecord, Services } from '@gatehouse/domain';
import { defineRoute, type Route } from '../http/define-route.js';
import { mapPage } from '../http/pages.js';

const TAG = 'allocation';

export function allocationRoutes(services: Services): Route[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/allocations',
        tag: TAG,
        summary: 'Every team with its stories used and its maximum',
        query: ListAllocationsQuery,
        response: AllocationList,
        action: 'settings:view',
      },
      async ({ actor, query }) => mapPage(await services.allocations.list(actor, query), toRow),
    ),
    defineRoute(
      {
        method: 'put',
        path: '/allocations',
        tag: TAG,
        summary: 'Set (or, with null, clear) the maximum stories of the chosen teams (tenant owner)',
        body: SetAllocationsInput,
        response: SetAllocationsResult,
        action: 'allocation:edit',
      },
      async ({ actor, body }) => ({ items: (await services.allocations.set(actor, body)).map(toRow) }),
    ),
  ];
}

function toRow(r: AllocationRecord): TeamAllocationRow {
  return {
    teamId: r.teamId,
    teamName: r.teamName,
    used: r.used,
    limit: r.limit,
    updatedAt: r.updatedAt?.toISOString() ?? null,
  };
}
