import { Contention, systemActor } from '@gatehouse/domain';
import { DATABASES } from '@gatehouse/vitest-config';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_URL, scimTenant, startScimGateway, type ScimGateway } from './scim-gateway.js';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

type Tenant = Awaited<ReturnType<typeof scimTenant>>;

describe.each(DATABASES)('SCIM 2.0 over HTTP on $name', (target) => {
  let g: ScimGateway;
  let t: Tenant;
  beforeAll(async () => {
    g = await startScimGateway(target);
    t = await scimTenant(g);
    console.info(`SCIM HTTP tests run on ${g.label}`);
  });
  afterAll(() => g.close());

  const json = async (res: Response) =>
    (await res.json()) as Record<string, unknown> & { Resources?: Array<Record<string, unknown>> };
  const rows = async (table: string) =>
    Number((await g.db.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  it('discovery endpoints describe what is supported, in application/scim+json, each also by id', async () => {
    const spc = await t.request('GET', '/ServiceProviderConfig');
    expect(spc.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
    expect(await json(spc)).toMatchObject({
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1_048_576 },
      filter: { supported: true, maxResults: 1000 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
      meta: { location: `${PUBLIC_URL}/scim/v2/ServiceProviderConfig` },
    });
    const types = await json(await t.request('GET', '/ResourceTypes'));
    expect(types).toMatchObject({ totalResults: 2 });
    expect(await json(await t.request('GET', '/ResourceTypes/User'))).toMatchObject({
      endpoint: '/Users',
      schema: CORE_USER,
      schemaExtensions: [{ schema: ENTERPRISE, required: false }],
    });
    const schemas = await json(await t.request('GET', '/Schemas'));
    expect(schemas.Resources?.map((s) => s['id'])).toEqual([
      CORE_USER,
      ENTERPRISE,
      'urn:ietf:params:scim:schemas:core:2.0:Group',
    ]);
    const user = await json(await t.request('GET', `/Schemas/${CORE_USER}`));
    expect((user['attributes'] as Array<Record<string, unknown>>)[0]).toMatchObject({
      name: 'userName',
      caseExact: false,
      uniqueness: 'server',
      required: true,
    });
    expect((await t.request('GET', '/Schemas/urn:nope')).status).toBe(404);
    // RFC 7644 §4: a filter on discovery is refused, never taken as matched.
    for (const path of ['/Schemas', '/ResourceTypes', '/ServiceProviderConfig']) {
      const filtered = await t.request('GET', `${path}?filter=${encodeURIComponent('id eq "x"')}`);
      expect(filtered.status, path).toBe(403);
      expect(await json(filtered)).toMatchObject({ status: '403', schemas: [ERROR] });
    }
  });

  it('answers carry the API security headers and echo a valid X-Request-Id; the mount matches in any case', async () => {
    const res = await t.request('GET', '/ServiceProviderConfig', {
      headers: { 'x-request-id': 'idp-req-42' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('idp-req-42');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    // PUBLIC_URL is https here, so browsers are told to stay on https.
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers.get('x-powered-by')).toBeNull();
    const forged = await t.request('GET', '/ServiceProviderConfig', { headers: { 'x-request-id': 'a\tb' } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const upper = await fetch(`${g.url}/SCIM/V2/ServiceProviderConfig`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(upper.status).toBe(200);
    // A path that only starts like the mount is no SCIM endpoint (SCIM would ask for a token: 401).
    expect((await fetch(`${g.url}/scim/v2x/Users`)).status).toBe(404);
  });

  it('an anonymous request is refused before its body is read, whatever its size', async () => {
    const res = await fetch(`${g.url}/scim/v2/Users`, {
      method: 'POST',
      headers: { 'content-type': 'application/scim+json' },
      body: JSON.stringify({ userName: 'x'.repeat(5 * 1024 * 1024) }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="scim"');
    expect(await json(res)).toMatchObject({ schemas: [ERROR], status: '401' });
  });

  it('users: create (201, Location, ETag), read, replace, patch and delete, with absolute locations', async () => {
    const created = await t.request('POST', '/Users', {
      headers: { 'content-type': 'application/json' },
      body: {
        schemas: [CORE_USER],
        userName: 'ada@lovelace.test',
        name: { givenName: 'Ada' },
        emails: [{ value: 'ada@lovelace.test', type: 'work', primary: true }],
      },
    });
    expect(created.status).toBe(201);
    const body = await json(created);
    const id = String(body['id']);
    expect(created.headers.get('location')).toBe(`${PUBLIC_URL}/scim/v2/Users/${id}`);
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(body['meta']).toMatchObject({
      resourceType: 'User',
      version: 'W/"1"',
      location: `${PUBLIC_URL}/scim/v2/Users/${id}`,
    });
    expect(typeof (body['meta'] as { created: string }).created).toBe('string');

    const put = await t.request('PUT', `/Users/${id}`, {
      body: { schemas: [CORE_USER], userName: 'ada@lovelace.test', title: 'Countess' },
    });
    expect(put.status).toBe(200);
    const replaced = await json(put);
    expect(replaced).toMatchObject({ title: 'Countess', active: true });
    expect(replaced).not.toHaveProperty('name');

    const patched = await t.request('PATCH', `/Users/${id}`, {
      body: patch({ op: 'replace', path: 'title', value: 'Analyst' }),
    });
    expect(patched.status).toBe(200);
    expect(patched.headers.get('etag')).toBe('W/"3"');
    expect(await json(await t.request('GET', `/Users/${id}`))).toMatchObject({ title: 'Analyst' });

    expect((await t.request('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await t.request('GET', `/Users/${id}`)).status).toBe(404);
  });

  it('groups: members sent with POST and PUT are applied; PATCH answers 204 with the new ETag', async () => {
    const a = String(
      (await json(await t.request('POST', '/Users', { body: { userName: 'ga@x.test' } })))['id'],
    );
    const b = String(
      (await json(await t.request('POST', '/Users', { body: { userName: 'gb@x.test' } })))['id'],
    );
    const created = await t.request('POST', '/Groups', {
      body: { displayName: 'Pilots', members: [{ value: a }] },
    });
    expect(created.status).toBe(201);
    const group = await json(created);
    expect(group['members']).toEqual([
      { value: a, $ref: `${PUBLIC_URL}/scim/v2/Users/${a}`, display: 'ga@x.test', type: 'User' },
    ]);
    const id = String(group['id']);

    const added = await t.request('PATCH', `/Groups/${id}`, {
      body: patch({ op: 'Add', path: 'members', value: [{ value: b }] }),
    });
    expect(added.status).toBe(204);
    expect(added.headers.get('etag')).toBe('W/"2"');
    const put = await t.request('PUT', `/Groups/${id}`, {
      body: { displayName: 'Pilots', members: [{ value: b }] },
    });
    expect((await json(put))['members']).toEqual([expect.objectContaining({ value: b })]);
    // Listings carry members by default (Okta's group import reads them there), not when excluded (Entra ID).
    const pilots = encodeURIComponent('displayName eq "PILOTS"');
    const bMember = {
      value: b,
      $ref: `${PUBLIC_URL}/scim/v2/Users/${b}`,
      display: 'gb@x.test',
      type: 'User',
    };
    const list = await json(await t.request('GET', `/Groups?filter=${pilots}`));
    expect(list.Resources?.[0]?.['members']).toEqual([bMember]);
    const searched = await json(
      await t.request('POST', '/Groups/.search', { body: { filter: 'displayName eq "PILOTS"' } }),
    );
    expect(searched.Resources?.[0]?.['members']).toEqual([bMember]);
    const all = await json(await t.request('GET', '/Groups'));
    expect(all.Resources?.find((r) => r['id'] === id)?.['members']).toEqual([bMember]);
    const excluded = await json(
      await t.request('GET', `/Groups?excludedAttributes=members&filter=${pilots}`),
    );
    expect(excluded.Resources?.[0]).not.toHaveProperty('members');
    const named = await json(await t.request('GET', '/Groups?attributes=displayName'));
    expect(named.Resources?.find((r) => r['id'] === id)).not.toHaveProperty('members');
    const withMembers = await json(await t.request('GET', '/Groups?attributes=displayName,members'));
    expect(withMembers.Resources?.find((r) => r['id'] === id)?.['members']).toHaveLength(1);
    expect((await t.request('DELETE', `/Groups/${id}`)).status).toBe(204);
  });

  it('If-None-Match answers 304 while unchanged; If-Match with a stale version is 412 and writes nothing', async () => {
    const id = String(
      (await json(await t.request('POST', '/Users', { body: { userName: 'etag@x.test' } })))['id'],
    );
    expect((await t.request('GET', `/Users/${id}`, { headers: { 'if-none-match': 'W/"1"' } })).status).toBe(
      304,
    );
    const stale = await t.request('PATCH', `/Users/${id}`, {
      headers: { 'if-match': 'W/"7"' },
      body: patch({ op: 'replace', path: 'title', value: 'X' }),
    });
    expect(stale.status).toBe(412);
    expect(await json(stale)).toMatchObject({
      schemas: [ERROR],
      status: '412',
      scimType: 'preconditionFailed',
    });
    const fresh = await t.request('PATCH', `/Users/${id}`, {
      headers: { 'if-match': 'W/"1"' },
      body: patch({ op: 'replace', path: 'title', value: 'X' }),
    });
    expect(fresh.status).toBe(200);
    expect((await t.request('GET', `/Users/${id}`, { headers: { 'if-none-match': 'W/"1"' } })).status).toBe(
      200,
    );
  });

  it('RFC 7232 preconditions: If-Match on a GET, If-None-Match: * on a write; HEAD is a GET without its body', async () => {
    const id = String(
      (await json(await t.request('POST', '/Users', { body: { userName: 'precondition@x.test' } })))['id'],
    );
    const staleRead = await t.request('GET', `/Users/${id}`, { headers: { 'if-match': 'W/"7"' } });
    expect(staleRead.status).toBe(412);
    expect((await t.request('GET', `/Users/${id}`, { headers: { 'if-match': 'W/"1"' } })).status).toBe(200);
    const replace = { userName: 'precondition@x.test', title: 'Changed' };
    const exists = await t.request('PUT', `/Users/${id}`, {
      headers: { 'if-none-match': '*' },
      body: replace,
    });
    expect(exists.status).toBe(412);
    const group = String(
      (await json(await t.request('POST', '/Groups', { body: { displayName: 'Pre' } })))['id'],
    );
    for (const method of ['PATCH', 'DELETE'] as const) {
      const res = await t.request(method, `/Groups/${group}`, {
        headers: { 'if-none-match': '*' },
        ...(method === 'PATCH' ? { body: patch({ op: 'replace', path: 'displayName', value: 'Post' }) } : {}),
      });
      expect(res.status).toBe(412);
    }
    expect(await json(await t.request('GET', `/Users/${id}`))).not.toHaveProperty('title');
    expect((await t.request('GET', `/Groups/${group}`)).status).toBe(200);

    const get = await t.request('GET', `/Users/${id}`);
    const head = await t.request('HEAD', `/Users/${id}`);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
    expect((await t.request('HEAD', '/Users/6f1c0b6e-0000-4000-8000-000000000000')).status).toBe(404);
  });

  describe('every client mistake is a SCIM error with its status and scimType, never a 500, and writes nothing', () => {
    const filter = (f: string) => `/Users?filter=${encodeURIComponent(f)}`;
    const cases: Array<
      [string, (t: Tenant, g: ScimGateway) => Promise<Response>, number, string | undefined]
    > = [
      ['no bearer token', (_t, gw) => fetch(`${gw.url}/scim/v2/Users`), 401, 'unauthorized'],
      [
        'a wrong bearer token',
        (_t, gw) => fetch(`${gw.url}/scim/v2/Users`, { headers: { authorization: 'Bearer ghs_wrong' } }),
        401,
        'unauthorized',
      ],
      [
        'an unknown user id',
        (tn) => tn.request('GET', '/Users/6f1c0b6e-0000-4000-8000-000000000000'),
        404,
        'notFound',
      ],
      ['an unknown endpoint', (tn) => tn.request('GET', '/Widgets'), 404, 'notFound'],
      [
        'an id that is not valid percent-encoding',
        (tn) => tn.request('GET', '/Users/%E0%A4%A'),
        404,
        'notFound',
      ],
      [
        'a duplicate userName in another case',
        (tn) => tn.request('POST', '/Users', { body: { userName: 'TAKEN@x.test' } }),
        409,
        'uniqueness',
      ],
      [
        'a duplicate group displayName in another case',
        (tn) => tn.request('POST', '/Groups', { body: { displayName: 'taken group' } }),
        409,
        'uniqueness',
      ],
      [
        'a filter that does not parse',
        (tn) => tn.request('GET', filter('userName eq')),
        400,
        'invalidFilter',
      ],
      [
        'a filter on an attribute outside the allowlist',
        (tn) => tn.request('GET', filter('password eq "x"')),
        400,
        'invalidFilter',
      ],
      [
        'a PATCH path that names nothing',
        (tn) =>
          tn.request('PATCH', '/Users/{{taken}}', { body: patch({ op: 'replace', path: 'nope', value: 1 }) }),
        400,
        'invalidPath',
      ],
      [
        'a value of the wrong type',
        (tn) =>
          tn.request('PATCH', '/Users/{{taken}}', {
            body: patch({ op: 'replace', path: 'active', value: 'maybe' }),
          }),
        400,
        'invalidValue',
      ],
      [
        'a user without userName',
        (tn) => tn.request('POST', '/Users', { body: { schemas: [CORE_USER], name: { givenName: 'x' } } }),
        400,
        'invalidValue',
      ],
      [
        'a remove without a path',
        (tn) => tn.request('PATCH', '/Users/{{taken}}', { body: patch({ op: 'remove' }) }),
        400,
        'noTarget',
      ],
      [
        'removing a member who is not there',
        (tn) =>
          tn.request('PATCH', '/Groups/{{group}}', {
            body: patch({ op: 'remove', path: 'members[value eq "nobody"]' }),
          }),
        400,
        'noTarget',
      ],
      [
        'a read-only attribute',
        (tn) =>
          tn.request('PATCH', '/Users/{{taken}}', { body: patch({ op: 'replace', path: 'id', value: 'x' }) }),
        400,
        'mutability',
      ],
      [
        'malformed JSON',
        (tn) => tn.request('POST', '/Users', { raw: '{"userName": ' }),
        400,
        'invalidSyntax',
      ],
      [
        'a body that is not a PatchOp',
        (tn) => tn.request('PATCH', '/Users/{{taken}}', { body: [1, 2] }),
        400,
        'invalidSyntax',
      ],
      [
        'a body over the size limit',
        (tn) => tn.request('POST', '/Users', { body: { userName: 'big', title: 'x'.repeat(1_100_000) } }),
        413,
        'tooLarge',
      ],
      [
        'a body in another media type',
        (tn) =>
          tn.request('POST', '/Users', {
            raw: 'userName=x',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          }),
        415,
        'invalidSyntax',
      ],
      [
        'a method an endpoint does not answer',
        (tn) => tn.request('PUT', '/Users', { body: {} }),
        404,
        'notFound',
      ],
      [
        'a NUL character in a created user (PostgreSQL text cannot hold one)',
        (tn) => tn.request('POST', '/Users', { body: { userName: 'nul\u0000@x.test' } }),
        400,
        'invalidValue',
      ],
      [
        'a NUL character in a key of a PATCH value',
        (tn) =>
          tn.request('PATCH', '/Users/{{taken}}', {
            body: patch({ op: 'add', value: { 'title\u0000': 'x' } }),
          }),
        400,
        'invalidValue',
      ],
      [
        'a NUL character in a group member',
        (tn) =>
          tn.request('PATCH', '/Groups/{{group}}', {
            body: patch({ op: 'add', path: 'members', value: [{ value: '{{taken}}\u0000' }] }),
          }),
        400,
        'invalidValue',
      ],
      [
        'a NUL character in a filter',
        (tn) => tn.request('GET', filter('userName eq "nul\u0000@x.test"')),
        400,
        'invalidValue',
      ],
      ['a NUL character in an id', (tn) => tn.request('DELETE', '/Users/{{taken}}%00'), 400, 'invalidValue'],
      [
        'a lone surrogate in a created user (no Unicode character; UTF-8 cannot encode it)',
        (tn) => tn.request('POST', '/Users', { body: { userName: 'half\ud83d@x.test' } }),
        400,
        'invalidValue',
      ],
      [
        'a lone surrogate in a group member',
        (tn) =>
          tn.request('PATCH', '/Groups/{{group}}', {
            body: patch({ op: 'add', path: 'members', value: [{ value: '{{taken}}\udc00' }] }),
          }),
        400,
        'invalidValue',
      ],
      [
        'a startIndex that is not an integer',
        (tn) => tn.request('GET', '/Users?startIndex=1.5'),
        400,
        'invalidValue',
      ],
      ['a count that is not a number', (tn) => tn.request('GET', '/Users?count=ten'), 400, 'invalidValue'],
      [
        'a negative startIndex and a huge count are only clamped',
        (tn) => tn.request('GET', '/Users?startIndex=-5&count=100000'),
        200,
        undefined,
      ],
    ];
    let ids: Record<string, string> = {};
    beforeAll(async () => {
      ids = {
        taken: String(
          (await json(await t.request('POST', '/Users', { body: { userName: 'taken@x.test' } })))['id'],
        ),
        group: String(
          (await json(await t.request('POST', '/Groups', { body: { displayName: 'Taken Group' } })))['id'],
        ),
      };
    });

    const table = cases.map(([name, send, status, scimType]) => ({
      name,
      send,
      status,
      scimType: scimType ?? '',
    }));
    it.each(table)('$name → $status $scimType', async ({ send, status, scimType }) => {
      const withIds: Tenant = {
        ...t,
        request: (method, path, init) =>
          t.request(
            method,
            path.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => ids[k] ?? k),
            init,
          ),
      };
      const before = await Promise.all(['users', 'groups', 'group_members', 'audit_events'].map(rows));
      const res = await send(withIds, g);
      expect(res.status).toBe(status);
      const body = await json(res);
      if (status >= 400) {
        expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
        expect(body).toMatchObject({ schemas: [ERROR], status: String(status) });
        expect(typeof body['detail']).toBe('string');
        if (scimType) expect(body['scimType']).toBe(scimType);
        else expect(body).not.toHaveProperty('scimType');
      }
      if (status === 401) expect(res.headers.get('www-authenticate')).toBe('Bearer realm="scim"');
      expect(await Promise.all(['users', 'groups', 'group_members', 'audit_events'].map(rows))).toEqual(
        before,
      );
    });

    it('a revoked token is refused', async () => {
      const other = await scimTenant(g, 'revoked');
      await g.services.scimTokens.revoke(systemActor(other.tenant.id), other.tokenId);
      expect((await other.request('GET', '/Users')).status).toBe(401);
    });

    it('a filter as long as the limit allows reaches SCIM in a GET, also of four-byte characters', async () => {
      const longest = `userName eq "${'😀'.repeat(2040)}"`;
      const within = await t.request('GET', `/Users?filter=${encodeURIComponent(longest)}`);
      expect(within.status).toBe(200);
      expect(await json(within)).toMatchObject({ totalResults: 0 });
      const over = await t.request('GET', `/Users?filter=${encodeURIComponent(`${longest} or ${longest}`)}`);
      expect(over.status).toBe(400);
      expect(await json(over)).toMatchObject({ scimType: 'invalidFilter' });
    });

    it('any filter string is answered 200 or 400, never 500', async () => {
      const pieces = fc.constantFrom(
        'userName',
        'emails[type eq "work"]',
        '.value',
        ' eq ',
        ' co ',
        ' pr',
        ' and ',
        ' not (',
        ')',
        '"a%_\\"',
        'true',
        '1',
        `${ENTERPRISE}:manager`,
        'meta.created gt "2020-01-01T00:00:00Z"',
        ' ',
        '[',
        ']',
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ maxLength: 40 }),
            fc.array(pieces, { maxLength: 8 }).map((p) => p.join('')),
          ),
          async (f) => {
            const res = await t.request('GET', `/Users?filter=${encodeURIComponent(f)}&count=1`);
            expect([200, 400]).toContain(res.status);
          },
        ),
        { numRuns: 150 },
      );
    });
  });

  it('twenty parallel POSTs of one userName: exactly one 201 and nineteen 409, never a 500', async () => {
    const tn = await scimTenant(g);
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        tn
          .request('POST', '/Users', { body: { userName: i % 3 ? 'race@x.test' : 'RACE@x.test' } })
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
  });

  it('Bulk over HTTP answers per-operation statuses', async () => {
    const res = await t.request('POST', '/Bulk', {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'a', data: { userName: 'bulk-a@x.test' } },
          {
            method: 'PATCH',
            path: '/Users/bulkId:a',
            data: patch({ op: 'replace', path: 'active', value: false }),
          },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkResponse'],
      Operations: [
        { bulkId: 'a', status: '201' },
        { status: '200', version: 'W/"2"' },
      ],
    });
  });

  it('deprovisioning latency (request arrival to sessions revoked) is exposed at /metrics', async () => {
    const id = String(
      (await json(await t.request('POST', '/Users', { body: { userName: 'metric@x.test' } })))['id'],
    );
    await t.request('PATCH', `/Users/${id}`, { body: patch({ op: 'replace', value: { active: false } }) });
    await t.request('DELETE', `/Users/${id}`);
    const text = await (await fetch(`${g.url}/metrics`)).text();
    const count = Number(/gatehouse_scim_deprovision_seconds_count (\d+)/.exec(text)?.[1]);
    expect(count).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/gatehouse_scim_deprovision_seconds_bucket\{le="0.1"\} \d+/);
    expect(text).toMatch(/gatehouse_scim_requests_total\{method="DELETE",status="204"\} \d+/);
  });

  it('the provisioning log records each request: method, path, status, duration, resource, short diff and error', async () => {
    const tn = await scimTenant(g, 'Okta');
    const id = String(
      (await json(await tn.request('POST', '/Users', { body: { userName: 'logged@x.test' } })))['id'],
    );
    g.clock.advance(1000);
    await tn.request('PATCH', `/Users/${id}`, {
      body: patch({ op: 'replace', path: 'title', value: 'Pilot' }),
    });
    g.clock.advance(1000);
    await tn.request('POST', '/Users', { raw: '{"broken' });
    g.clock.advance(1000);
    await tn.request('GET', `/Users?filter=${encodeURIComponent('userName eq')}`);
    await g.services.provisioningLog.flush();
    const { items } = await g.services.provisioningLog.list(systemActor(tn.tenant.id));
    expect(items.map((e) => [e.method, e.status])).toEqual([
      ['GET', 400],
      ['POST', 400],
      ['PATCH', 200],
      ['POST', 201],
    ]);
    expect(items[2]).toMatchObject({
      tokenName: 'Okta',
      path: `/scim/v2/Users/${id}`,
      resourceType: 'User',
      resourceId: id,
      changes: { title: [null, 'Pilot'] },
      error: null,
    });
    expect(items[0]?.error).toMatch(/^scim\.invalidFilter: /);
    expect(items[1]?.error).toMatch(/^request\.malformed_json: /);
    expect(items.every((e) => e.durationMs >= 0 && e.tokenId === tn.tokenId)).toBe(true);
  });

  it('a token’s last use is recorded', async () => {
    const tn = await scimTenant(g, 'last-used');
    await tn.request('GET', '/Users?count=1');
    const [record] = (await g.services.scimTokens.list(systemActor(tn.tenant.id))).filter(
      (r) => r.id === tn.tokenId,
    );
    expect(record?.lastUsedAt).toBeInstanceOf(Date);
  });

  it('a write still colliding after its retries answers 503 with Retry-After, as a SCIM error', async () => {
    const tn = await scimTenant(g);
    const provisioning = g.services.provisioning;
    const createUser = provisioning.createUser.bind(provisioning);
    // What Database.transaction throws once a deadlock or serialization failure outlasts its retries.
    provisioning.createUser = () =>
      Promise.reject(
        new Contention(
          'database.contention',
          'A concurrent change held the same rows; send the request again.',
          {
            retryAfterSeconds: 1,
          },
        ),
      );
    try {
      const res = await tn.request('POST', '/Users', { body: { userName: 'busy@x.test' } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await json(res)).toMatchObject({ schemas: [ERROR], status: '503' });
    } finally {
      provisioning.createUser = createUser;
    }
  });

  it('the per-token rate limit answers 429 with Retry-After; deprovisioning is never throttled', async () => {
    const limited = await startScimGateway(
      target,
      { rateLimit: { limit: 3, windowSeconds: 60, syncEveryMs: 0 } },
      { db: g.db },
    );
    try {
      const tn = await scimTenant(limited);
      const id = String(
        (await json(await tn.request('POST', '/Users', { body: { userName: 'limited@x.test' } })))['id'],
      );
      await tn.request('GET', '/Users');
      await tn.request('GET', '/Users');
      const refused = await tn.request('GET', '/Users');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await json(refused)).toMatchObject({
        schemas: [ERROR],
        status: '429',
        scimType: 'tooManyRequests',
      });
      // A PATCH that leaves the user active deprovisions no one, whatever it does on the way.
      const roundTrip = await tn.request('PATCH', `/Users/${id}`, {
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [
            { op: 'replace', path: 'active', value: false },
            { op: 'replace', value: { active: true, title: 'Past the limit' } },
          ],
        },
      });
      expect(roundTrip.status).toBe(429);
      const deactivated = await tn.request('PATCH', `/Users/${id}`, {
        body: patch({ op: 'Replace', path: 'active', value: 'False' }),
      });
      expect(deactivated.status).toBe(200);
      expect(await json(deactivated)).not.toHaveProperty('title');
      expect((await tn.request('DELETE', `/Users/${id}`)).status).toBe(204);
      expect((await tn.request('GET', '/Users')).status).toBe(429);

      // A Bulk request carrying a DELETE comes through, but only its deprovisioning runs.
      const gone = await g.services.provisioning.createUser(
        { kind: 'provisioner', tenantId: tn.tenant.id, tokenId: tn.tokenId, label: 'seed' },
        { userName: 'bulk-gone@x.test' },
        {},
      );
      const bulk = await tn.request('POST', '/Bulk', {
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: [
            { method: 'DELETE', path: `/Users/${gone.resource.id}` },
            { method: 'POST', path: '/Users', bulkId: 'a', data: { userName: 'piggyback@x.test' } },
            {
              method: 'PATCH',
              path: `/Users/${gone.resource.id}`,
              data: patch({ op: 'replace', path: 'title', value: 'T' }),
            },
          ],
        },
      });
      expect(bulk.status).toBe(200);
      const ops = (await json(bulk))['Operations'] as Array<Record<string, unknown>>;
      expect(ops.map((o) => o['status'])).toEqual(['204', '429', '429']);
      expect(ops[1]).toMatchObject({ response: { status: '429', scimType: 'tooManyRequests' } });
      const rows = (sql: string, ...params: unknown[]) =>
        g.db.dataSource.query(g.db.dialect === 'postgres' ? sql.replace(/\?/g, () => '$1') : sql, params);
      expect(await rows('SELECT id FROM users WHERE user_name = ?', 'piggyback@x.test')).toEqual([]);
      const [removed] = (await rows(
        'SELECT user_name_key AS k, scim_attributes AS a FROM users WHERE id = ?',
        gone.resource.id,
      )) as Array<{ k: unknown; a: unknown }>;
      expect(removed?.k).toBeNull();
      expect(JSON.stringify(removed?.a)).not.toContain('"title"');
    } finally {
      await limited.close();
    }
  });

  it('a revoked token is refused as an unknown one, and its tenant’s log shows why; an unknown token is logged nowhere', async () => {
    const tn = await scimTenant(g, 'Revoked');
    await g.services.scimTokens.revoke(systemActor(tn.tenant.id), tn.tokenId);
    const revoked = await tn.request('GET', '/Users');
    const unknown = await fetch(`${g.url}/scim/v2/Users`, {
      headers: { authorization: 'Bearer ghs_unknown' },
    });
    expect([revoked.status, unknown.status]).toEqual([401, 401]);
    expect(await json(revoked)).toEqual(await json(unknown));
    await g.services.provisioningLog.flush();
    const { items } = await g.services.provisioningLog.list(systemActor(tn.tenant.id));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ tokenId: tn.tokenId, tokenName: 'Revoked', status: 401 });
    expect(items[0]?.error).toMatch(/^scim\.token_revoked: /);
  });

  it('the log has an entry per Bulk operation, found by resource, and keeps no password a URL carried', async () => {
    const tn = await scimTenant(g, 'Bulk log');
    const id = String(
      (await json(await tn.request('POST', '/Users', { body: { userName: 'bulk-logged@x.test' } })))['id'],
    );
    await tn.request('POST', '/Bulk', {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          {
            method: 'PATCH',
            path: `/Users/${id}`,
            data: patch({ op: 'replace', path: 'title', value: 'Bulk title' }),
          },
          { method: 'DELETE', path: `/Users/${id}` },
          { method: 'POST', path: '/Users', data: {} },
        ],
      },
    });
    await tn.request('GET', `/Users?filter=${encodeURIComponent('password eq "Url-secret"')}`);
    await g.services.provisioningLog.flush();
    const actor = systemActor(tn.tenant.id);
    const history = await g.services.provisioningLog.list(actor, { resourceId: id });
    // One request's entries share its time: compared in no particular order.
    expect(history.items.map((e) => [e.method, e.path, e.status]).sort()).toEqual([
      ['DELETE', `/scim/v2/Users/${id}`, 204],
      ['PATCH', `/scim/v2/Users/${id}`, 200],
      ['POST', '/scim/v2/Users', 201],
    ]);
    expect(history.items.find((e) => e.method === 'PATCH')?.changes).toEqual({ title: [null, 'Bulk title'] });
    const { items } = await g.services.provisioningLog.list(actor);
    const failed = items.find((e) => e.method === 'POST' && e.status === 400);
    expect(failed?.error).toMatch(/^scim\.invalidValue: /);
    expect(items.find((e) => e.path.startsWith('/scim/v2/Bulk'))).toMatchObject({
      status: 200,
      resourceType: 'Bulk',
    });
    expect(JSON.stringify(items)).not.toContain('Url-secret');
    expect(items.find((e) => e.status === 400 && e.method === 'GET')?.path).toBe('/scim/v2/Users?[redacted]');
  });
});
