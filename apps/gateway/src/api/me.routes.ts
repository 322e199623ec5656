import {
  MeResponse,
  OwnSessionIdParams,
  OwnSessionList,
  type OwnSessionView,
} from '@gatehouse/domain/contracts';
import type { Services, Session } from '@gatehouse/domain';
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
    defineRoute(
      {
        method: 'get',
        path: '/me/sessions',
        tag: 'me',
        summary: 'Where you are signed in: your live sessions, this one marked',
        response: OwnSessionList,
        action: 'session:listOwn',
      },
      async ({ actor, session }) => ({
        items: (await services.sessions.listOwn(actor)).map((s) => toOwnSessionView(s, session.session.id)),
      }),
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/me/sessions/:sessionId',
        tag: 'me',
        summary: 'Sign out one of your sessions (another browser, a lost device); audited',
        params: OwnSessionIdParams,
        status: 204,
        action: 'session:endOwn',
      },
      async ({ actor, params }) => {
        await services.sessions.endOwn(actor, params.sessionId);
        return undefined;
      },
    ),
  ];
}

function toOwnSessionView(s: Session, currentId: string): OwnSessionView {
  return {
    id: s.id,
    method: s.method,
    ip: s.ip,
    userAgent: s.userAgent,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    current: s.id === currentId,
  };
}
