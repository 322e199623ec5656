// Every security, configuration and monitoring endpoint with every tenant role and team role, written
// by hand from the seeds (never generated from the table): owner-only policy answers "Requires tenant
// owner." to everyone else (001: managers "cannot edit owner-only tenant policy controls"); the
// observability and read-only settings views admit owners and managers (001: managers "review tenant
// observability") and tell everyone else "Requires tenant owner or manager."; team roles add nothing at
// tenant level. Then every endpoint that takes an id, with another tenant's ids: 404, nothing changed.
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CreatedApiKey,
  CreatedScimToken,
  GroupMappingView,
  SsoConnectionView,
} from '@gatehouse/domain/contracts';
import {
  makeTenant,
  makeUser,
  signIn,
  startTestGateway,
  uniqueSlug,
  type TestGateway,
  type TestTenant,
} from './support/gateway.js';
import { makeTeam, system } from './support/people.js';
import {
  countRows,
  json,
  makeGroup,
  makePersonas,
  PERSONAS,
  type ApiError,
  type PersonaName,
  type Personas,
} from './support/security.js';

type Who = 'owner-only' | 'owner-or-manager';

interface Ids {
  tokenId: string;
  mappingId: string;
  connectionId: string;
  keyId: string;
  eventId: string;
  groupId: string;
  teamId: string;
}

interface Endpoint {
  who: Who;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: (ids: Ids) => string;
  body?: (ids: Ids) => unknown;
  /** What the owner gets. */
  ok: number;
}

const OWNER_ONLY_TABLE: Endpoint[] = [
  { who: 'owner-only', method: 'GET', path: () => '/api/scim/tokens', ok: 200 },
  { who: 'owner-only', method: 'POST', path: () => '/api/scim/tokens', body: () => ({ name: 'x' }), ok: 201 },
  {
    who: 'owner-only',
    method: 'POST',
    path: () => '/api/scim/group-mappings/dry-run',
    body: (ids) => ({ add: { groupId: ids.groupId, target: 'tenant_role', tenantRole: 'manager' } }),
    ok: 200,
  },
  {
    who: 'owner-only',
    method: 'POST',
    path: () => '/api/scim/group-mappings',
    body: (ids) => ({ groupId: ids.groupId, target: 'team', teamId: ids.teamId, teamRole: 'viewer' }),
    ok: 201,
  },
  {
    who: 'owner-only',
    method: 'POST',
    path: () => '/api/sso/connections',
    body: () => ({
      issuer: 'https://idp.example',
      clientId: 'c',
      clientSecret: 's',
      domains: [`${uniqueSlug('m')}.example`],
    }),
    ok: 201,
  },
  {
    who: 'owner-only',
    method: 'POST',
    path: () => '/api/sso/test',
    body: () => ({ issuer: 'http://127.0.0.1:9' }),
    ok: 200,
  },
  {
    who: 'owner-only',
    method: 'PATCH',
    path: (ids) => `/api/sso/connections/${ids.connectionId}`,
    body: () => ({ name: 'n' }),
    ok: 200,
  },
  {
    who: 'owner-only',
    method: 'POST',
    path: (ids) => `/api/sso/connections/${ids.connectionId}/test`,
    ok: 200,
  },
  {
    who: 'owner-only',
    method: 'PUT',
    path: () => '/api/settings/auth-methods',
    body: () => ({ authMethods: ['email', 'sso'], ssoRequired: false, requireOwnerMfa: false }),
    ok: 200,
  },
  {
    who: 'owner-only',
    method: 'PUT',
    path: () => '/api/settings/session-policy',
    body: () => ({ mode: 'idle', minutes: 600 }),
    ok: 200,
  },
  {
    who: 'owner-only',
    method: 'PUT',
    path: () => '/api/settings/ip-allowlist',
    body: () => ({ entries: [] }),
    ok: 200,
  },
  {
    who: 'owner-only',
    method: 'PUT',
    path: () => '/api/settings/feature-flags',
    body: () => ({ flags: { cases: true } }),
    ok: 200,
  },
  {
    who: 'owner-only',
    method: 'PUT',
    path: () => '/api/settings/ai-providers',
    body: () => ({ providers: [] }),
    ok: 200,
  },
  {
    who: 'owner-only',
    method: 'PUT',
    path: () => '/api/settings/branding',
    body: () => ({ senderEmail: null, senderName: null, loginNotice: 'hello' }),
    ok: 200,
  },
  {
    who: 'owner-only',
    method: 'PUT',
    path: () => '/api/settings/usage-limit',
    body: () => ({ monthlyEventLimit: 10 }),
    ok: 200,
  },
  {
    who: 'owner-only',
    method: 'PUT',
    path: () => '/api/settings/integrations/audit-webhook',
    body: () => ({ url: 'http://127.0.0.1:9/hook', enabled: false }),
    ok: 200,
  },
  { who: 'owner-only', method: 'POST', path: () => '/api/settings/integrations/audit-webhook/test', ok: 200 },
  { who: 'owner-only', method: 'PUT', path: () => '/api/egress/rules', body: () => ({ rules: [] }), ok: 200 },
  { who: 'owner-only', method: 'GET', path: () => '/api/audit-events/verify', ok: 200 },
  { who: 'owner-only', method: 'GET', path: () => '/api/usage/keys', ok: 200 },
  { who: 'owner-only', method: 'POST', path: () => '/api/usage/keys', body: () => ({ name: 'k' }), ok: 201 },
  // deletions last, so the ids above stay valid
  { who: 'owner-only', method: 'DELETE', path: (ids) => `/api/scim/tokens/${ids.tokenId}`, ok: 204 },
  {
    who: 'owner-only',
    method: 'DELETE',
    path: (ids) => `/api/scim/group-mappings/${ids.mappingId}`,
    ok: 204,
  },
  { who: 'owner-only', method: 'DELETE', path: (ids) => `/api/sso/connections/${ids.connectionId}`, ok: 204 },
  { who: 'owner-only', method: 'DELETE', path: (ids) => `/api/usage/keys/${ids.keyId}`, ok: 204 },
];

const OBSERVER_TABLE: Endpoint[] = [
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/scim/group-mappings', ok: 200 },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/scim/provisioning-log', ok: 200 },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/sso/connections', ok: 200 },
  {
    who: 'owner-or-manager',
    method: 'GET',
    path: (ids) => `/api/sso/connections/${ids.connectionId}`,
    ok: 200,
  },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/settings/auth-methods', ok: 200 },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/settings/session-policy', ok: 200 },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/settings/ip-allowlist', ok: 200 },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/settings/feature-flags', ok: 200 },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/settings/ai-providers', ok: 200 },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/settings/branding', ok: 200 },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/settings/integrations/audit-webhook', ok: 200 },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/egress/rules', ok: 200 },
  {
    who: 'owner-or-manager',
    method: 'POST',
    path: () => '/api/egress/check',
    body: () => ({ url: 'https://a.example/' }),
    ok: 200,
  },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/audit-events', ok: 200 },
  { who: 'owner-or-manager', method: 'GET', path: (ids) => `/api/audit-events/${ids.eventId}`, ok: 200 },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/audit-events/export?format=ndjson', ok: 200 },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/usage?month=2026-01', ok: 200 },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/sign-ins', ok: 200 },
  { who: 'owner-or-manager', method: 'GET', path: () => '/api/sign-ins/export', ok: 200 },
  {
    who: 'owner-or-manager',
    method: 'GET',
    path: () => '/api/sign-ins/per-day?from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:00Z',
    ok: 200,
  },
];

/** What each persona gets, by the seeds: owners everything, managers observability, the rest nothing. */
function expected(persona: PersonaName, endpoint: Endpoint): { status: number; message?: string } {
  if (persona === 'owner') return { status: endpoint.ok };
  if (endpoint.who === 'owner-only') return { status: 403, message: 'Requires tenant owner.' };
  if (persona === 'manager') return { status: endpoint.ok };
  return { status: 403, message: 'Requires tenant owner or manager.' };
}

async function fixtureIds(gw: TestGateway, t: TestTenant): Promise<Ids> {
  const owner = await signIn(gw, t.owner);
  const team = await makeTeam(gw, t);
  const group = await makeGroup(gw, t, [await makeUser(gw, t)]);
  const token = await json<CreatedScimToken>(
    await owner.fetch('/api/scim/tokens', { method: 'POST', json: { name: 'f' } }),
  );
  const mapping = await json<GroupMappingView>(
    await owner.fetch('/api/scim/group-mappings', {
      method: 'POST',
      json: { groupId: group.id, target: 'team', teamId: team.id, teamRole: 'editor' },
    }),
  );
  const connection = await json<SsoConnectionView>(
    await owner.fetch('/api/sso/connections', {
      method: 'POST',
      json: {
        issuer: 'https://idp.example',
        clientId: 'c',
        clientSecret: 's',
        domains: [`${uniqueSlug('f')}.example`],
      },
    }),
  );
  const key = await json<CreatedApiKey>(
    await owner.fetch('/api/usage/keys', { method: 'POST', json: { name: 'f' } }),
  );
  const events = await json<{ items: Array<{ id: string }> }>(
    await owner.fetch('/api/audit-events?limit=1&action=team.created'),
  );
  return {
    tokenId: token.item.id,
    mappingId: mapping.id,
    connectionId: connection.id,
    keyId: key.item.id,
    eventId: events.items[0]?.id ?? '',
    groupId: group.id,
    teamId: team.id,
  };
}

describe.each(DATABASES)('security, configuration and monitoring permissions on $name', (target) => {
  let gw: TestGateway;
  let t: TestTenant;
  let personas: Personas;
  let ids: Ids;
  beforeAll(async () => {
    gw = await startTestGateway(target);
    t = await makeTenant(gw);
    personas = await makePersonas(gw, t);
    ids = await fixtureIds(gw, t);
    console.info(`security permission matrix runs on ${gw.label}`);
  });
  afterAll(() => gw.close());

  // the owner goes last: its deletions must not pull the ids from under the other personas
  const order: PersonaName[] = [...PERSONAS.filter((p) => p !== 'owner'), 'owner'];
  const rows = order.flatMap((persona) =>
    [...OBSERVER_TABLE, ...OWNER_ONLY_TABLE].map(
      (endpoint) =>
        [persona, endpoint.method, endpoint.path({} as Ids).replace(/undefined/g, ':id'), endpoint] as const,
    ),
  );

  it.each(rows)('%s: %s %s', async (persona, _method, _path, endpoint) => {
    const browser = personas[persona];
    const res = await browser.fetch(endpoint.path(ids), {
      method: endpoint.method,
      ...(endpoint.body ? { json: endpoint.body(ids) } : {}),
    });
    const want = expected(persona, endpoint);
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(want.status);
    if (want.message) expect((JSON.parse(text) as ApiError).error.message).toBe(want.message);
  });
});

describe.each(DATABASES)('another tenant’s ids on $name', (target) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(target);
  });
  afterAll(() => gw.close());

  const TABLES = [
    'scim_tokens',
    'group_mappings',
    'team_memberships',
    'sso_connections',
    'sso_domains',
    'api_keys',
    'audit_events',
  ];

  it('every endpoint that takes an id answers 404 for another tenant’s, and nothing of theirs changes', async () => {
    const mine = await makeTenant(gw);
    const theirs = await makeTenant(gw);
    const their = await fixtureIds(gw, theirs);
    const owner = await signIn(gw, mine.owner);
    const myTeam = await makeTeam(gw, mine);
    const myGroup = await makeGroup(gw, mine, [await makeUser(gw, mine)]);
    const counts = async () => Promise.all(TABLES.map((table) => countRows(gw, table, theirs.tenant.id)));
    const before = await counts();

    const attempts: Array<[string, string, unknown?]> = [
      ['DELETE', `/api/scim/tokens/${their.tokenId}`],
      ['DELETE', `/api/scim/group-mappings/${their.mappingId}`],
      ['POST', '/api/scim/group-mappings/dry-run', { remove: their.mappingId }],
      [
        'POST',
        '/api/scim/group-mappings',
        { groupId: their.groupId, target: 'tenant_role', tenantRole: 'manager' },
      ],
      [
        'POST',
        '/api/scim/group-mappings',
        { groupId: myGroup.id, target: 'team', teamId: their.teamId, teamRole: 'admin' },
      ],
      ['GET', `/api/sso/connections/${their.connectionId}`],
      ['PATCH', `/api/sso/connections/${their.connectionId}`, { name: 'taken over' }],
      ['POST', `/api/sso/connections/${their.connectionId}/test`],
      ['DELETE', `/api/sso/connections/${their.connectionId}`],
      ['GET', `/api/audit-events/${their.eventId}`],
      ['DELETE', `/api/usage/keys/${their.keyId}`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await owner.fetch(path, { method, ...(body ? { json: body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect(await counts()).toEqual(before);
    expect(myTeam.id).toBeTruthy();
    // and their rows are still theirs to use
    const theirOwner = await signIn(gw, theirs.owner);
    expect((await theirOwner.fetch(`/api/sso/connections/${their.connectionId}`)).status).toBe(200);
    expect(await gw.services.scimTokens.list(system(theirs))).toHaveLength(1);
  });
});
