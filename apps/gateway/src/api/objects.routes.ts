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
  CaseRecord,
  CredentialRecord,
  DashboardRecord,
  Page,
  ResourceRecord,
  Services,
  SharedObjectEntry,
  StoryRecord,
} from '@gatehouse/domain';
import { defineRoute, type Route } from '../http/define-route.js';

const TAG = 'team objects';

/** A service page mapped item by item. */
export const mapPage = <R, T>(page: Page<R>, map: (r: R) => T) => ({
  items: page.items.map(map),
  nextCursor: page.nextCursor,
});

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

function credentialRoutes(services: Services): Route[] {
  const credentials = services.credentials;
  const base = '/teams/:teamId/credentials';
  return [
    defineRoute(
      {
        method: 'get',
        path: base,
        tag: TAG,
        summary: 'A team’s credentials (never their secrets)',
        params: TeamIdParams,
        query: ListObjectsQuery,
        response: CredentialList,
      },
      async ({ actor, params, query }) =>
        mapPage(await credentials.list(actor, params.teamId, query), toCredential),
    ),
    defineRoute(
      {
        method: 'post',
        path: base,
        tag: TAG,
        summary: 'Create a credential (its name is unique across the tenant; the secret is stored sealed)',
        params: TeamIdParams,
        body: CreateCredentialInput,
        response: CredentialView,
        status: 201,
      },
      async ({ actor, params, body }) => toCredential(await credentials.create(actor, params.teamId, body)),
    ),
    defineRoute(
      {
        method: 'get',
        path: `${base}/:credentialId`,
        tag: TAG,
        summary: 'One credential (never its secret)',
        params: CredentialParams,
        response: CredentialView,
      },
      async ({ actor, params }) =>
        toCredential(await credentials.get(actor, params.teamId, params.credentialId)),
    ),
    defineRoute(
      {
        method: 'patch',
        path: `${base}/:credentialId`,
        tag: TAG,
        summary: 'Rename a credential, change its kind or replace its secret',
        params: CredentialParams,
        body: UpdateCredentialInput,
        response: CredentialView,
      },
      async ({ actor, params, body }) =>
        toCredential(await credentials.update(actor, params.teamId, params.credentialId, body)),
    ),
    defineRoute(
      {
        method: 'put',
        path: `${base}/:credentialId/domains`,
        tag: TAG,
        summary: 'Set the domains, URL paths or hosts the credential may be sent to (team admin or creator)',
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
    defineRoute(
      {
        method: 'delete',
        path: `${base}/:credentialId`,
        tag: TAG,
        summary: 'Delete a credential (team admin)',
        params: CredentialParams,
        status: 204,
      },
      async ({ actor, params }) => {
        await credentials.delete(actor, params.teamId, params.credentialId);
        return undefined;
      },
    ),
  ];
}

function resourceRoutes(services: Services): Route[] {
  const resources = services.resources;
  const base = '/teams/:teamId/resources';
  return [
    defineRoute(
      {
        method: 'get',
        path: base,
        tag: TAG,
        summary: 'A team’s resources',
        params: TeamIdParams,
        query: ListObjectsQuery,
        response: ResourceList,
      },
      async ({ actor, params, query }) =>
        mapPage(await resources.list(actor, params.teamId, query), toResource),
    ),
    defineRoute(
      {
        method: 'post',
        path: base,
        tag: TAG,
        summary: 'Create a resource (its name is unique across the tenant)',
        params: TeamIdParams,
        body: CreateResourceInput,
        response: ResourceView,
        status: 201,
      },
      async ({ actor, params, body }) => toResource(await resources.create(actor, params.teamId, body)),
    ),
    defineRoute(
      {
        method: 'get',
        path: `${base}/:resourceId`,
        tag: TAG,
        summary: 'One resource',
        params: ResourceParams,
        response: ResourceView,
      },
      async ({ actor, params }) => toResource(await resources.get(actor, params.teamId, params.resourceId)),
    ),
    defineRoute(
      {
        method: 'patch',
        path: `${base}/:resourceId`,
        tag: TAG,
        summary: 'Rename a resource or change its value',
        params: ResourceParams,
        body: UpdateResourceInput,
        response: ResourceView,
      },
      async ({ actor, params, body }) =>
        toResource(await resources.update(actor, params.teamId, params.resourceId, body)),
    ),
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
    defineRoute(
      {
        method: 'delete',
        path: `${base}/:resourceId`,
        tag: TAG,
        summary: 'Delete a resource (team admin)',
        params: ResourceParams,
        status: 204,
      },
      async ({ actor, params }) => {
        await resources.delete(actor, params.teamId, params.resourceId);
        return undefined;
      },
    ),
  ];
}

function storyRoutes(services: Services): Route[] {
  const stories = services.stories;
  const base = '/teams/:teamId/stories';
  const inTeam = (teamId: string) => ({ teamId });
  return [
    defineRoute(
      {
        method: 'get',
        path: base,
        tag: TAG,
        summary: 'A team’s stories',
        params: TeamIdParams,
        query: ListObjectsQuery,
        response: StoryList,
      },
      async ({ actor, params, query }) =>
        mapPage(await stories.list(actor, inTeam(params.teamId), query), toStory),
    ),
    defineRoute(
      {
        method: 'post',
        path: base,
        tag: TAG,
        summary: 'Create a story (refused at the team’s story allocation)',
        params: TeamIdParams,
        body: CreateStoryInput,
        response: StoryView,
        status: 201,
      },
      async ({ actor, params, body }) => toStory(await stories.create(actor, inTeam(params.teamId), body)),
    ),
    defineRoute(
      {
        method: 'get',
        path: `${base}/:storyId`,
        tag: TAG,
        summary: 'One story with its live and test versions',
        params: StoryParams,
        response: StoryView,
      },
      async ({ actor, params }) => toStory(await stories.get(actor, inTeam(params.teamId), params.storyId)),
    ),
    defineRoute(
      {
        method: 'patch',
        path: `${base}/:storyId`,
        tag: TAG,
        summary: 'Edit a story (a change-managed story’s edits go to its test version)',
        params: StoryParams,
        body: UpdateStoryInput,
        response: StoryView,
      },
      async ({ actor, params, body }) =>
        toStory(await stories.update(actor, inTeam(params.teamId), params.storyId, body)),
    ),
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
    defineRoute(
      {
        method: 'delete',
        path: `${base}/:storyId`,
        tag: TAG,
        summary: 'Delete a story (team admin)',
        params: StoryParams,
        status: 204,
      },
      async ({ actor, params }) => {
        await stories.delete(actor, inTeam(params.teamId), params.storyId);
        return undefined;
      },
    ),
  ];
}

function caseRoutes(services: Services): Route[] {
  const cases = services.cases;
  const base = '/teams/:teamId/cases';
  return [
    defineRoute(
      {
        method: 'get',
        path: base,
        tag: TAG,
        summary: 'A team’s cases',
        params: TeamIdParams,
        query: ListObjectsQuery,
        response: CaseList,
      },
      async ({ actor, params, query }) => mapPage(await cases.list(actor, params.teamId, query), toCase),
    ),
    defineRoute(
      {
        method: 'post',
        path: base,
        tag: TAG,
        summary: 'Open a case',
        params: TeamIdParams,
        body: CreateCaseInput,
        response: CaseView,
        status: 201,
      },
      async ({ actor, params, body }) => toCase(await cases.create(actor, params.teamId, body)),
    ),
    defineRoute(
      {
        method: 'get',
        path: `${base}/:caseId`,
        tag: TAG,
        summary: 'One case',
        params: CaseParams,
        response: CaseView,
      },
      async ({ actor, params }) => toCase(await cases.get(actor, params.teamId, params.caseId)),
    ),
    defineRoute(
      {
        method: 'patch',
        path: `${base}/:caseId`,
        tag: TAG,
        summary: 'Edit a case’s title or status',
        params: CaseParams,
        body: UpdateCaseInput,
        response: CaseView,
      },
      async ({ actor, params, body }) =>
        toCase(await cases.update(actor, params.teamId, params.caseId, body)),
    ),
    defineRoute(
      {
        method: 'delete',
        path: `${base}/:caseId`,
        tag: TAG,
        summary: 'Delete a case',
        params: CaseParams,
        status: 204,
      },
      async ({ actor, params }) => {
        await cases.delete(actor, params.teamId, params.caseId);
        return undefined;
      },
    ),
  ];
}

function dashboardRoutes(services: Services): Route[] {
  const dashboards = services.dashboards;
  const base = '/teams/:teamId/dashboards';
  return [
    defineRoute(
      {
        method: 'get',
        path: base,
        tag: TAG,
        summary: 'A team’s dashboards',
        params: TeamIdParams,
        query: ListObjectsQuery,
        response: DashboardList,
      },
      async ({ actor, params, query }) =>
        mapPage(await dashboards.list(actor, params.teamId, query), toDashboard),
    ),
    defineRoute(
      {
        method: 'post',
        path: base,
        tag: TAG,
        summary: 'Create a dashboard',
        params: TeamIdParams,
        body: CreateDashboardInput,
        response: DashboardView,
        status: 201,
      },
      async ({ actor, params, body }) => toDashboard(await dashboards.create(actor, params.teamId, body)),
    ),
    defineRoute(
      {
        method: 'get',
        path: `${base}/:dashboardId`,
        tag: TAG,
        summary: 'One dashboard with its elements',
        params: DashboardParams,
        response: DashboardView,
      },
      async ({ actor, params }) =>
        toDashboard(await dashboards.get(actor, params.teamId, params.dashboardId)),
    ),
    defineRoute(
      {
        method: 'patch',
        path: `${base}/:dashboardId`,
        tag: TAG,
        summary: 'Rename a dashboard or replace its elements',
        params: DashboardParams,
        body: UpdateDashboardInput,
        response: DashboardView,
      },
      async ({ actor, params, body }) =>
        toDashboard(await dashboards.update(actor, params.teamId, params.dashboardId, body)),
    ),
    defineRoute(
      {
        method: 'delete',
        path: `${base}/:dashboardId`,
        tag: TAG,
        summary: 'Delete a dashboard',
        params: DashboardParams,
        status: 204,
      },
      async ({ actor, params }) => {
        await dashboards.delete(actor, params.teamId, params.dashboardId);
        return undefined;
      },
    ),
  ];
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
