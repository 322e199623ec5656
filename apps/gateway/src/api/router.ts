import { Router } from 'express';
import { defineRoute, mountRoutes, type Route } from '../http/define-route.js';
import type { RouterDeps } from '../http/deps.js';
import { openApiDocument } from '../http/openapi.js';
import { csrfProtection, loadSession } from '../http/session.js';
import { meRoutes } from './me.routes.js';
import { allocationRoutes } from './allocation.routes.js';
import { draftsRoutes } from './drafts.routes.js';
import { objectsRoutes } from './objects.routes.js';
import { teamsRoutes } from './teams.routes.js';
import { usersRoutes } from './users.routes.js';
import { auditRoutes } from './audit.routes.js';
import { egressRoutes } from './egress.routes.js';
import { scimAdminRoutes } from './scim-admin.routes.js';
import { settingsRoutes } from './settings.routes.js';
import { signInsRoutes } from './sign-ins.routes.js';
import { ssoRoutes } from './sso.routes.js';
import { usageRoutes } from './usage.routes.js';

/** Every /api route, in one list: the router and the OpenAPI document are built from it. */
export function apiRoutes(deps: RouterDeps): Route[] {
  return [
    ...meRoutes(deps.services),
    ...usersRoutes(deps),
    ...teamsRoutes(deps),
    ...objectsRoutes(deps.services),
    ...draftsRoutes(deps.services),
    ...allocationRoutes(deps.services),
    ...scimAdminRoutes(deps),
    ...ssoRoutes(deps),
    ...settingsRoutes(deps.services),
    ...egressRoutes(deps.services),
    ...auditRoutes(deps.services),
    ...usageRoutes(deps.services),
    ...signInsRoutes(deps.services),
  ];
}

export function apiRouter(deps: RouterDeps): Router {
  const routes = apiRoutes(deps);
  const document = openApiDocument([...routes, openApiRoute], {
    title: 'Gatehouse admin API',
    version: '1',
    serverUrl: deps.config.publicUrl,
  });
  const router = Router();
  router.use(loadSession(deps.services, deps.config));
  router.use(csrfProtection(deps.services));
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  return mountRoutes(router, routes);
}

/** Documents itself. */
const openApiRoute = defineRoute(
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'meta',
    summary: 'This API’s OpenAPI 3.1 document',
    auth: 'public',
  },
  async () => undefined,
);
