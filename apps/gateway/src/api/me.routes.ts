import { MeResponse } from '@gatehouse/domain/contracts';
import type { Services } from '@gatehouse/domain';
import { defineRoute, type Route } from '../http/define-route.js';

export function meRoutes(services: Services): Route[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/me',
        tag: 'me',
        summary: 'The signed-in user, tenant, roles and CSRF token',
        response: MeResponse,
      },
      async ({ actor, session }) => {
        const { user, tenant } = await services.actors.profile(actor);
        if (actor.kind !== 'user') throw new Error('session actors are users');
        const usageWarning = await services.usage.warningFor(actor);
        return {
          user: {
            id: user.id,
            email: user.email,
            displayName: user.displayName,
            tenantRole: actor.tenantRole,
          },
          tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
          teamRoles: actor.teamRoles,
          features: actor.features ?? { cases: false, customObjectSharing: false },
          csrfToken: session.csrfToken,
          ...(usageWarning ? { usageWarning } : {}),
        };
      },
    ),
  ];
}
