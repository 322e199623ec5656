// Hostile input through HTTP, on both databases: another tenant's ids (always 404, nothing changes
// in either tenant), unknown ids, malformed JSON, wrong types and oversized bodies — each a 4xx
// with no write.
import { randomUUID } from 'node:crypto';
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTenant,
  signIn,
  startTestGateway,
  type Browser,
  type TestGateway,
  type TestTenant,
} from './support/gateway.js';
import { actorOf, fingerprint, setFlag } from './support/people.js';
import {
  TEAM_ENDPOINTS,
  TENANT_ENDPOINTS,
  makeCast,
  makeTeamFixture,
  type Call,
  type Cast,
  type TeamFixture,
} from './permission-matrix.endpoints.js';

interface ApiError {
  error: { code: string; message: string };
}

/** Stand-in ids, for telling at collection time which calls carry a body. */
const SAMPLE_TEAM: TeamFixture = {
  teamId: 'x',
  targetUserId: 'x',
  newcomerEmail: 'x',
  credentialId: 'x',
  ownCredentialId: 'x',
  resourceId: 'x',
  storyId: 'x',
  stsStoryId: 'x',
  caseId: 'x',
  dashboardId: 'x',
};

const send = (b: Browser, call: Call) =>
  b.fetch(call.path, { method: call.method, ...(call.json !== undefined ? { json: call.json } : {}) });

describe.each(DATABASES)('hostile input on $name', (target) => {
  let gw: TestGateway;
  /** The caller: tenant A's owner, with cases and custom object sharing on. */
  let home: { t: TestTenant; owner: Browser; cast: Cast; fixture: TeamFixture };
  /** Tenant B, whose ids tenant A's owner tries. */
  let away: { t: TestTenant; cast: Cast };
  beforeAll(async () => {
    gw = await startTestGateway(target);
    console.info(`hostile input tests run on ${gw.label}`);
    const a = await makeTenant(gw);
    const b = await makeTenant(gw);
    for (const t of [a, b]) {
      await setFlag(gw, t, 'cases', true);
      await setFlag(gw, t, 'custom_object_sharing', true);
    }
    const cast = await makeCast(gw, a);
    home = {
      t: a,
      owner: await signIn(gw, a.owner),
      cast,
      fixture: await makeTeamFixture(gw, a, cast, { user: a.owner, role: null }, ['credential']),
    };
    away = { t: b, cast: await makeCast(gw, b) };
  });
  afterAll(() => gw.close());

  /** Both tenants' rows, for "nothing changed in either". */
  const bothTenants = async () =>
    `${await fingerprint(gw, home.t.tenant.id)}:${await fingerprint(gw, away.t.tenant.id)}`;

  async function expectNotFoundAndNoWrite(call: Call): Promise<void> {
    const before = await bothTenants();
    const res = await send(home.owner, call);
    const body = await res.text();
    expect(res.status, `${call.method} ${call.path}: ${body}`).toBe(404);
    expect((JSON.parse(body) as ApiError).error.code).toMatch(/not_found$/);
    expect(await bothTenants()).toBe(before);
  }

  describe("another tenant's ids are not found, and nothing changes in either tenant", () => {
    it.each(TEAM_ENDPOINTS)('$name with the other tenant’s team and objects', async (endpoint) => {
      const fixture = await makeTeamFixture(gw, away.t, away.cast, { user: away.t.owner, role: null }, [
        ...endpoint.needs.filter((n) => n !== 'empty'),
        'target',
        'newcomer',
      ]);
      await expectNotFoundAndNoWrite(endpoint.call(fixture));
    });

    // rows that name no id (lists, creates) have nothing to try here
    const sentinel = { targetId: 'sentinel-account', teamIds: ['sentinel-team'], draftId: 'sentinel-draft' };
    const namingIds = TENANT_ENDPOINTS.filter((e) => /sentinel-/.test(JSON.stringify(e.call(sentinel))));
    it.each(namingIds)('$name with the other tenant’s ids', async (endpoint) => {
      const fixture = await endpoint.setup(gw, away.t, away.t.owner);
      await expectNotFoundAndNoWrite(endpoint.call(fixture));
    });

    it.each<[string, (awayTeamId: string) => Call]>([
      [
        'GET /users filtered by the other tenant’s team',
        (id) => ({ method: 'GET', path: `/api/users?teamId=${id}` }),
      ],
      [
        'POST /users/invitations onto the other tenant’s team',
        (id) => ({
          method: 'POST',
          path: '/api/users/invitations',
          json: { email: `${randomUUID()}@x.test`, teams: [{ teamId: id, role: 'viewer' }] },
        }),
      ],
      [
        'PUT …/credentials/:credentialId/access sharing with the other tenant’s team',
        (id) => ({
          method: 'PUT',
          path: `/api/teams/${home.fixture.teamId}/credentials/${home.fixture.credentialId}/access`,
          json: { sharing: 'selected_teams', teamIds: [id] },
        }),
      ],
      [
        'POST …/resources shared with the other tenant’s team',
        (id) => ({
          method: 'POST',
          path: `/api/teams/${home.fixture.teamId}/resources`,
          json: { name: randomUUID(), value: 1, access: { sharing: 'selected_teams', teamIds: [id] } },
        }),
      ],
      [
        'PUT /allocations for the other tenant’s team',
        (id) => ({ method: 'PUT', path: '/api/allocations', json: { teamIds: [id], maxStories: 1 } }),
      ],
    ])('%s', async (_name, call) => {
      const awayTeam = await gw.services.teams.create(await actorOf(gw, away.t.owner), {
        name: randomUUID(),
      });
      await expectNotFoundAndNoWrite(call(awayTeam.id));
    });
  });

  describe('unknown ids are not found', () => {
    it.each(TEAM_ENDPOINTS)('$name with an unknown team id', async (endpoint) => {
      const unknown = Object.fromEntries(
        Object.entries(home.fixture).map(([k, v]) => [k, k === 'newcomerEmail' ? v : randomUUID()]),
      ) as TeamFixture;
      await expectNotFoundAndNoWrite(endpoint.call(unknown));
    });

    // rows whose path names an object (or member) after the team
    const onObjects = TEAM_ENDPOINTS.filter(
      (e) => (e.call(SAMPLE_TEAM).path.match(/\/x(?=\/|$|\?)/g) ?? []).length > 1,
    );
    it.each(onObjects)('$name with an unknown object in a real team', async (endpoint) => {
      const unknownObjects: TeamFixture = {
        ...home.fixture,
        targetUserId: randomUUID(),
        credentialId: randomUUID(),
        ownCredentialId: randomUUID(),
        resourceId: randomUUID(),
        storyId: randomUUID(),
        stsStoryId: randomUUID(),
        caseId: randomUUID(),
        dashboardId: randomUUID(),
      };
      await expectNotFoundAndNoWrite(endpoint.call(unknownObjects));
    });
  });

  describe('malformed JSON is a 400 request.malformed_json with no write', () => {
    const writes = [
      ...TEAM_ENDPOINTS.map((e) => ({
        name: e.name,
        call: () => e.call(home.fixture),
        sample: e.call(SAMPLE_TEAM),
      })),
      ...TENANT_ENDPOINTS.map((e) => {
        const call = () =>
          e.call({ targetId: home.t.owner.id, teamIds: [home.fixture.teamId], draftId: randomUUID() });
        return { name: e.name, call, sample: e.call({ targetId: 'x', teamIds: ['x'], draftId: 'x' }) };
      }),
    ].filter((w) => w.sample.json !== undefined);
    it.each(writes)('$name', async ({ call }) => {
      const { method, path } = call();
      const before = await bothTenants();
      const res = await home.owner.fetch(path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: '{"name": "unterminated',
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as ApiError).error.code).toBe('request.malformed_json');
      expect(await bothTenants()).toBe(before);
    });
  });

  describe('wrong types are a 400 request.invalid with no write', () => {
    const team = () => `/api/teams/${home.fixture.teamId}`;
    it.each<[string, () => Call]>([
      ['a team name that is a number', () => ({ method: 'POST', path: '/api/teams', json: { name: 42 } })],
      ['an empty team name', () => ({ method: 'POST', path: '/api/teams', json: { name: '  ' } })],
      [
        'an invitation to a non-address',
        () => ({ method: 'POST', path: '/api/users/invitations', json: { email: 'nope' } }),
      ],
      [
        'a tenant role that does not exist',
        () => ({ method: 'PUT', path: `/api/users/${home.t.owner.id}/role`, json: { tenantRole: 'god' } }),
      ],
      [
        'a profile name that is a number',
        () => ({ method: 'PATCH', path: `/api/users/${home.t.owner.id}`, json: { givenName: 5 } }),
      ],
      [
        'an empty profile patch',
        () => ({ method: 'PATCH', path: `/api/users/${home.t.owner.id}`, json: {} }),
      ],
      [
        'a team role that does not exist',
        () => ({ method: 'POST', path: `${team()}/members`, json: { email: 'a@b.test', role: 'boss' } }),
      ],
      [
        'a credential kind that does not exist and a numeric secret',
        () => ({
          method: 'POST',
          path: `${team()}/credentials`,
          json: { name: 'x', kind: 'magic', secret: 1 },
        }),
      ],
      [
        'credential domains with spaces',
        () => ({
          method: 'PUT',
          path: `${team()}/credentials/${home.fixture.credentialId}/domains`,
          json: { domains: ['a b'] },
        }),
      ],
      [
        'a sharing mode that does not exist',
        () => ({
          method: 'PUT',
          path: `${team()}/credentials/${home.fixture.credentialId}/access`,
          json: { sharing: 'everyone' },
        }),
      ],
      [
        'a resource without a value',
        () => ({ method: 'POST', path: `${team()}/resources`, json: { name: 'x' } }),
      ],
      [
        'a story definition that is not an object',
        () => ({ method: 'POST', path: `${team()}/stories`, json: { name: 'x', definition: 'y' } }),
      ],
      [
        'a case status that does not exist',
        () => ({ method: 'POST', path: `${team()}/cases`, json: { title: 'x', status: 'lost' } }),
      ],
      [
        'dashboard elements that are not a list',
        () => ({ method: 'POST', path: `${team()}/dashboards`, json: { name: 'x', elements: {} } }),
      ],
      [
        'a maximum that is a string',
        () => ({
          method: 'PUT',
          path: '/api/allocations',
          json: { teamIds: [home.fixture.teamId], maxStories: 'five' },
        }),
      ],
      [
        'team ids that are not UUIDs',
        () => ({ method: 'PUT', path: '/api/allocations', json: { teamIds: ['x'], maxStories: 1 } }),
      ],
      ['a path id that is not a UUID', () => ({ method: 'GET', path: '/api/teams/not-a-uuid' })],
      ['a page size that is not a number', () => ({ method: 'GET', path: '/api/users?limit=lots' })],
      ['a sort key that does not exist', () => ({ method: 'GET', path: '/api/users?sort=password' })],
      [
        'a shared-object type that does not exist',
        () => ({ method: 'GET', path: `${team()}/shared?type=secret` }),
      ],
    ])('%s', async (_name, call) => {
      const before = await bothTenants();
      const res = await send(home.owner, call());
      expect(res.status).toBe(400);
      expect(((await res.json()) as ApiError).error.code).toBe('request.invalid');
      expect(await bothTenants()).toBe(before);
    });
  });

  describe('oversized bodies are a 413 with no write', () => {
    it.each<[string, () => Call]>([
      [
        'a resource value over the body limit',
        () => ({
          method: 'POST',
          path: `/api/teams/${home.fixture.teamId}/resources`,
          json: { name: 'big', value: 'x'.repeat(2_000_000) },
        }),
      ],
      [
        'a story definition over the body limit',
        () => ({
          method: 'POST',
          path: `/api/teams/${home.fixture.teamId}/stories`,
          json: { name: 'big', definition: { blob: 'x'.repeat(2_000_000) } },
        }),
      ],
      [
        'an invitation over the body limit',
        () => ({
          method: 'POST',
          path: '/api/users/invitations',
          json: { email: 'a@b.test', pad: 'x'.repeat(2_000_000) },
        }),
      ],
    ])('%s', async (_name, call) => {
      const before = await bothTenants();
      const res = await send(home.owner, call());
      expect(res.status).toBe(413);
      expect(((await res.json()) as ApiError).error.code).toBe('request.too_large');
      expect(await bothTenants()).toBe(before);
    });
  });
});
