// Team objects (seed 002): credentials, resources, stories, cases and dashboards under
// /api/teams/:teamId, their "Access" (sharing), and what other teams share with a team.
import {
  CaseList,
  CaseParams,
  CaseView,
  CreateCaseInput,
  CreateCredentialInput,
  CreateDashboardInput,
  CreateResourceInput,
  CreateStoryInput,
  CredentialList,
  CredentialParams,
  CredentialView,
  DashboardList,
  DashboardParams,
  DashboardView,
  ListObjectsQuery,
  ListSharedObjectsQuery,
  ObjectAccessInput,
  ResourceList,
  ResourceParams,
  ResourceView,
  SetCredentialDomainsInput,
  SharedObjectList,
  StoryList,
  StoryParams,
  StoryView,
  TeamIdParams,
  UpdateCaseInput,
  UpdateCredentialInput,
  UpdateDashboardInput,
  UpdateResourceInput,
  UpdateStoryInput,
  type CaseView as CaseBody,
  type CredentialView as CredentialBody,
  type DashboardView as DashboardBody,
  type ResourceView as ResourceBody,
  type SharedObject as SharedObjectBody,
  type StoryView as StoryBody,
} from '@gatehouse/domain/contracts';
import type {
  ActorContext,
  CaseRecord,
  CredentialRecord,
  DashboardRecord,
  Page,
  ResourceRecord,
  Services,
  SharedObjectEntry,
  StoryRecord,
} from '@gatehouse/domain';
import type { z } from 'zod';
import { defineRoute, type Route } from '../http/define-route.js';
import { mapPage } from '../http/pages.js';

const TAG = 'team objects';

export function objectsRoutes(services: Services): Route[] {
  return [
    ...credentialRoutes(services),
    ...resourceRoutes(services),
    ...storyRoutes(services),
    ...caseRoutes(services),
    ...dashboardRoutes(services),
    defineRoute(
      {
        method: 'get',
        path: '/teams/:teamId/shared',
        tag: TAG,
        summary: 'Objects other teams share with this team (one type at a time)',
        params: TeamIdParams,
        query: ListSharedObjectsQuery,
        response: SharedObjectList,
      },
      async ({ actor, params, query }) =>
        mapPage(await services.sharing.sharedWithTeam(actor, params.teamId, query), toSharedObject),
    ),
  ];
}

/**
 * The five routes every team object has — list, create, get, update, delete — with its own summaries,
 * schemas, service calls and mapper; `extras` (access, domains, push-live) go before the delete, so
 * OpenAPI lists them where they always were.
 */
interface ObjectRoutesSpec<P extends { teamId: string }, C, U, R, Body> {
  /** The collection path, e.g. `/teams/:teamId/credentials`. */
  base: string;
  /** The item segment, e.g. `:credentialId`. */
  item: string;
  params: z.ZodType<P>;
  view: z.ZodType<Body>;
  list: z.ZodType<{ items: Body[]; nextCursor: string | null }>;
  createBody: z.ZodType<C>;
  updateBody: z.ZodType<U>;
  summary: { list: string; create: string; get: string; update: string; delete: string };
  toBody: (r: R) => Body;
  calls: {
    list: (actor: ActorContext, teamId: string, query: ListObjectsQuery) => Promise<Page<R>>;
    create: (actor: ActorContext, teamId: string, body: C) => Promise<R>;
    get: (actor: ActorContext, params: P) => Promise<R>;
    update: (actor: ActorContext, params: P, body: U) => Promise<R>;
    delete: (actor: ActorContext, params: P) => Promise<void>;
  };
}

function objectRoutes<P extends { teamId: string }, C, U, R, Body>(
  o: ObjectRoutesSpec<P, C, U, R, Body>,
  extras: Route[] = [],
): Route[] {
  const itemPath = `${o.base}/${o.item}`;
  return [
    defineRoute(
      {
        method: 'get',
        path: o.base,
        tag: TAG,
        summary: o.summary.list,
        params: TeamIdParams,
        query: ListObjectsQuery,
        response: o.list,
      },
      async ({ actor, params, query }) => mapPage(await o.calls.list(actor, params.teamId, query), o.toBody),
    ),
    defineRoute(
      {
        method: 'post',
        path: o.base,
        tag: TAG,
        summary: o.summary.create,
        params: TeamIdParams,
        body: o.createBody,
        response: o.view,
        status: 201,
      },
      async ({ actor, params, body }) => o.toBody(await o.calls.create(actor, params.teamId, body)),
    ),
    defineRoute(
      { method: 'get', path: itemPath, tag: TAG, summary: o.summary.get, params: o.params, response: o.view },
      async ({ actor, params }) => o.toBody(await o.calls.get(actor, params)),
    ),
    defineRoute(
      {
        method: 'patch',
        path: itemPath,
        tag: TAG,
        summary: o.summary.update,
        params: o.params,
        body: o.updateBody,
        response: o.view,
      },
      async ({ actor, params, body }) => o.toBody(await o.calls.update(actor, params, body)),
    ),
    ...extras,
    defineRoute(
      {
        method: 'delete',
        path: itemPath,
        tag: TAG,
        summary: o.summary.delete,
        params: o.params,
        status: 204,
      },
      async ({ actor, params }) => {
        await o.calls.delete(actor, params);
        return undefined;
      },
    ),
  ];
}

function credentialRoutes(services: Services): Route[] {
  const credentials = services.credentials;
  const base = '/teams/:teamId/credentials';
  return objectRoutes(
    {
      base,
      item: ':credentialId',
      params: CredentialParams,
      view: CredentialView,
      list: CredentialList,
      createBody: CreateCredentialInput,
      updateBody: UpdateCredentialInput,
      summary: {
        list: 'A team’s credentials (never their secrets)',
        create: 'Create a credential (its name is unique across the tenant; the secret is stored sealed)',
        get: 'One credential (never its secret)',
        update: 'Rename a credential, change its kind or replace its secret',
        delete: 'Delete a credential (team admin)',
      },
      toBody: toCredential,
      calls: {
        list: (actor, teamId, query) => credentials.list(actor, teamId, query),
        create: (actor, teamId, body) => credentials.create(actor, teamId, body),
        get: (actor, p) => credentials.get(actor, p.teamId, p.credentialId),
        update: (actor, p, body) => credentials.update(actor, p.teamId, p.credentialId, body),
        delete: (actor, p) => credentials.delete(actor, p.teamId, p.credentialId),
      },
    },
    [
      defineRoute(
        {
          method: 'put',
          path: `${base}/:credentialId/domains`,
          tag: TAG,
          summary:
            'Set the domains, URL paths or hosts the credential may be sent to (team admin or creator)',
          params: CredentialParams,
          body: SetCredentialDomainsInput,
          response: CredentialView,
        },
        async ({ actor, params, body }) =>
          toCredential(await credentials.setDomains(actor, params.teamId, params.credentialId, body)),
      ),
      defineRoute(
        {
          method: 'put',
          path: `${base}/:credentialId/access`,
          tag: TAG,
          summary:
            'Set where the credential can be used: team, all teams & drafts, or chosen teams (team admin)',
          params: CredentialParams,
          body: ObjectAccessInput,
          response: CredentialView,
        },
        async ({ actor, params, body }) =>
          toCredential(await credentials.setAccess(actor, params.teamId, params.credentialId, body)),
      ),
    ],
  );
}

function resourceRoutes(services: Services): Route[] {
  const resources = services.resources;
  const base = '/teams/:teamId/resources';
  return objectRoutes(
    {
      base,
      item: ':resourceId',
      params: ResourceParams,
      view: ResourceView,
      list: ResourceList,
      createBody: CreateResourceInput,
      updateBody: UpdateResourceInput,
      summary: {
        list: 'A team’s resources',
        create: 'Create a resource (its name is unique across the tenant)',
        get: 'One resource',
        update: 'Rename a resource or change its value',
        delete: 'Delete a resource (team admin)',
      },
      toBody: toResource,
      calls: {
        list: (actor, teamId, query) => resources.list(actor, teamId, query),
        create: (actor, teamId, body) => resources.create(actor, teamId, body),
        get: (actor, p) => resources.get(actor, p.teamId, p.resourceId),
        update: (actor, p, body) => resources.update(actor, p.teamId, p.resourceId, body),
        delete: (actor, p) => resources.delete(actor, p.teamId, p.resourceId),
      },
    },
    [
      defineRoute(
        {
          method: 'put',
          path: `${base}/:resourceId/access`,
          tag: TAG,
          summary: 'Set who may use the resource: team, all teams & drafts, or chosen teams',
          params: ResourceParams,
          body: ObjectAccessInput,
          response: ResourceView,
        },
        async ({ actor, params, body }) =>
          toResource(await resources.setAccess(actor, params.teamId, params.resourceId, body)),
      ),
    ],
  );
}

function storyRoutes(services: Services): Route[] {
  const stories = services.stories;
  const base = '/teams/:teamId/stories';
  const inTeam = (teamId: string) => ({ teamId });
  return objectRoutes(
    {
      base,
      item: ':storyId',
      params: StoryParams,
      view: StoryView,
      list: StoryList,
      createBody: CreateStoryInput,
      updateBody: UpdateStoryInput,
      summary: {
        list: 'A team’s stories',
        create: 'Create a story (refused at the team’s story allocation)',
        get: 'One story with its live and test versions',
        update: 'Edit a story (a change-managed story’s edits go to its test version)',
        delete: 'Delete a story (team admin)',
      },
      toBody: toStory,
      calls: {
        list: (actor, teamId, query) => stories.list(actor, inTeam(teamId), query),
        create: (actor, teamId, body) => stories.create(actor, inTeam(teamId), body),
        get: (actor, p) => stories.get(actor, inTeam(p.teamId), p.storyId),
        update: (actor, p, body) => stories.update(actor, inTeam(p.teamId), p.storyId, body),
        delete: (actor, p) => stories.delete(actor, inTeam(p.teamId), p.storyId),
      },
    },
    [
      defineRoute(
        {
          method: 'post',
          path: `${base}/:storyId/push-live`,
          tag: TAG,
          summary: 'Push a change-managed story’s test version live (team admin)',
          params: StoryParams,
          response: StoryView,
        },
        async ({ actor, params }) =>
          toStory(await stories.pushLive(actor, inTeam(params.teamId), params.storyId)),
      ),
      defineRoute(
        {
          method: 'put',
          path: `${base}/:storyId/access`,
          tag: TAG,
          summary: 'Set which teams may send to this send-to-story story',
          params: StoryParams,
          body: ObjectAccessInput,
          response: StoryView,
        },
        async ({ actor, params, body }) =>
          toStory(await stories.setAccess(actor, inTeam(params.teamId), params.storyId, body)),
      ),
    ],
  );
}

function caseRoutes(services: Services): Route[] {
  const cases = services.cases;
  return objectRoutes({
    base: '/teams/:teamId/cases',
    item: ':caseId',
    params: CaseParams,
    view: CaseView,
    list: CaseList,
    createBody: CreateCaseInput,
    updateBody: UpdateCaseInput,
    summary: {
      list: 'A team’s cases',
      create: 'Open a case',
      get: 'One case',
      update: 'Edit a case’s title or status',
      delete: 'Delete a case',
    },
    toBody: toCase,
    calls: {
      list: (actor, teamId, query) => cases.list(actor, teamId, query),
      create: (actor, teamId, body) => cases.create(actor, teamId, body),
      get: (actor, p) => cases.get(actor, p.teamId, p.caseId),
      update: (actor, p, body) => cases.update(actor, p.teamId, p.caseId, body),
      delete: (actor, p) => cases.delete(actor, p.teamId, p.caseId),
    },
  });
}

function dashboardRoutes(services: Services): Route[] {
  const dashboards = services.dashboards;
  return objectRoutes({
    base: '/teams/:teamId/dashboards',
    item: ':dashboardId',
    params: DashboardParams,
    view: DashboardView,
    list: DashboardList,
    createBody: CreateDashboardInput,
    updateBody: UpdateDashboardInput,
    summary: {
      list: 'A team’s dashboards',
      create: 'Create a dashboard',
      get: 'One dashboard with its elements',
      update: 'Rename a dashboard or replace its elements',
      delete: 'Delete a dashboard',
    },
    toBody: toDashboard,
    calls: {
      list: (actor, teamId, query) => dashboards.list(actor, teamId, query),
      create: (actor, teamId, body) => dashboards.create(actor, teamId, body),
      get: (actor, p) => dashboards.get(actor, p.teamId, p.dashboardId),
      update: (actor, p, body) => dashboards.update(actor, p.teamId, p.dashboardId, body),
      delete: (actor, p) => dashboards.delete(actor, p.teamId, p.dashboardId),
    },
  });
}

// ---- mappers: fields listed one by one, so a sealed secret cannot leave by accident ----

function toCredential(c: CredentialRecord): CredentialBody {
  return {
    id: c.id,
    teamId: c.teamId,
    name: c.name,
    kind: c.kind,
    domains: [...c.domains],
    sharing: c.sharing,
    sharedWithTeamIds: [...c.sharedWithTeamIds],
    hasSecret: c.hasSecret,
    createdBy: c.createdBy,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

function toResource(r: ResourceRecord): ResourceBody {
  return {
    id: r.id,
    teamId: r.teamId,
    name: r.name,
    value: r.value,
    sharing: r.sharing,
    sharedWithTeamIds: [...r.sharedWithTeamIds],
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function toStory(s: StoryRecord): StoryBody {
  return {
    id: s.id,
    teamId: s.teamId,
    name: s.name,
    sendToStoryEnabled: s.sendToStoryEnabled,
    changeManaged: s.changeManaged,
    liveVersion: s.liveVersion,
    testVersion: s.testVersion,
    hasTestChanges: s.hasTestChanges,
    sharing: s.sharing,
    sharedWithTeamIds: [...s.sharedWithTeamIds],
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

function toCase(c: CaseRecord): CaseBody {
  return {
    id: c.id,
    teamId: c.teamId,
    title: c.title,
    status: c.status,
    createdBy: c.createdBy,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

function toDashboard(d: DashboardRecord): DashboardBody {
  return {
    id: d.id,
    teamId: d.teamId,
    name: d.name,
    elements: [...d.elements],
    createdBy: d.createdBy,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

export function toSharedObject(o: SharedObjectEntry): SharedObjectBody {
  return {
    type: o.type,
    id: o.id,
    name: o.name,
    teamId: o.teamId,
    teamName: o.teamName,
    sharing: o.sharing,
    createdAt: o.createdAt.toISOString(),
  };
}
