// Every endpoint of the people-and-teams half of /api, with who may call it, written by hand from
// the seeds' sentences (never derived from permissions/table.ts). The permission matrix replays
// each row for every persona; the cross-tenant test replays it with another tenant's ids.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { TeamRole, TenantRole, User } from '@gatehouse/domain';
import {
  makeTenant,
  signIn,
  uniqueSlug,
  type Browser,
  type TestGateway,
  type TestTenant,
} from './support/gateway.js';
import { actorOf, fingerprint, makeInvited, makeMember, setFlag, system } from './support/people.js';

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  json?: unknown;
}

// ---- team endpoints: allowed team roles, a tenant owner counting as team admin ----

/** What a row needs made in the team before the call. */
export type Need =
  | 'target'
  | 'newcomer'
  | 'credential'
  | 'ownCredential'
  | 'resource'
  | 'story'
  | 'stsStory'
  | 'case'
  | 'dashboard'
  | 'empty';

export interface TeamFixture {
  teamId: string;
  /** A viewer of the team the call acts on (role change, removal). */
  targetUserId: string;
  /** An account of the tenant not yet in the team (adding members). */
  newcomerEmail: string;
  credentialId: string;
  /** A credential the calling persona created (seed 002: domains "restricted to Team Admin or the credential creator"). */
  ownCredentialId: string;
  resourceId: string;
  /** Change-managed, with test changes waiting. */
  storyId: string;
  /** Send-to-story enabled. */
  stsStoryId: string;
  caseId: string;
  dashboardId: string;
}

export interface TeamEndpoint {
  name: string;
  /** The seed sentence the row comes from. */
  rule: string;
  needs: Need[];
  call: (f: TeamFixture) => Call;
  /** The success status. */
  status: 200 | 201 | 204;
  allowed: readonly TeamRole[];
}

const ADMIN = ['admin'] as const;
const EDITORS = ['admin', 'editor'] as const;
const READERS = ['admin', 'editor', 'viewer'] as const;
const EVERY_ROLE = ['admin', 'editor', 'viewer', 'case_manager', 'dashboard_manager'] as const;
const CASE_READERS = ['admin', 'editor', 'viewer', 'case_manager'] as const;
const CASE_WRITERS = ['admin', 'editor', 'case_manager'] as const;
const CASE_DELETERS = ['admin', 'case_manager'] as const;
const DASHBOARD_READERS = EVERY_ROLE;
const DASHBOARD_WRITERS = ['admin', 'editor', 'case_manager', 'dashboard_manager'] as const;

const VIEW =
  '002: "Team members will only be able to access the configuration items of teams that they are a part of"';
const ADMIN_MEMBERS = '002: Team Admin is for those "responsible to adding/removing users from a team"';
const READ =
  '002: Viewer has "read-only permission to most objects"; Case manager is kept from "stories, resources, credentials"';
const WRITE = '002: Editor has "read and write permissions to most objects on the team"';
const DESTRUCTIVE =
  '002: editors "cannot perform destructive actions … such as deleting stories, resources or credentials"';
const CASES =
  '002: Case manager "gives the user read-write permissions to cases" (cases on); editors delete no case';
const DASHBOARDS =
  '002: Dashboard manager "is inherited by Editors, and those with cases enabled also get" it';

const team = (f: TeamFixture) => `/api/teams/${f.teamId}`;

export const TEAM_ENDPOINTS: TeamEndpoint[] = [
  {
    name: 'GET /teams/:teamId',
    rule: VIEW,
    needs: [],
    call: (f) => ({ method: 'GET', path: team(f) }),
    status: 200,
    allowed: EVERY_ROLE,
  },
  {
    name: 'PATCH /teams/:teamId',
    rule: '002: Team Admin is for "admins or team managers"',
    needs: [],
    call: (f) => ({ method: 'PATCH', path: team(f), json: { name: uniqueSlug('renamed') } }),
    status: 200,
    allowed: ADMIN,
  },
  {
    name: 'DELETE /teams/:teamId',
    rule: '002: admins may "perform destructive actions on a team"',
    needs: ['empty'],
    call: (f) => ({ method: 'DELETE', path: team(f) }),
    status: 204,
    allowed: ADMIN,
  },
  {
    name: 'GET /teams/:teamId/members',
    rule: VIEW,
    needs: [],
    call: (f) => ({ method: 'GET', path: `${team(f)}/members` }),
    status: 200,
    allowed: EVERY_ROLE,
  },
  {
    name: 'POST /teams/:teamId/members',
    rule: ADMIN_MEMBERS,
    needs: ['newcomer'],
    call: (f) => ({
      method: 'POST',
      path: `${team(f)}/members`,
      json: { email: f.newcomerEmail, role: 'viewer' },
    }),
    status: 201,
    allowed: ADMIN,
  },
  {
    name: 'PUT /teams/:teamId/members/:userId',
    rule: '002: "A team admin can change the role of a user"',
    needs: ['target'],
    call: (f) => ({ method: 'PUT', path: `${team(f)}/members/${f.targetUserId}`, json: { role: 'editor' } }),
    status: 200,
    allowed: ADMIN,
  },
  {
    name: 'DELETE /teams/:teamId/members/:userId',
    rule: '002: "removed from a team at any point by any team administrator or a tenant owner"',
    needs: ['target'],
    call: (f) => ({ method: 'DELETE', path: `${team(f)}/members/${f.targetUserId}` }),
    status: 204,
    allowed: ADMIN,
  },
  // credentials
  {
    name: 'GET /teams/:teamId/credentials',
    rule: READ,
    needs: ['credential'],
    call: (f) => ({ method: 'GET', path: `${team(f)}/credentials` }),
    status: 200,
    allowed: READERS,
  },
  {
    name: 'POST /teams/:teamId/credentials',
    rule: WRITE,
    needs: [],
    call: (f) => ({
      method: 'POST',
      path: `${team(f)}/credentials`,
      json: { name: uniqueSlug('cred'), kind: 'text', secret: 's3cret' },
    }),
    status: 201,
    allowed: EDITORS,
  },
  {
    name: 'GET /teams/:teamId/credentials/:credentialId',
    rule: READ,
    needs: ['credential'],
    call: (f) => ({ method: 'GET', path: `${team(f)}/credentials/${f.credentialId}` }),
    status: 200,
    allowed: READERS,
  },
  {
    name: 'PATCH /teams/:teamId/credentials/:credentialId',
    rule: WRITE,
    needs: ['credential'],
    call: (f) => ({
      method: 'PATCH',
      path: `${team(f)}/credentials/${f.credentialId}`,
      json: { secret: 'rotated' },
    }),
    status: 200,
    allowed: EDITORS,
  },
  {
    name: 'PUT /teams/:teamId/credentials/:credentialId/domains (someone else’s)',
    rule: '002: Domains "changes are restricted to Team Admin or the credential creator"',
    needs: ['credential'],
    call: (f) => ({
      method: 'PUT',
      path: `${team(f)}/credentials/${f.credentialId}/domains`,
      json: { domains: ['api.example.com'] },
    }),
    status: 200,
    allowed: ADMIN,
  },
  {
    name: 'PUT /teams/:teamId/credentials/:credentialId/domains (the caller’s own)',
    rule: '002: Domains "changes are restricted to Team Admin or the credential creator"; viewers alter nothing',
    needs: ['ownCredential'],
    call: (f) => ({
      method: 'PUT',
      path: `${team(f)}/credentials/${f.ownCredentialId}/domains`,
      json: { domains: ['api.example.com'] },
    }),
    status: 200,
    allowed: EDITORS,
  },
  {
    name: 'PUT /teams/:teamId/credentials/:credentialId/access',
    rule: '002: Access "(control where the credential can be used): changes are restricted to Team Admin"',
    needs: ['credential'],
    call: (f) => ({
      method: 'PUT',
      path: `${team(f)}/credentials/${f.credentialId}/access`,
      json: { sharing: 'all_teams_and_drafts' },
    }),
    status: 200,
    allowed: ADMIN,
  },
  {
    name: 'DELETE /teams/:teamId/credentials/:credentialId',
    rule: DESTRUCTIVE,
    needs: ['credential'],
    call: (f) => ({ method: 'DELETE', path: `${team(f)}/credentials/${f.credentialId}` }),
    status: 204,
    allowed: ADMIN,
  },
  // resources
  {
    name: 'GET /teams/:teamId/resources',
    rule: READ,
    needs: ['resource'],
    call: (f) => ({ method: 'GET', path: `${team(f)}/resources` }),
    status: 200,
    allowed: READERS,
  },
  {
    name: 'POST /teams/:teamId/resources',
    rule: WRITE,
    needs: [],
    call: (f) => ({
      method: 'POST',
      path: `${team(f)}/resources`,
      json: { name: uniqueSlug('res'), value: 1 },
    }),
    status: 201,
    allowed: EDITORS,
  },
  {
    name: 'GET /teams/:teamId/resources/:resourceId',
    rule: READ,
    needs: ['resource'],
    call: (f) => ({ method: 'GET', path: `${team(f)}/resources/${f.resourceId}` }),
    status: 200,
    allowed: READERS,
  },
  {
    name: 'PATCH /teams/:teamId/resources/:resourceId',
    rule: WRITE,
    needs: ['resource'],
    call: (f) => ({ method: 'PATCH', path: `${team(f)}/resources/${f.resourceId}`, json: { value: 2 } }),
    status: 200,
    allowed: EDITORS,
  },
  {
    name: 'PUT /teams/:teamId/resources/:resourceId/access',
    rule: '002: resources are shared "by using the \'Access\' configuration options within the object"',
    needs: ['resource'],
    call: (f) => ({
      method: 'PUT',
      path: `${team(f)}/resources/${f.resourceId}/access`,
      json: { sharing: 'all_teams_and_drafts' },
    }),
    status: 200,
    allowed: EDITORS,
  },
  {
    name: 'DELETE /teams/:teamId/resources/:resourceId',
    rule: DESTRUCTIVE,
    needs: ['resource'],
    call: (f) => ({ method: 'DELETE', path: `${team(f)}/resources/${f.resourceId}` }),
    status: 204,
    allowed: ADMIN,
  },
  // stories
  {
    name: 'GET /teams/:teamId/stories',
    rule: READ,
    needs: ['story'],
    call: (f) => ({ method: 'GET', path: `${team(f)}/stories` }),
    status: 200,
    allowed: READERS,
  },
  {
    name: 'POST /teams/:teamId/stories',
    rule: '002: Editor suits users "who simply want to create, edit and run stories"',
    needs: [],
    call: (f) => ({ method: 'POST', path: `${team(f)}/stories`, json: { name: 'New story' } }),
    status: 201,
    allowed: EDITORS,
  },
  {
    name: 'GET /teams/:teamId/stories/:storyId',
    rule: READ,
    needs: ['story'],
    call: (f) => ({ method: 'GET', path: `${team(f)}/stories/${f.storyId}` }),
    status: 200,
    allowed: READERS,
  },
  {
    name: 'PATCH /teams/:teamId/stories/:storyId',
    rule: '002: Editor suits users "who simply want to create, edit and run stories"',
    needs: ['story'],
    call: (f) => ({
      method: 'PATCH',
      path: `${team(f)}/stories/${f.storyId}`,
      json: { definition: { v: 3 } },
    }),
    status: 200,
    allowed: EDITORS,
  },
  {
    name: 'POST /teams/:teamId/stories/:storyId/push-live',
    rule: '002: "pushing test changes to the live story (this action is reserved for team admins only)"',
    needs: ['story'],
    call: (f) => ({ method: 'POST', path: `${team(f)}/stories/${f.storyId}/push-live` }),
    status: 200,
    allowed: ADMIN,
  },
  {
    name: 'PUT /teams/:teamId/stories/:storyId/access',
    rule: '002: share a send-to-story story by "selecting teams from the Access section"',
    needs: ['stsStory'],
    call: (f) => ({
      method: 'PUT',
      path: `${team(f)}/stories/${f.stsStoryId}/access`,
      json: { sharing: 'all_teams_and_drafts' },
    }),
    status: 200,
    allowed: EDITORS,
  },
  {
    name: 'DELETE /teams/:teamId/stories/:storyId',
    rule: DESTRUCTIVE,
    needs: ['story'],
    call: (f) => ({ method: 'DELETE', path: `${team(f)}/stories/${f.storyId}` }),
    status: 204,
    allowed: ADMIN,
  },
  // cases
  {
    name: 'GET /teams/:teamId/cases',
    rule: CASES,
    needs: ['case'],
    call: (f) => ({ method: 'GET', path: `${team(f)}/cases` }),
    status: 200,
    allowed: CASE_READERS,
  },
  {
    name: 'POST /teams/:teamId/cases',
    rule: CASES,
    needs: [],
    call: (f) => ({ method: 'POST', path: `${team(f)}/cases`, json: { title: 'Suspicious login' } }),
    status: 201,
    allowed: CASE_WRITERS,
  },
  {
    name: 'GET /teams/:teamId/cases/:caseId',
    rule: CASES,
    needs: ['case'],
    call: (f) => ({ method: 'GET', path: `${team(f)}/cases/${f.caseId}` }),
    status: 200,
    allowed: CASE_READERS,
  },
  {
    name: 'PATCH /teams/:teamId/cases/:caseId',
    rule: CASES,
    needs: ['case'],
    call: (f) => ({ method: 'PATCH', path: `${team(f)}/cases/${f.caseId}`, json: { status: 'closed' } }),
    status: 200,
    allowed: CASE_WRITERS,
  },
  {
    name: 'DELETE /teams/:teamId/cases/:caseId',
    rule: CASES,
    needs: ['case'],
    call: (f) => ({ method: 'DELETE', path: `${team(f)}/cases/${f.caseId}` }),
    status: 204,
    allowed: CASE_DELETERS,
  },
  // dashboards
  {
    name: 'GET /teams/:teamId/dashboards',
    rule: DASHBOARDS,
    needs: ['dashboard'],
    call: (f) => ({ method: 'GET', path: `${team(f)}/dashboards` }),
    status: 200,
    allowed: DASHBOARD_READERS,
  },
  {
    name: 'POST /teams/:teamId/dashboards',
    rule: DASHBOARDS,
    needs: [],
    call: (f) => ({ method: 'POST', path: `${team(f)}/dashboards`, json: { name: 'Overview' } }),
    status: 201,
    allowed: DASHBOARD_WRITERS,
  },
  {
    name: 'GET /teams/:teamId/dashboards/:dashboardId',
    rule: DASHBOARDS,
    needs: ['dashboard'],
    call: (f) => ({ method: 'GET', path: `${team(f)}/dashboards/${f.dashboardId}` }),
    status: 200,
    allowed: DASHBOARD_READERS,
  },
  {
    name: 'PATCH /teams/:teamId/dashboards/:dashboardId',
    rule: DASHBOARDS,
    needs: ['dashboard'],
    call: (f) => ({
      method: 'PATCH',
      path: `${team(f)}/dashboards/${f.dashboardId}`,
      json: { elements: [{ a: 1 }] },
    }),
    status: 200,
    allowed: DASHBOARD_WRITERS,
  },
  {
    name: 'DELETE /teams/:teamId/dashboards/:dashboardId',
    rule: DASHBOARDS,
    needs: ['dashboard'],
    call: (f) => ({ method: 'DELETE', path: `${team(f)}/dashboards/${f.dashboardId}` }),
    status: 204,
    allowed: DASHBOARD_WRITERS,
  },
  // sharing
  {
    name: 'GET /teams/:teamId/shared',
    rule: '002: every role may "access objects … shared globally with all users"',
    needs: [],
    call: (f) => ({ method: 'GET', path: `${team(f)}/shared?type=credential` }),
    status: 200,
    allowed: EVERY_ROLE,
  },
];

/** Accounts every call of one persona may reuse: each call acts on a fresh team, so none is spent. */
export interface Cast {
  /** The fresh team's admin, so it never loses its last member. */
  anchor: User;
  /** A viewer of the team (role change, removal). */
  target: User;
  /** An account not in the team (adding members). */
  newcomer: User;
}

export async function makeCast(gw: TestGateway, t: TestTenant): Promise<Cast> {
  return {
    anchor: await makeMember(gw, t),
    target: await makeMember(gw, t),
    newcomer: await makeMember(gw, t),
  };
}

/**
 * Makes a team for one call: the cast's admin, the persona in `role` (none: not in the team), and
 * what the row needs.
 */
export async function makeTeamFixture(
  gw: TestGateway,
  t: TestTenant,
  cast: Cast,
  persona: { user: User; role: TeamRole | null },
  needs: readonly Need[],
): Promise<TeamFixture> {
  const sys = system(t);
  const teamId = (await gw.services.teams.create(sys, { name: uniqueSlug('team') })).id;
  const join = (user: User, role: TeamRole) =>
    gw.services.teams.addMember(sys, teamId, { email: user.email, role });
  await join(cast.anchor, 'admin');
  if (persona.role) await join(persona.user, persona.role);
  const has = (n: Need) => needs.includes(n);
  if (has('target')) await join(cast.target, 'viewer');
  const byAnchor = await actorOf(gw, cast.anchor);
  const unused = randomUUID();
  const f: TeamFixture = {
    teamId,
    targetUserId: has('target') ? cast.target.id : unused,
    newcomerEmail: has('newcomer') ? cast.newcomer.email : `${unused}@x.test`,
    credentialId: has('credential')
      ? (
          await gw.services.credentials.create(byAnchor, teamId, {
            name: uniqueSlug('c'),
            kind: 'text',
            secret: 's',
          })
        ).id
      : unused,
    ownCredentialId: unused,
    resourceId: has('resource')
      ? (await gw.services.resources.create(byAnchor, teamId, { name: uniqueSlug('r'), value: 0 })).id
      : unused,
    storyId: unused,
    stsStoryId: has('stsStory')
      ? (await gw.services.stories.create(byAnchor, { teamId }, { name: 'sts', sendToStoryEnabled: true })).id
      : unused,
    caseId: has('case') ? (await gw.services.cases.create(byAnchor, teamId, { title: 'c' })).id : unused,
    dashboardId: has('dashboard')
      ? (await gw.services.dashboards.create(byAnchor, teamId, { name: 'd' })).id
      : unused,
  };
  if (has('story')) {
    const story = await gw.services.stories.create(byAnchor, { teamId }, { name: 's', changeManaged: true });
    await gw.services.stories.update(byAnchor, { teamId }, story.id, { definition: { v: 2 } });
    f.storyId = story.id;
  }
  if (has('ownCredential')) {
    // made by the admin, then recorded as the persona's: a viewer could not have made it themself
    const own = await gw.services.credentials.create(byAnchor, teamId, {
      name: uniqueSlug('own'),
      kind: 'text',
      secret: 's',
    });
    await gw.db.transaction((tx) => tx.update('Credential', { id: own.id }, { createdBy: persona.user.id }));
    f.ownCredentialId = own.id;
  }
  return f;
}

// ---- tenant endpoints: expected status per tenant role ----

export interface TenantFixture {
  /** The account the call acts on. */
  targetId: string;
  teamIds: string[];
  /** The caller's own draft story. */
  draftId: string;
}

export interface TenantEndpoint {
  name: string;
  rule: string;
  setup: (gw: TestGateway, t: TestTenant, caller: User) => Promise<TenantFixture>;
  call: (f: TenantFixture) => Call;
  expected: Record<TenantRole, 200 | 201 | 204 | 403 | 404>;
}

const nothing = async (): Promise<TenantFixture> => ({
  targetId: randomUUID(),
  teamIds: [],
  draftId: randomUUID(),
});
const target =
  (tenantRole: TenantRole, state: 'active' | 'invited' | 'deactivated' = 'active') =>
  async (gw: TestGateway, t: TestTenant): Promise<TenantFixture> => {
    const user =
      state === 'invited' ? await makeInvited(gw, t, tenantRole) : await makeMember(gw, t, tenantRole);
    if (state === 'deactivated') await gw.services.users.deactivate(system(t), user.id);
    return { targetId: user.id, teamIds: [], draftId: randomUUID() };
  };
const self = async (_gw: TestGateway, _t: TestTenant, caller: User): Promise<TenantFixture> => ({
  targetId: caller.id,
  teamIds: [],
  draftId: randomUUID(),
});
const aTeam = async (gw: TestGateway, t: TestTenant): Promise<TenantFixture> => {
  const created = await gw.services.teams.create(system(t), { name: uniqueSlug('alloc') });
  return { targetId: randomUUID(), teamIds: [created.id], draftId: randomUUID() };
};
const aDraft = async (gw: TestGateway, _t: TestTenant, caller: User): Promise<TenantFixture> => {
  const actor = await actorOf(gw, caller);
  const draft = await gw.services.stories.create(actor, 'drafts', { name: 'Draft', changeManaged: true });
  await gw.services.stories.update(actor, 'drafts', draft.id, { definition: { v: 2 } });
  return { targetId: caller.id, teamIds: [], draftId: draft.id };
};

const MANAGE_MEMBERS = '001: managers "create and manage Tenant User accounts"; members manage none';
const ESCALATE = '001: escalate when "the target account is already a manager or owner"';
const ELEVATE = '001: managers "cannot assign or promote Tenant Owner", "cannot assign Tenant Manager"';
const DRAFTS = '002: everyone authors "stories in their drafts"';
const user = (f: TenantFixture) => `/api/users/${f.targetId}`;
const email = () => `${uniqueSlug('invitee')}@example.test`;

/** Allowed for owners and managers; a member does not see the account (404). */
const ON_MEMBERS = { owner: 200, manager: 200, member: 404 } as const;
/** Allowed for owners only; a member does not see the account (404). */
const ON_ELEVATED = { owner: 200, manager: 403, member: 404 } as const;

export const TENANT_ENDPOINTS: TenantEndpoint[] = [
  {
    name: 'GET /users',
    rule: '001: managers "open Management → Users"',
    setup: nothing,
    call: () => ({ method: 'GET', path: '/api/users' }),
    expected: { owner: 200, manager: 200, member: 403 },
  },
  {
    name: 'GET /users/:userId (a member)',
    rule: '000 "Monitoring access"; a member sees only themself',
    setup: target('member'),
    call: (f) => ({ method: 'GET', path: user(f) }),
    expected: ON_MEMBERS,
  },
  {
    name: 'GET /users/:userId (oneself)',
    rule: 'every account may see itself',
    setup: self,
    call: (f) => ({ method: 'GET', path: user(f) }),
    expected: { owner: 200, manager: 200, member: 200 },
  },
  {
    name: 'POST /users/invitations (member)',
    rule: '000 "Inviting new users"; 001 managers add "a standard tenant user"',
    setup: nothing,
    call: () => ({
      method: 'POST',
      path: '/api/users/invitations',
      json: { email: email(), tenantRole: 'member' },
    }),
    expected: { owner: 201, manager: 201, member: 403 },
  },
  {
    name: 'POST /users/invitations (manager)',
    rule: ELEVATE,
    setup: nothing,
    call: () => ({
      method: 'POST',
      path: '/api/users/invitations',
      json: { email: email(), tenantRole: 'manager' },
    }),
    expected: { owner: 201, manager: 403, member: 403 },
  },
  {
    name: 'POST /users/invitations (owner)',
    rule: ELEVATE,
    setup: nothing,
    call: () => ({
      method: 'POST',
      path: '/api/users/invitations',
      json: { email: email(), tenantRole: 'owner' },
    }),
    expected: { owner: 201, manager: 403, member: 403 },
  },
  {
    name: 'POST /users/:userId/invitation/resend (invited member)',
    rule: '001: managers help a tenant user who "misses a welcome email"',
    setup: target('member', 'invited'),
    call: (f) => ({ method: 'POST', path: `${user(f)}/invitation/resend` }),
    expected: ON_MEMBERS,
  },
  {
    name: 'POST /users/:userId/invitation/resend (invited manager)',
    rule: ESCALATE,
    setup: target('manager', 'invited'),
    call: (f) => ({ method: 'POST', path: `${user(f)}/invitation/resend` }),
    expected: ON_ELEVATED,
  },
  {
    name: 'DELETE /users/:userId/invitation (invited member)',
    rule: MANAGE_MEMBERS,
    setup: target('member', 'invited'),
    call: (f) => ({ method: 'DELETE', path: `${user(f)}/invitation` }),
    expected: { owner: 204, manager: 204, member: 404 },
  },
  {
    name: 'DELETE /users/:userId/invitation (invited manager)',
    rule: ESCALATE,
    setup: target('manager', 'invited'),
    call: (f) => ({ method: 'DELETE', path: `${user(f)}/invitation` }),
    expected: { owner: 204, manager: 403, member: 404 },
  },
  {
    name: 'PUT /users/:userId/role (member → manager)',
    rule: ELEVATE,
    setup: target('member'),
    call: (f) => ({ method: 'PUT', path: `${user(f)}/role`, json: { tenantRole: 'manager' } }),
    expected: ON_ELEVATED,
  },
  {
    name: 'PUT /users/:userId/role (member → owner)',
    rule: ELEVATE,
    setup: target('member'),
    call: (f) => ({ method: 'PUT', path: `${user(f)}/role`, json: { tenantRole: 'owner' } }),
    expected: ON_ELEVATED,
  },
  {
    name: 'PUT /users/:userId/role (manager → member)',
    rule: '001: escalate when a change "would create or remove elevated authority"',
    setup: target('manager'),
    call: (f) => ({ method: 'PUT', path: `${user(f)}/role`, json: { tenantRole: 'member' } }),
    expected: ON_ELEVATED,
  },
  {
    name: 'POST /users/:userId/deactivate (member)',
    rule: MANAGE_MEMBERS,
    setup: target('member'),
    call: (f) => ({ method: 'POST', path: `${user(f)}/deactivate` }),
    expected: ON_MEMBERS,
  },
  {
    name: 'POST /users/:userId/deactivate (manager)',
    rule: ESCALATE,
    setup: target('manager'),
    call: (f) => ({ method: 'POST', path: `${user(f)}/deactivate` }),
    expected: ON_ELEVATED,
  },
  {
    name: 'POST /users/:userId/deactivate (another owner)',
    rule: '001: managers "cannot manage owner accounts"',
    setup: target('owner'),
    call: (f) => ({ method: 'POST', path: `${user(f)}/deactivate` }),
    expected: ON_ELEVATED,
  },
  {
    name: 'POST /users/:userId/reactivate (member)',
    rule: MANAGE_MEMBERS,
    setup: target('member', 'deactivated'),
    call: (f) => ({ method: 'POST', path: `${user(f)}/reactivate` }),
    expected: ON_MEMBERS,
  },
  {
    name: 'POST /users/:userId/reactivate (manager)',
    rule: ESCALATE,
    setup: target('manager', 'deactivated'),
    call: (f) => ({ method: 'POST', path: `${user(f)}/reactivate` }),
    expected: ON_ELEVATED,
  },
  {
    name: 'DELETE /users/:userId (member)',
    rule: '000 "Removing users"; 001 managers only for Tenant Users',
    setup: target('member'),
    call: (f) => ({ method: 'DELETE', path: user(f) }),
    expected: { owner: 204, manager: 204, member: 404 },
  },
  {
    name: 'DELETE /users/:userId (manager)',
    rule: ESCALATE,
    setup: target('manager'),
    call: (f) => ({ method: 'DELETE', path: user(f) }),
    expected: { owner: 204, manager: 403, member: 404 },
  },
  {
    name: 'DELETE /users/:userId (another owner)',
    rule: '001: managers "cannot manage owner accounts"',
    setup: target('owner'),
    call: (f) => ({ method: 'DELETE', path: user(f) }),
    expected: { owner: 204, manager: 403, member: 404 },
  },
  {
    name: 'PATCH /users/:userId (member)',
    rule: MANAGE_MEMBERS,
    setup: target('member'),
    call: (f) => ({ method: 'PATCH', path: user(f), json: { displayName: 'Renamed' } }),
    expected: ON_MEMBERS,
  },
  {
    name: 'PATCH /users/:userId (manager)',
    rule: ESCALATE,
    setup: target('manager'),
    call: (f) => ({ method: 'PATCH', path: user(f), json: { displayName: 'Renamed' } }),
    expected: ON_ELEVATED,
  },
  {
    name: 'PATCH /users/:userId (oneself)',
    rule: 'a member changes no account, not even their own; a manager is not a plain member',
    setup: self,
    call: (f) => ({ method: 'PATCH', path: user(f), json: { displayName: 'Me' } }),
    expected: { owner: 200, manager: 403, member: 403 },
  },
  {
    name: 'POST /users/:userId/sessions/revoke (member)',
    rule: '001: managers act when "the change is operational and reversible" and the user is a Tenant User',
    setup: target('member'),
    call: (f) => ({ method: 'POST', path: `${user(f)}/sessions/revoke` }),
    expected: ON_MEMBERS,
  },
  {
    name: 'POST /users/:userId/sessions/revoke (manager)',
    rule: ESCALATE,
    setup: target('manager'),
    call: (f) => ({ method: 'POST', path: `${user(f)}/sessions/revoke` }),
    expected: ON_ELEVATED,
  },
  {
    name: 'POST /users/:userId/mfa/reset (member)',
    rule: '001: managers "reset MFA and password-help flows for eligible tenant users"',
    setup: target('member'),
    call: (f) => ({ method: 'POST', path: `${user(f)}/mfa/reset` }),
    expected: ON_MEMBERS,
  },
  {
    name: 'POST /users/:userId/mfa/reset (another owner)',
    rule: '001: managers "cannot manage owner accounts"',
    setup: target('owner'),
    call: (f) => ({ method: 'POST', path: `${user(f)}/mfa/reset` }),
    expected: ON_ELEVATED,
  },
  {
    name: 'POST /users/:userId/sign-in-link (member)',
    rule: '001: managers help a tenant user who "needs a new password-reset path"',
    setup: target('member'),
    call: (f) => ({ method: 'POST', path: `${user(f)}/sign-in-link` }),
    expected: ON_MEMBERS,
  },
  {
    name: 'POST /users/:userId/sign-in-link (manager)',
    rule: ESCALATE,
    setup: target('manager'),
    call: (f) => ({ method: 'POST', path: `${user(f)}/sign-in-link` }),
    expected: ON_ELEVATED,
  },
  {
    name: 'GET /teams',
    rule: '002: everyone lists the teams "they are a part of"',
    setup: nothing,
    call: () => ({ method: 'GET', path: '/api/teams' }),
    expected: { owner: 200, manager: 200, member: 200 },
  },
  {
    name: 'POST /teams',
    rule: '001: managers "manage managed-group governance"',
    setup: nothing,
    call: () => ({ method: 'POST', path: '/api/teams', json: { name: uniqueSlug('new-team') } }),
    expected: { owner: 201, manager: 201, member: 403 },
  },
  {
    name: 'GET /allocations',
    rule: '001: managers may look at, not edit, owner-only controls',
    setup: nothing,
    call: () => ({ method: 'GET', path: '/api/allocations' }),
    expected: { owner: 200, manager: 200, member: 403 },
  },
  {
    name: 'PUT /allocations',
    rule: '002: "the tenant owner can provision story limits by team"',
    setup: aTeam,
    call: (f) => ({ method: 'PUT', path: '/api/allocations', json: { teamIds: f.teamIds, maxStories: 4 } }),
    expected: { owner: 200, manager: 403, member: 403 },
  },
  {
    name: 'GET /me/drafts',
    rule: DRAFTS,
    setup: nothing,
    call: () => ({ method: 'GET', path: '/api/me/drafts' }),
    expected: { owner: 200, manager: 200, member: 200 },
  },
  {
    name: 'GET /me/drafts/shared',
    rule: '002: objects "shared globally with all users"',
    setup: nothing,
    call: () => ({ method: 'GET', path: '/api/me/drafts/shared?type=story' }),
    expected: { owner: 200, manager: 200, member: 200 },
  },
  {
    name: 'GET /me/drafts/stories',
    rule: DRAFTS,
    setup: aDraft,
    call: () => ({ method: 'GET', path: '/api/me/drafts/stories' }),
    expected: { owner: 200, manager: 200, member: 200 },
  },
  {
    name: 'POST /me/drafts/stories',
    rule: DRAFTS,
    setup: nothing,
    call: () => ({ method: 'POST', path: '/api/me/drafts/stories', json: { name: 'Idea' } }),
    expected: { owner: 201, manager: 201, member: 201 },
  },
  {
    name: 'GET /me/drafts/stories/:storyId',
    rule: DRAFTS,
    setup: aDraft,
    call: (f) => ({ method: 'GET', path: `/api/me/drafts/stories/${f.draftId}` }),
    expected: { owner: 200, manager: 200, member: 200 },
  },
  {
    name: 'PATCH /me/drafts/stories/:storyId',
    rule: DRAFTS,
    setup: aDraft,
    call: (f) => ({
      method: 'PATCH',
      path: `/api/me/drafts/stories/${f.draftId}`,
      json: { name: 'Better idea' },
    }),
    expected: { owner: 200, manager: 200, member: 200 },
  },
  {
    name: 'POST /me/drafts/stories/:storyId/push-live',
    rule: DRAFTS,
    setup: aDraft,
    call: (f) => ({ method: 'POST', path: `/api/me/drafts/stories/${f.draftId}/push-live` }),
    expected: { owner: 200, manager: 200, member: 200 },
  },
  {
    name: 'DELETE /me/drafts/stories/:storyId',
    rule: DRAFTS,
    setup: aDraft,
    call: (f) => ({ method: 'DELETE', path: `/api/me/drafts/stories/${f.draftId}` }),
    expected: { owner: 204, manager: 204, member: 204 },
  },
];

// ---- the harness both matrix files share ----

export const MATRIX_TENANT_ROLES: TenantRole[] = ['owner', 'manager', 'member'];
export const MATRIX_TEAM_ROLES: Array<TeamRole | null> = [
  'admin',
  'editor',
  'viewer',
  'case_manager',
  'dashboard_manager',
  null,
];
export const PERSONAS = MATRIX_TENANT_ROLES.flatMap((tenantRole) =>
  MATRIX_TEAM_ROLES.map((teamRole) => ({ tenantRole, teamRole })),
);

export interface Persona {
  t: TestTenant;
  user: User;
  browser: Browser;
  cast: Cast;
}

/** One tenant per persona (cases on), so each call's fingerprint covers only its own tenant. */
export function personas(
  gw: () => TestGateway,
): (tenantRole: TenantRole, teamRole: TeamRole | null) => Promise<Persona> {
  const made = new Map<string, Promise<Persona>>();
  return (tenantRole, teamRole) => {
    const key = `${tenantRole}/${teamRole}`;
    let p = made.get(key);
    if (!p) {
      p = (async () => {
        const t = await makeTenant(gw());
        await setFlag(gw(), t, 'cases', true);
        const user = tenantRole === 'owner' ? t.owner : await makeMember(gw(), t, tenantRole);
        const cast = await makeCast(gw(), t);
        // the persona's team role, in a team of its own; each call makes the teams it acts on
        if (teamRole) await makeTeamFixture(gw(), t, cast, { user, role: teamRole }, []);
        return { t, user, browser: await signIn(gw(), user), cast };
      })();
      made.set(key, p);
    }
    return p;
  };
}

/**
 * Makes the call and checks its status; a refused call must write nothing (and a 403 names who
 * may), an allowed write must change something, a read nothing.
 */
export async function callAndCheck(
  gw: TestGateway,
  p: Persona,
  call: Call,
  expected: number,
  allowedStatus: number,
): Promise<void> {
  const before = await fingerprint(gw, p.t.tenant.id);
  const res = await p.browser.fetch(call.path, {
    method: call.method,
    ...(call.json !== undefined ? { json: call.json } : {}),
  });
  const body = await res.text();
  expect(res.status, body).toBe(expected);
  const after = await fingerprint(gw, p.t.tenant.id);
  if (expected !== allowedStatus) {
    expect(after, 'a refused call writes nothing').toBe(before);
    const { error } = JSON.parse(body) as { error: { code: string; message: string } };
    if (expected === 403) expect(error.message).toMatch(/^Requires /);
  } else if (call.method !== 'GET') {
    expect(after, 'an allowed write changes something').not.toBe(before);
  } else {
    expect(after, 'a read writes nothing').toBe(before);
  }
}
