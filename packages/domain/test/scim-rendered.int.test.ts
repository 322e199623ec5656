// Replicas keep users' SCIM answers by id and version (scim/rendered.ts). A user changed anywhere
// else — another replica, the console, a group mapping — is answered as it is now, on every read
// path: GET by id, a lookup, a page; a request naming attributes is rendered afresh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { makeServices, makeTenant, type MadeTenant, type TestWorld } from './factories.js';
import { scimClient } from './scim-support.js';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const lookup = (userName: string) => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;

describe.each(DATABASES)('kept SCIM answers on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  let tn: MadeTenant;
  // Two replicas: each keeps its own answers.
  let a: ReturnType<typeof scimClient>['call'];
  let b: ReturnType<typeof scimClient>['call'];

  beforeAll(async () => {
    t = await openTestDatabase(target);
    w = makeServices(t.db);
    tn = await makeTenant(w);
    a = scimClient(w, tn.tenant.id, 'replica-a').call;
    b = scimClient(w, tn.tenant.id, 'replica-b').call;
  });

  afterAll(async () => {
    await t.close();
  });

  /** The user as replica A answers it on each read path. */
  async function readsOfA(id: string, userName: string) {
    const byId = await a('GET', `/Users/${id}`);
    const found = (await a('GET', lookup(userName))).body.Resources?.[0];
    const listed = (await a('GET', '/Users?count=1000')).body.Resources?.find((r) => r['id'] === id);
    return [byId.body, found, listed];
  }

  it('a change through another replica is read at once, as the generic path renders it', async () => {
    const made = await a('POST', '/Users', {
      schemas: [CORE],
      userName: 'kept@x.test',
      displayName: 'Before',
    });
    const id = String(made.body.id);
    for (const read of await readsOfA(id, 'kept@x.test')) expect(read?.['displayName']).toBe('Before');
    const changed = await b('PATCH', `/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'displayName', value: 'After' }],
    });
    expect(changed.status).toBe(200);
    for (const read of await readsOfA(id, 'kept@x.test')) {
      expect(read).toEqual(changed.body);
    }
    // A projection is rendered afresh, and agrees.
    const projected = await a('GET', `/Users/${id}?attributes=displayName`);
    expect(projected.body['displayName']).toBe('After');
  });

  it('a deactivation in the console is read at once', async () => {
    const made = await a('POST', '/Users', { schemas: [CORE], userName: 'console@x.test' });
    const id = String(made.body.id);
    expect((await a('GET', `/Users/${id}`)).body['active']).toBe(true);
    await w.services.users.deactivate(tn.ownerActor, id);
    for (const read of await readsOfA(id, 'console@x.test')) {
      expect(read?.['active']).toBe(false);
      expect((read?.['meta'] as { version: string }).version).toBe('W/"2"');
    }
  });

  it('a tenant role granted by a group mapping moves the version with lastModified', async () => {
    const made = await a('POST', '/Users', { schemas: [CORE], userName: 'mapped@x.test' });
    const id = String(made.body.id);
    const before = (await a('GET', `/Users/${id}`)).body['meta'] as { version: string; lastModified: string };
    const group = await a('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Managers',
    });
    await w.services.groupMappings.create(tn.ownerActor, {
      groupId: String(group.body.id),
      target: 'tenant_role',
      tenantRole: 'manager',
    });
    w.clock.advance(1_000);
    await a('PATCH', `/Groups/${String(group.body.id)}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }],
    });
    for (const read of await readsOfA(id, 'mapped@x.test')) {
      const meta = read?.['meta'] as { version: string; lastModified: string };
      expect(meta.version).not.toBe(before.version);
      expect(meta.lastModified).not.toBe(before.lastModified);
    }
  });
});
