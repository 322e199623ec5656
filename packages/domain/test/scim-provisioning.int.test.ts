import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import {
  AuditEvent,
  GroupMember,
  ProvisioningLogEntry,
  Session,
  TeamMembership,
  User,
} from '../src/entities/index.js';
import { Conflict, PreconditionFailed } from '../src/errors.js';
import { ENTERPRISE, PATCH_SCHEMAS } from '../src/scim/__fixtures__/quirks.js';
import { ENTRA_SEQUENCE, OKTA_SEQUENCE, type RecordedStep } from '../src/scim/__fixtures__/sequences.js';
import { normalizePatch } from '../src/scim/patch/normalize.js';
import { RESOURCE_TYPES } from '../src/scim/schemas.js';
import { ScimRateLimiter } from '../src/services/scim-rate-limit.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import {
  countRows,
  makeServices,
  makeTenant,
  makeUser,
  type MadeTenant,
  type TestWorld,
} from './factories.js';
import { scimClient, type ScimCall } from './scim-support.js';
import { statementsOf } from './statements.js';

const patch = (...Operations: unknown[]) => ({ schemas: PATCH_SCHEMAS, Operations });
const q = (filter: string, extra = '') => `/Users?filter=${encodeURIComponent(filter)}${extra}`;

/** Replaces `{{name}}` with the ids saved by earlier steps, in paths and bodies. */
function fill<T>(value: T, ids: Map<string, string>): T {
  if (value === undefined) return value;
  const json = JSON.stringify(value)
    .replace(/\{\{(\w+)\}\}/g, (_m, k: string) => ids.get(k) ?? `{{${k}}}`)
    .replace(/%7B%7B(\w+)%7D%7D/g, (_m, k: string) => ids.get(k) ?? `{{${k}}}`);
  return JSON.parse(json) as T;
}

describe.each(DATABASES)('SCIM provisioning on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  beforeAll(async () => {
    t = await openTestDatabase(target);
    w = makeServices(t.db);
    console.info(`SCIM provisioning tests run on ${t.label}`);
  });
  afterAll(() => t.close());

  async function replay(steps: RecordedStep[], tenant: MadeTenant, label: string): Promise<void> {
    const { call } = scimClient(w, tenant.tenant.id, label);
    const ids = new Map<string, string>();
    for (const step of steps) {
      const res = await call(step.method, fill(step.path, ids), fill(step.body, ids));
      expect({ step: step.name, status: res.status }).toEqual({
        step: step.name,
        status: step.expect.status,
      });
      if (step.expect.body) expect(res.body, step.name).toMatchObject(fill(step.expect.body, ids));
      for (const attr of step.expect.absent ?? []) expect(res.body, step.name).not.toHaveProperty(attr);
      for (const attr of step.expect.absentInResources ?? []) {
        for (const r of res.body.Resources ?? []) expect(r, step.name).not.toHaveProperty(attr);
      }
      if (step.save && typeof res.body.id === 'string') ids.set(step.save, res.body.id);
    }
  }

  it('Entra ID’s documented provisioning sequence runs without an error', async () => {
    await replay(ENTRA_SEQUENCE, await makeTenant(w), 'entra');
  });

  it('Okta’s documented provisioning sequence runs without an error', async () => {
    await replay(OKTA_SEQUENCE, await makeTenant(w), 'okta');
  });

  it('a password Okta pushes is never stored, not even in the kept raw payload', async () => {
    const tn = await makeTenant(w);
    const { call } = scimClient(w, tn.tenant.id, 'okta');
    const res = await call('POST', '/Users', { userName: 'pw@okta.test', password: 'S3cret-value' });
    const row = await t.db.manager.findOneByOrFail(User, { id: String(res.body.id) });
    expect(JSON.stringify(row)).not.toContain('S3cret-value');
    expect(row.lastScimPayload).toContain('"password":"[redacted]"');
    const id = String(res.body.id);
    const bodies = [
      patch({ op: 'replace', path: 'password', value: 'S3cret-patch' }),
      patch({
        op: 'Replace',
        path: 'urn:ietf:params:scim:schemas:core:2.0:User:password',
        value: 'S3cret-urn',
      }),
      patch({
        op: 'add',
        value: { 'urn:ietf:params:scim:schemas:core:2.0:User:password': 'S3cret-value-key' },
      }),
    ];
    for (const body of bodies) {
      expect((await call('PATCH', `/Users/${id}`, body)).status).toBe(200);
      const patched = await t.db.manager.findOneByOrFail(User, { id });
      expect(patched.lastScimPayload).not.toMatch(/S3cret/);
    }
    await call('POST', '/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [{ method: 'PATCH', path: `/Users/${id}`, data: bodies[0] }],
    });
    expect(JSON.stringify(await t.db.manager.findOneByOrFail(User, { id }))).not.toMatch(/S3cret/);
  });

  describe('filters, sorting and paging run in the database', () => {
    let call: ReturnType<typeof scimClient>['call'];
    const ids: Record<string, string> = {};
    // The tenant's owner (invited, not provisioned) is a user the IdP sees too.
    let owner = '';
    beforeAll(async () => {
      const tn = await makeTenant(w);
      owner = tn.owner.userName;
      call = scimClient(w, tn.tenant.id).call;
      const people = [
        {
          userName: 'alice@x.test',
          externalId: 'EXT-a',
          name: { givenName: 'Alice', familyName: 'Zeta' },
          title: 'CTO',
          active: true,
          emails: [
            { value: 'alice@x.test', type: 'work' },
            { value: 'alice@home.test', type: 'home' },
          ],
          [ENTERPRISE]: { department: 'R&D', employeeNumber: '1' },
        },
        {
          userName: 'bob@x.test',
          externalId: 'ext-b',
          name: { givenName: 'Bob', familyName: 'Young' },
          title: 'Engineer',
          active: false,
          emails: [{ value: 'bob@x.test', type: 'work', primary: true }],
          [ENTERPRISE]: { department: 'Sales', manager: { value: 'm-1' } },
        },
        {
          userName: 'carol_1%@x.test',
          name: { givenName: 'Carol', familyName: 'Xu' },
          active: true,
          [ENTERPRISE]: { department: 'r&d' },
        },
      ];
      for (const p of people) {
        const res = await call('POST', '/Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
          ...p,
        });
        expect(res.status).toBe(201);
        ids[p.userName] = String(res.body.id);
      }
    });

    const names = (res: ScimCall) => (res.body.Resources ?? []).map((r) => r['userName']).sort();

    it.each([
      ['userName eq "ALICE@x.test"', ['alice@x.test']],
      ['userName ne "alice@x.test"', ['bob@x.test', 'carol_1%@x.test', 'OWNER']],
      ['userName co "1%"', ['carol_1%@x.test']],
      ['userName sw "B"', ['bob@x.test']],
      ['userName ew "X.TEST"', ['alice@x.test', 'bob@x.test', 'carol_1%@x.test']],
      ['userName gt "bob@x.test"', ['carol_1%@x.test', 'OWNER']],
      ['userName ge "bob@x.test"', ['bob@x.test', 'carol_1%@x.test', 'OWNER']],
      ['userName lt "bob@x.test"', ['alice@x.test']],
      ['userName le "bob@x.test"', ['alice@x.test', 'bob@x.test']],
      ['title pr', ['alice@x.test', 'bob@x.test']],
      ['name pr', ['alice@x.test', 'bob@x.test', 'carol_1%@x.test']],
      ['not (name pr)', ['OWNER']],
      ['externalId eq "ext-a"', []],
      ['externalId eq "EXT-a"', ['alice@x.test']],
      ['externalId sw "ext"', ['bob@x.test']],
      ['externalId co "XT-"', ['alice@x.test']],
      ['active eq false', ['bob@x.test']],
      ['not (active eq false)', ['alice@x.test', 'carol_1%@x.test', 'OWNER']],
      ['name.familyName eq "young" or name.givenName sw "car"', ['bob@x.test', 'carol_1%@x.test']],
      ['(title eq "cto" or title eq "engineer") and active eq true', ['alice@x.test']],
      ['emails[type eq "work"].value eq "BOB@x.test"', ['bob@x.test']],
      ['emails[type eq "home" and value co "home"]', ['alice@x.test']],
      ['emails.value ew "@home.test"', ['alice@x.test']],
      ['emails co "bob"', ['bob@x.test']],
      // The owner, invited, has no SCIM document; GET shows their email as work and primary.
      ['emails pr', ['alice@x.test', 'bob@x.test', 'OWNER']],
      [`${ENTERPRISE}:department eq "R&D"`, ['alice@x.test', 'carol_1%@x.test']],
      [`${ENTERPRISE}:manager.value eq "m-1"`, ['bob@x.test']],
      [`${ENTERPRISE}:employeeNumber pr`, ['alice@x.test']],
      ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "a"', ['alice@x.test']],
      ['title eq null', ['carol_1%@x.test', 'OWNER']],
      ['meta.created gt "2000-01-01T00:00:00Z"', ['alice@x.test', 'bob@x.test', 'carol_1%@x.test', 'OWNER']],
      ['meta.lastModified lt "2000-01-01T00:00:00Z"', []],
    ])('%s', async (filter, expected) => {
      const res = await call('GET', q(filter));
      expect(res.status).toBe(200);
      const want = expected.map((n) => (n === 'OWNER' ? owner : n)).sort();
      expect(names(res)).toEqual(want);
      expect(res.body.totalResults).toBe(want.length);
    });

    it.each([
      ['password eq "x"', 'a write-only attribute'],
      ['nickName[type eq "x"]', 'a value filter on a single-valued attribute'],
      ['groups.display eq "x"', 'a sub-attribute outside the allowlist'],
      ['unknownAttribute eq "x"', 'an unknown attribute'],
      ['active gt true', 'an ordering of booleans'],
      ['meta.created gt "yesterday"', 'a date that is not a date'],
      ['meta.created gt "2026-02-30T00:00:00Z"', 'a day no calendar has'],
      ['meta.lastModified lt "2026-04-31"', 'a day no calendar has'],
      ['userName eq true', 'a boolean for a string'],
      ['title eq', 'a missing value'],
      ['name eq "Alice"', 'a comparison of a complex attribute that has no value'],
    ])('%s is a 400 invalidFilter (%s)', async (filter) => {
      const res = await call('GET', q(filter));
      expect(res.status).toBe(400);
      expect(res.body.scimType).toBe('invalidFilter');
    });

    it('sorts by an attribute in either order, and pages with startIndex and count', async () => {
      const asc = await call('GET', '/Users?sortBy=name.givenName&sortOrder=ascending&count=2');
      expect(asc.body).toMatchObject({ totalResults: 4, itemsPerPage: 2, startIndex: 1 });
      const desc = await call('GET', '/Users?sortBy=name.familyName&sortOrder=descending');
      expect(
        (desc.body.Resources ?? [])
          .slice(0, 3)
          .map((r) => (r['name'] as { familyName?: string })?.familyName),
      ).toEqual(['Zeta', 'Young', 'Xu']);
      const page2 = await call('GET', '/Users?startIndex=2&count=2&sortBy=userName');
      expect(page2.body).toMatchObject({ startIndex: 2, itemsPerPage: 2 });
      const beyond = await call('GET', '/Users?startIndex=99');
      expect(beyond.body).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
      const zero = await call('GET', '/Users?count=0');
      expect(zero.body).toMatchObject({ totalResults: 4, itemsPerPage: 0 });
      expect((await call('GET', '/Users?sortBy=title')).body.scimType).toBe('invalidValue');
    });

    it('pages walked one after another return every user exactly once', async () => {
      const seen: string[] = [];
      for (let start = 1; start <= 4; start += 1) {
        const page = await call('GET', `/Users?startIndex=${start}&count=1`);
        seen.push(...(page.body.Resources ?? []).map((r) => String(r['id'])));
      }
      expect(new Set(seen).size).toBe(4);
    });

    it('an account made by invitation is found by its work email, as Entra matches by mail', async () => {
      for (const filter of [
        `emails[type eq "work"].value eq "${owner.toUpperCase()}"`,
        `emails[primary eq true].value eq "${owner}"`,
      ]) {
        expect(names(await call('GET', q(filter))), filter).toEqual([owner]);
      }
      expect(names(await call('GET', q(`emails[type eq "home"].value eq "${owner}"`)))).toEqual([]);
    });

    it('caseExact=false compares non-ASCII letters case-insensitively, the exact case included', async () => {
      const created = await call('POST', '/Users', {
        userName: 'ÅSA@x.test',
        name: { givenName: 'Åsa', familyName: 'Öberg' },
        title: 'ÉLÈVE',
        emails: [{ type: 'work', value: 'ÅSA.Ö@x.test' }],
        [ENTERPRISE]: { department: 'Ünicode' },
      });
      expect(created.status).toBe(201);
      try {
        for (const filter of [
          'emails[type eq "work"].value eq "ÅSA.Ö@x.test"',
          'emails.value eq "åsa.ö@X.TEST"',
          'emails.value co "Å"',
          'name.givenName eq "Åsa"',
          'name.familyName eq "ÖBERG"',
          'title eq "élève"',
          'title sw "ÉL"',
          `${ENTERPRISE}:department eq "Ünicode"`,
        ]) {
          expect(names(await call('GET', q(filter))), filter).toEqual(['ÅSA@x.test']);
        }
        // Σ lowers to ς at the end of a word in JavaScript and to σ in PostgreSQL; both fold to σ.
        const sigma = await call('POST', '/Users', { userName: 'οδοσ@x.test', title: 'ΟΔΟΣ' });
        expect(sigma.status).toBe(201);
        expect((await call('POST', '/Users', { userName: 'ΟΔΟΣ@x.test' })).body).toMatchObject({
          status: '409',
          scimType: 'uniqueness',
        });
        for (const filter of ['userName eq "ΟΔΟΣ@x.test"', 'title eq "οδος"', 'title eq "ΟΔΟΣ"']) {
          expect(names(await call('GET', q(filter))), filter).toEqual(['οδοσ@x.test']);
        }
        expect((await call('DELETE', `/Users/${String(sigma.body.id)}`)).status).toBe(204);
        const sorted = await call('GET', '/Users?sortBy=name.familyName&sortOrder=descending&count=1');
        expect(names(sorted), 'Ö folds to ö, after every ASCII letter').toEqual(['ÅSA@x.test']);
      } finally {
        expect((await call('DELETE', `/Users/${String(created.body.id)}`)).status).toBe(204);
      }
    });

    it('attributes and excludedAttributes shape the resources; id and schemas always stay', async () => {
      const only = await call(
        'GET',
        q('userName eq "alice@x.test"', `&attributes=userName,emails.value,${ENTERPRISE}:department`),
      );
      expect(only.body.Resources?.[0]).toEqual({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
        id: ids['alice@x.test'],
        userName: 'alice@x.test',
        emails: [{ value: 'alice@x.test' }, { value: 'alice@home.test' }],
        [ENTERPRISE]: { department: 'R&D' },
      });
      const without = await call('GET', `/Users/${ids['alice@x.test']}?excludedAttributes=emails,name,id`);
      expect(without.body).not.toHaveProperty('emails');
      expect(without.body).not.toHaveProperty('name');
      expect(without.body.id).toBe(ids['alice@x.test']);
      expect(without.body).toHaveProperty('userName');
      const meta = await call(
        'GET',
        `/Users/${ids['alice@x.test']}?attributes=Meta.Created,meta.lastModified`,
      );
      expect(Object.keys(meta.body).sort()).toEqual(['id', 'meta', 'schemas']);
      expect(Object.keys(meta.body.meta as object).sort()).toEqual(['created', 'lastModified']);
    });

    it('a user’s groups are returned when asked for', async () => {
      const g = await call('POST', '/Groups', {
        displayName: 'Readers',
        members: [{ value: ids['bob@x.test'] }],
      });
      const res = await call('GET', `/Users/${ids['bob@x.test']}?attributes=groups`);
      expect(res.body.groups).toEqual([
        {
          value: g.body.id,
          $ref: expect.stringContaining(String(g.body.id)),
          display: 'Readers',
          type: 'direct',
        },
      ]);
      const byGroup = await call('GET', q(`groups eq "${String(g.body.id)}"`));
      expect(names(byGroup)).toEqual(['bob@x.test']);
    });

    it('POST /.search searches without creating anything, and the root search spans users and groups', async () => {
      const before = await countRows(t.db, 'users');
      const res = await call('POST', '/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'name.givenName sw "a"',
        attributes: ['userName'],
        startIndex: 1,
        count: 10,
      });
      expect(res.status).toBe(200);
      expect(names(res)).toEqual(['alice@x.test']);
      expect(await countRows(t.db, 'users')).toBe(before);
      const root = await call('POST', '/.search', { filter: 'displayName sw "read" or userName sw "alice"' });
      expect(root.body.totalResults).toBe(2);
      expect((root.body.Resources ?? []).map((r) => r['schemas'])).toEqual([
        ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
        ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      ]);
    });

    it('a listing costs the same number of statements whatever the page size', async () => {
      const statements = async (count: number) =>
        (await statementsOf(t.db, () => call('GET', `/Users?count=${count}&attributes=userName,groups`)))
          .length;
      await statements(1); // the tenant's total is then known for a moment (ListCaches.totals)
      const four = await statements(4);
      expect(four).toBe(await statements(1));
      expect(four).toBeLessThanOrEqual(3);
    });
  });

  it('twenty parallel creates of one userName: exactly one succeeds, nineteen are uniqueness conflicts', async () => {
    const tn = await makeTenant(w);
    const { actor } = scimClient(w, tn.tenant.id);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        w.services.provisioning.createUser(
          actor,
          { userName: i % 2 ? 'Same@Example.test' : 'same@example.TEST' },
          {},
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(failures).toHaveLength(19);
    for (const err of failures) {
      expect(err).toBeInstanceOf(Conflict);
      expect((err as Conflict).details).toMatchObject({ scimType: 'uniqueness', attribute: 'userName' });
    }
  });

  it('concurrent PATCHes adding different members to one group lose none', async () => {
    const tn = await makeTenant(w);
    const { actor, call } = scimClient(w, tn.tenant.id);
    const users = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        w.services.provisioning.createUser(actor, { userName: `m${i}@x.test` }, {}),
      ),
    );
    const group = await call('POST', '/Groups', { displayName: 'Busy' });
    const groupId = String(group.body.id);
    await Promise.all(
      users.map((u) =>
        w.services.provisioning.patchGroup(
          actor,
          groupId,
          normalizePatch(
            patch({ op: 'add', path: 'members', value: [{ value: u.resource.id }] }),
            RESOURCE_TYPES.Group,
          ),
          {},
        ),
      ),
    );
    expect(await t.db.manager.count(GroupMember, { where: { groupId } })).toBe(12);
    expect((await call('GET', `/Groups/${groupId}`)).body.meta).toMatchObject({ version: 'W/"13"' });
  });

  it('group mappings: members get the mapped role, the highest of several, manual grants survive, removal revokes', async () => {
    const tn = await makeTenant(w);
    const { call } = scimClient(w, tn.tenant.id);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Platform' });
    const manual = await makeUser(w, tn, { teams: [{ teamId: team.id, role: 'editor' }] });
    const u = await call('POST', '/Users', { userName: 'mapped@x.test' });
    const userId = String(u.body.id);
    const viewers = String((await call('POST', '/Groups', { displayName: 'Viewers' })).body.id);
    const admins = String((await call('POST', '/Groups', { displayName: 'Admins' })).body.id);
    const managers = String((await call('POST', '/Groups', { displayName: 'Managers' })).body.id);
    await w.services.groupMappings.create(tn.ownerActor, {
      groupId: viewers,
      target: 'team',
      teamId: team.id,
      teamRole: 'viewer',
    });
    await w.services.groupMappings.create(tn.ownerActor, {
      groupId: admins,
      target: 'team',
      teamId: team.id,
      teamRole: 'admin',
    });
    await w.services.groupMappings.create(tn.ownerActor, {
      groupId: managers,
      target: 'tenant_role',
      tenantRole: 'manager',
    });
    const membership = () => t.db.manager.findOneBy(TeamMembership, { teamId: team.id, userId });
    const add = (g: string, id: string) =>
      call('PATCH', `/Groups/${g}`, patch({ op: 'add', path: 'members', value: [{ value: id }] }));
    const remove = (g: string, id: string) =>
      call('PATCH', `/Groups/${g}`, patch({ op: 'remove', path: `members[value eq "${id}"]` }));

    expect((await add(viewers, userId)).status).toBe(204);
    expect(await membership()).toMatchObject({ role: null, mappedRole: 'viewer' });
    await add(admins, userId);
    expect(await membership()).toMatchObject({ mappedRole: 'admin' });
    await remove(admins, userId);
    expect(await membership()).toMatchObject({ mappedRole: 'viewer' });
    await add(managers, userId);
    expect(await w.services.actors.forUser(tn.tenant.id, userId)).toMatchObject({ tenantRole: 'manager' });

    // A person's grant is not the IdP's to take away.
    await add(viewers, manual.user.id);
    await remove(viewers, manual.user.id);
    expect(
      await t.db.manager.findOneBy(TeamMembership, { teamId: team.id, userId: manual.user.id }),
    ).toMatchObject({ role: 'editor', mappedRole: null });

    // Deleting a group revokes what it granted, in the same request.
    expect((await call('DELETE', `/Groups/${viewers}`)).status).toBe(204);
    expect(await membership()).toBeNull();
    await remove(managers, userId);
    expect(await w.services.actors.forUser(tn.tenant.id, userId)).toMatchObject({ tenantRole: 'member' });
    const audits = await t.db.manager.findBy(AuditEvent, {
      tenantId: tn.tenant.id,
      action: 'user.mapped_roles_changed',
      targetId: userId,
    });
    expect(audits.length).toBeGreaterThanOrEqual(5);
    expect(audits.every((a) => a.actorLabel === 'scim:entra')).toBe(true);
  });

  it('the IdP may leave a team without members through a mapped group; the audit says it did', async () => {
    const tn = await makeTenant(w);
    const { call } = scimClient(w, tn.tenant.id);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Emptied' });
    const userId = String((await call('POST', '/Users', { userName: 'only@x.test' })).body.id);
    const groupId = String(
      (await call('POST', '/Groups', { displayName: 'Only', members: [{ value: userId }] })).body.id,
    );
    await w.services.groupMappings.create(tn.ownerActor, {
      groupId,
      target: 'team',
      teamId: team.id,
      teamRole: 'editor',
    });
    for (const m of await t.db.manager.findBy(TeamMembership, { teamId: team.id })) {
      if (m.userId !== userId) await w.services.teams.removeMember(tn.ownerActor, team.id, m.userId);
    }
    const actor = {
      kind: 'provisioner',
      tenantId: tn.tenant.id,
      tokenId: 'token-entra',
      label: 'entra',
    } as const;
    const deleted = await w.services.provisioning.deleteGroup(actor, groupId);
    expect(deleted.changes['mappedRoles'], 'the log’s diff names the grant the deletion revoked').toEqual([
      `${userId} team ${team.id}: editor → -`,
    ]);
    expect(await t.db.manager.countBy(TeamMembership, { teamId: team.id })).toBe(0);
    const records = await t.db.manager.findBy(AuditEvent, {
      tenantId: tn.tenant.id,
      action: 'user.mapped_roles_changed',
      targetId: userId,
    });
    const record = records.find((r) => 'lastMemberOf' in r.change);
    expect(record).toMatchObject({ teamId: team.id, actorLabel: 'scim:entra' });
    expect(record?.change).toMatchObject({ lastMemberOf: [team.id], after: { [`team:${team.id}`]: null } });
  });

  it('active=false revokes every session in the same transaction; reactivation restores sign-in', async () => {
    const tn = await makeTenant(w);
    const { call } = scimClient(w, tn.tenant.id);
    const id = String(
      (
        await call('POST', '/Users', {
          userName: 'leaver@x.test',
          emails: [{ value: 'leaver@x.test', type: 'work' }],
        })
      ).body.id,
    );
    const { token } = await t.db.transaction((tx) =>
      w.services.sessions.start(tx, {
        tenantId: tn.tenant.id,
        userId: id,
        method: 'sso',
        ip: null,
        userAgent: null,
      }),
    );
    await t.db.transaction((tx) =>
      w.services.sessions.start(tx, {
        tenantId: tn.tenant.id,
        userId: id,
        method: 'email_link',
        ip: null,
        userAgent: null,
      }),
    );
    expect(await w.services.sessions.resolve(token)).not.toBeNull();

    const res = await call('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: false } }));
    expect(res.body.active).toBe(false);
    const sessions = await t.db.manager.findBy(Session, { userId: id });
    expect(sessions.map((s) => s.revokedReason)).toEqual(['deactivated', 'deactivated']);
    const audit = await t.db.manager.findOneByOrFail(AuditEvent, {
      tenantId: tn.tenant.id,
      action: 'user.deactivated',
      targetId: id,
    });
    // Same transaction: the audit record and the revocation carry the same instant.
    expect(audit.occurredAt.getTime()).toBe(sessions[0]?.revokedAt?.getTime());
    expect(audit).toMatchObject({
      actorType: 'provisioner',
      actorLabel: 'scim:entra',
      change: { sessionsRevoked: 2 },
    });
    expect(await w.services.sessions.resolve(token)).toBeNull();
    await expect(w.services.actors.forUser(tn.tenant.id, id)).rejects.toThrow();

    await call('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'active', value: true }));
    await expect(w.services.actors.forUser(tn.tenant.id, id)).resolves.toMatchObject({ userId: id });
  });

  it('DELETE removes the user from the tenant even as a team’s last member, frees the userName, and says so in the audit', async () => {
    const tn = await makeTenant(w);
    const { call } = scimClient(w, tn.tenant.id);
    const id = String(
      (await call('POST', '/Users', { userName: 'gone@x.test', externalId: 'x-gone' })).body.id,
    );
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Solo' });
    await t.db.manager.delete(TeamMembership, { teamId: team.id });
    await t.db.manager.insert(TeamMembership, {
      teamId: team.id,
      userId: id,
      tenantId: tn.tenant.id,
      role: 'admin',
      mappedRole: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await t.db.transaction((tx) =>
      w.services.sessions.start(tx, {
        tenantId: tn.tenant.id,
        userId: id,
        method: 'sso',
        ip: null,
        userAgent: null,
      }),
    );

    expect((await call('DELETE', `/Users/${id}`)).status).toBe(204);
    const row = await t.db.manager.findOneByOrFail(User, { id });
    expect(row).toMatchObject({ active: false, userNameKey: null, externalId: null });
    expect(row.removedAt).toBeInstanceOf(Date);
    expect(await t.db.manager.countBy(TeamMembership, { userId: id })).toBe(0);
    expect(await t.db.manager.countBy(Session, { userId: id, revokedReason: 'deprovisioned' })).toBe(1);
    expect(
      await t.db.manager.findOneByOrFail(AuditEvent, { action: 'user.deprovisioned', targetId: id }),
    ).toMatchObject({
      change: { lastMemberOf: [team.id], sessionsRevoked: 1 },
    });
    expect((await call('POST', '/Users', { userName: 'GONE@x.test', externalId: 'x-gone' })).status).toBe(
      201,
    );
    expect((await call('DELETE', `/Users/${id}`)).status).toBe(404);
  });

  it('another tenant’s users and groups are not found, and cannot be made members', async () => {
    const a = await makeTenant(w);
    const b = await makeTenant(w);
    const ca = scimClient(w, a.tenant.id).call;
    const cb = scimClient(w, b.tenant.id).call;
    const user = String((await ca('POST', '/Users', { userName: 'a@a.test' })).body.id);
    const group = String((await ca('POST', '/Groups', { displayName: 'A' })).body.id);
    for (const [method, path] of [
      ['GET', `/Users/${user}`],
      ['PATCH', `/Users/${user}`],
      ['PUT', `/Users/${user}`],
      ['DELETE', `/Users/${user}`],
      ['GET', `/Groups/${group}`],
      ['DELETE', `/Groups/${group}`],
    ] as const) {
      const body =
        method === 'PATCH'
          ? patch({ op: 'replace', path: 'title', value: 'x' })
          : method === 'PUT'
            ? { userName: 'x' }
            : undefined;
      expect((await cb(method, path, body)).status).toBe(404);
    }
    expect((await cb('GET', q('userName eq "a@a.test"'))).body.totalResults).toBe(0);
    const own = String((await cb('POST', '/Groups', { displayName: 'B' })).body.id);
    const res = await cb(
      'PATCH',
      `/Groups/${own}`,
      patch({ op: 'add', path: 'members', value: [{ value: user }] }),
    );
    expect(res).toMatchObject({ status: 400, body: { scimType: 'invalidValue' } });
  });

  it('If-Match guards writes (412 on a stale version); If-None-Match answers 304 while unchanged', async () => {
    const tn = await makeTenant(w);
    const { call, actor } = scimClient(w, tn.tenant.id);
    const created = await call('POST', '/Users', { userName: 'etag@x.test' });
    const id = String(created.body.id);
    expect(created.headers['ETag']).toBe('W/"1"');
    expect((await call('GET', `/Users/${id}`, undefined, { ifNoneMatch: 'W/"1"' })).status).toBe(304);
    const ok = await call('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'title', value: 'A' }), {
      ifMatch: 'W/"1"',
    });
    expect(ok.headers['ETag']).toBe('W/"2"');
    expect(
      (
        await call('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'title', value: 'B' }), {
          ifMatch: 'W/"1"',
        })
      ).status,
    ).toBe(412);
    await expect(w.services.provisioning.deleteUser(actor, id, [1])).rejects.toBeInstanceOf(
      PreconditionFailed,
    );
    expect((await call('GET', `/Users/${id}`, undefined, { ifNoneMatch: 'W/"1"' })).status).toBe(200);
    expect((await call('DELETE', `/Users/${id}`, undefined, { ifMatch: '*' })).status).toBe(204);
  });

  it('a group’s version moves when a member is removed or renamed from the user’s side', async () => {
    const tn = await makeTenant(w);
    const { call } = scimClient(w, tn.tenant.id);
    const id = async (body: Record<string, unknown>) => String((await call('POST', '/Users', body)).body.id);
    const [ann, ben, cat] = [
      await id({ userName: 'ann@x.test' }),
      await id({ userName: 'ben@x.test' }),
      await id({ userName: 'cat@x.test', displayName: 'Cat' }),
    ];
    const group = await call('POST', '/Groups', {
      displayName: 'Watched',
      members: [ann, ben, cat].map((value) => ({ value })),
    });
    const path = `/Groups/${String(group.body.id)}`;
    const version = async () => String((await call('GET', path)).headers['ETag']);
    const before = await version();
    const lastModified = (group.body.meta as { lastModified: string }).lastModified;
    w.clock.advance(60_000);
    // Not shown in the group: the group stays as it was.
    await call('PATCH', `/Users/${ann}`, patch({ op: 'replace', path: 'title', value: 'Chief' }));
    expect(await version()).toBe(before);
    expect((await call('GET', path, undefined, { ifNoneMatch: before })).status).toBe(304);
    // Its member's name (`display`) changes.
    await call('PATCH', `/Users/${cat}`, patch({ op: 'replace', path: 'displayName', value: 'Catherine' }));
    const renamed = await version();
    expect(renamed).not.toBe(before);
    const fresh = await call('GET', path, undefined, { ifNoneMatch: before });
    expect(fresh.status).toBe(200);
    expect((fresh.body.meta as { lastModified: string }).lastModified > lastModified).toBe(true);
    // A member removed by DELETE /Users, and one removed by the console.
    expect((await call('DELETE', `/Users/${ben}`)).status).toBe(204);
    const deleted = await version();
    expect(deleted).not.toBe(renamed);
    await w.services.users.remove(tn.ownerActor, ann);
    expect(await version()).not.toBe(deleted);
    const members = (await call('GET', path)).body.members as Array<{ value: string; display: string }>;
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ value: cat, display: 'Catherine' });
  });

  it('a user asked for with groups is sent whole: groups change without the user’s version', async () => {
    const tn = await makeTenant(w);
    const { call } = scimClient(w, tn.tenant.id);
    const user = String((await call('POST', '/Users', { userName: 'member@x.test' })).body.id);
    const group = await call('POST', '/Groups', { displayName: 'Old name', members: [{ value: user }] });
    await call(
      'PATCH',
      `/Groups/${String(group.body.id)}`,
      patch({ op: 'replace', path: 'displayName', value: 'New name' }),
    );
    const asked = await call('GET', `/Users/${user}?attributes=groups`, undefined, { ifNoneMatch: 'W/"1"' });
    expect(asked.status).toBe(200);
    expect(asked.body.groups).toMatchObject([{ display: 'New name' }]);
    expect((await call('GET', `/Users/${user}`, undefined, { ifNoneMatch: 'W/"1"' })).status).toBe(304);
  });

  it('Entra’s work-email lookup finds a user by any of their work emails, through indexes', async () => {
    const tn = await makeTenant(w);
    const { call } = scimClient(w, tn.tenant.id);
    const lookup = async (address: string) =>
      ((await call('GET', q(`emails[type eq "work"].value eq "${address}"`))).body.Resources ?? []).map(
        (r) => r['userName'],
      );
    const dora = String(
      (
        await call('POST', '/Users', {
          userName: 'dora@x.test',
          emails: [
            { value: 'dora@x.test', type: 'work' },
            { value: 'Dora.Second@x.test', type: 'Work' },
            { value: 'dora@home.test', type: 'home' },
          ],
        })
      ).body.id,
    );
    await call('POST', '/Users', { userName: 'eli@x.test', emails: [{ value: 'eli@x.test', type: 'work' }] });
    expect(await lookup('dora@x.test')).toEqual(['dora@x.test']);
    expect(await lookup('dora.second@x.test')).toEqual(['dora@x.test']);
    expect(await lookup('ELI@x.test')).toEqual(['eli@x.test']);
    expect(await lookup('dora@home.test')).toEqual([]);
    const either = await call(
      'GET',
      q('emails[type eq "work"].value eq "eli@x.test" or userName eq "dora@x.test"'),
    );
    expect((either.body.Resources ?? []).map((r) => r['userName']).sort()).toEqual([
      'dora@x.test',
      'eli@x.test',
    ]);
    // Down to one work email, and up to two again by PATCH.
    await call(
      'PATCH',
      `/Users/${dora}`,
      patch({ op: 'remove', path: 'emails[value eq "Dora.Second@x.test"]' }),
    );
    expect(await lookup('dora.second@x.test')).toEqual([]);
    const eli = String((await call('GET', q('userName eq "eli@x.test"'))).body.Resources?.[0]?.['id']);
    await call(
      'PATCH',
      `/Users/${eli}`,
      patch({ op: 'add', path: 'emails', value: [{ value: 'eli2@x.test', type: 'work' }] }),
    );
    expect(await lookup('eli2@x.test')).toEqual(['eli@x.test']);
    if (t.db.dialect === 'sqlite') {
      // The users are found through the (tenant, email) index, never by walking the tenant.
      const sent = await statementsOf(t.db, () => lookup('eli2@x.test'));
      const plans: string[] = [];
      for (const st of sent) {
        const plan: Array<{ detail: string }> = await t.db.dataSource.query(
          `EXPLAIN QUERY PLAN ${st.sql}`,
          st.params,
        );
        plans.push(...plan.map((row) => row.detail).filter((d) => /^(SEARCH|SCAN) u\b/.test(d)));
      }
      expect(plans).toEqual([
        expect.stringContaining('idx_users_tenant_other_work_emails'),
        expect.stringContaining('uq_users_tenant_email'),
      ]);
    }
  });

  it('a tenant with more users with several work emails than are listed still finds each of them', async () => {
    const tn = await makeTenant(w);
    const { call } = scimClient(w, tn.tenant.id);
    const many = Array.from({ length: 202 }, (_, i) => i);
    for (let i = 0; i < many.length; i += 50) {
      await Promise.all(
        many.slice(i, i + 50).map((n) =>
          call('POST', '/Users', {
            userName: `m${n}@x.test`,
            emails: [
              { value: `m${n}@x.test`, type: 'work' },
              { value: `m${n}.alias@x.test`, type: 'work' },
            ],
          }),
        ),
      );
    }
    for (const address of ['m7.alias@x.test', 'm201@x.test']) {
      const res = await call('GET', q(`emails[type eq "work"].value eq "${address}"`));
      expect(res.body.totalResults, address).toBe(1);
    }
  });

  it('an unchanged resend writes nothing and keeps the version', async () => {
    const tn = await makeTenant(w);
    const { call } = scimClient(w, tn.tenant.id);
    const id = String((await call('POST', '/Users', { userName: 'same@x.test', title: 'A' })).body.id);
    const audits = await countRows(t.db, 'audit_events');
    const res = await call('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'title', value: 'A' }));
    expect(res.headers['ETag']).toBe('W/"1"');
    expect(await countRows(t.db, 'audit_events')).toBe(audits);
  });

  it('Bulk resolves bulkId references and stops at failOnErrors; what it reports is what was committed', async () => {
    const tn = await makeTenant(w);
    const { call, bulk } = scimClient(w, tn.tenant.id);
    const res = await bulk(
      [
        { method: 'POST', path: '/Users', bulkId: 'u1', data: { userName: 'bulk1@x.test' } },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g1',
          data: { displayName: 'Bulk', members: [{ value: 'bulkId:u1' }] },
        },
        { method: 'POST', path: '/Users', bulkId: 'dup', data: { userName: 'BULK1@x.test' } },
        {
          method: 'PATCH',
          path: '/Groups/bulkId:g1',
          data: patch({ op: 'add', path: 'members', value: [{ value: 'bulkId:nope' }] }),
        },
        { method: 'POST', path: '/Users', bulkId: 'never', data: { userName: 'never@x.test' } },
      ],
      { failOnErrors: 2 },
    );
    expect(res.status).toBe(200);
    const { ops } = res;
    expect(ops.map((o) => o['status'])).toEqual(['201', '201', '409', '409']);
    expect(ops[2]).toMatchObject({ bulkId: 'dup', response: { scimType: 'uniqueness' } });
    expect(ops[3]).toMatchObject({ response: { scimType: 'conflict' } });
    const group = await call(
      'GET',
      String(ops[1]?.['location']).replace('https://gatehouse.test/scim/v2', ''),
    );
    expect(group.body['members']).toEqual([
      expect.objectContaining({ value: String(ops[0]?.['location']).split('/').pop() }),
    ]);
    expect((await call('GET', q('userName eq "never@x.test"'))).body.totalResults).toBe(0);
  });

  it('Bulk runs an operation after the POSTs whose bulkIds it names, and answers in the order sent', async () => {
    const tn = await makeTenant(w);
    const { call, bulk } = scimClient(w, tn.tenant.id);
    const res = await bulk([
      {
        method: 'POST',
        path: '/Groups',
        bulkId: 'g',
        data: { displayName: 'Forward', members: [{ value: 'bulkId:u1' }, { value: 'bulkId:u2' }] },
      },
      {
        method: 'PATCH',
        path: '/Users/bulkId:u2',
        data: patch({ op: 'replace', path: `${ENTERPRISE}:manager`, value: 'bulkId:u1' }),
      },
      { method: 'POST', path: '/Users', bulkId: 'u1', data: { userName: 'fwd1@x.test' } },
      { method: 'POST', path: '/Users', bulkId: 'u2', data: { userName: 'fwd2@x.test' } },
    ]);
    const { ops } = res;
    expect(ops.map((o) => [o['bulkId'], o['method'], o['status']])).toEqual([
      ['g', 'POST', '201'],
      [undefined, 'PATCH', '200'],
      ['u1', 'POST', '201'],
      ['u2', 'POST', '201'],
    ]);
    const idOf = (o: Record<string, unknown> | undefined) => String(o?.['location']).split('/').pop();
    const group = await call('GET', `/Groups/${idOf(ops[0])}`);
    expect((group.body['members'] as Array<{ value: string }>).map((m) => m.value).sort()).toEqual(
      [idOf(ops[2]), idOf(ops[3])].sort(),
    );
    const u2 = await call('GET', `/Users/${idOf(ops[3])}`);
    expect(u2.body[ENTERPRISE]).toEqual({ manager: expect.objectContaining({ value: idOf(ops[2]) }) });
  });

  it('Bulk answers 409 for circular bulkId references and for one whose POST failed, and writes nothing for them', async () => {
    const tn = await makeTenant(w);
    const { call, bulk } = scimClient(w, tn.tenant.id);
    const res = await bulk([
      {
        method: 'POST',
        path: '/Users',
        bulkId: 'a',
        data: { userName: 'circle-a@x.test', [ENTERPRISE]: { manager: { value: 'bulkId:b' } } },
      },
      {
        method: 'POST',
        path: '/Users',
        bulkId: 'b',
        data: { userName: 'circle-b@x.test', [ENTERPRISE]: { manager: { value: 'bulkId:a' } } },
      },
      { method: 'POST', path: '/Users', bulkId: 'bad', data: { displayName: 'No userName' } },
      {
        method: 'POST',
        path: '/Groups',
        data: { displayName: 'Late', members: [{ value: 'bulkId:bad' }] },
      },
      { method: 'POST', path: '/Users/.search', bulkId: 's', data: { filter: 'userName pr' } },
      { method: 'PATCH', path: '/Groups/.search', data: {} },
    ]);
    const { ops } = res;
    expect(ops.map((o) => o['status'])).toEqual(['409', '409', '400', '409', '400', '400']);
    expect(ops[0]).toMatchObject({ response: { scimType: 'conflict' } });
    expect((await call('GET', '/Users?count=0')).body.totalResults).toBe(1); // the owner only
    expect((await call('GET', '/Groups?count=0')).body.totalResults).toBe(0);
  });

  it('a Bulk operation that cannot run fails alone, and every result but a failed POST names its resource', async () => {
    const tn = await makeTenant(w);
    const { call, bulk } = scimClient(w, tn.tenant.id);
    const user = String((await call('POST', '/Users', { userName: 'kept@x.test' })).body.id);
    const gone = String((await call('POST', '/Users', { userName: 'gone@x.test' })).body.id);
    const res = await bulk([
      { method: 'GET', path: `/Users/${user}` },
      { method: 'POST', path: '/Bogus', data: {} },
      { method: 'POST', path: '/Users', bulkId: 'b', data: { userName: 'bulk-b@x.test' } },
      { method: 'POST', path: '/Users', bulkId: 'b', data: { userName: 'bulk-c@x.test' } },
      'not an operation',
      {
        method: 'PATCH',
        path: `/Users/${user}`,
        data: patch({ op: 'replace', path: 'title', value: 'T' }),
      },
      { method: 'DELETE', path: `/Users/${gone}` },
      { method: 'DELETE', path: '/Users/unknown-id' },
    ]);
    expect(res.status).toBe(200);
    const { ops } = res;
    expect(ops.map((o) => o['status'])).toEqual(['400', '400', '201', '400', '400', '200', '204', '404']);
    const base = 'https://gatehouse.test/scim/v2';
    expect(ops.map((o) => o['location'])).toEqual([
      undefined,
      undefined,
      expect.stringMatching(`^${base}/Users/`),
      undefined,
      undefined,
      `${base}/Users/${user}`,
      `${base}/Users/${gone}`,
      `${base}/Users/unknown-id`,
    ]);
    expect((await call('GET', q('userName eq "bulk-c@x.test"'))).body.totalResults).toBe(0);
    expect((await call('GET', `/Users/${gone}`)).status).toBe(404);
  });

  it('a Bulk request over maxOperations is refused whole', async () => {
    const tn = await makeTenant(w);
    const { call, bulk } = scimClient(w, tn.tenant.id);
    const Operations = Array.from({ length: 1001 }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      data: { userName: `u${i}` },
    }));
    const res = await bulk(Operations);
    expect(res.body.scimType).toBe('tooMany');
    expect((await call('GET', '/Users')).body.totalResults).toBe(1);
  });

  it('the provisioning log lists newest first with a keyset cursor, filters by resource, and purges past retention', async () => {
    const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
    const { services } = {
      services: (await import('../src/services/index.js')).createServices(t.db, {
        encryptionKey: Buffer.alloc(32, 1),
        clock,
        provisioning: { log: { retentionDays: 7 } },
      }),
    };
    const tn = await makeTenant({ services, clock });
    for (let i = 0; i < 5; i += 1) {
      clock.advance(1000);
      services.provisioningLog.record({
        tenantId: tn.tenant.id,
        tokenId: 'tok',
        tokenName: 'entra',
        method: 'PATCH',
        path: `/scim/v2/Users/u${i % 2}`,
        status: i === 3 ? 400 : 200,
        durationMs: 3,
        resourceType: 'User',
        resourceId: `u${i % 2}`,
        changes: { title: ['a', `b${i}`] },
        error: i === 3 ? 'scim.invalidPath: bad' : null,
      });
    }
    await services.provisioningLog.flush();
    const first = await services.provisioningLog.list(tn.ownerActor, { limit: 2 });
    expect(first.items.map((e) => e.changes)).toEqual([{ title: ['a', 'b4'] }, { title: ['a', 'b3'] }]);
    const second = await services.provisioningLog.list(tn.ownerActor, {
      limit: 2,
      cursor: first.nextCursor ?? '',
    });
    expect(second.items.map((e) => e.changes)).toEqual([{ title: ['a', 'b2'] }, { title: ['a', 'b1'] }]);
    expect((await services.provisioningLog.list(tn.ownerActor, { resourceId: 'u0' })).items).toHaveLength(3);
    expect((await services.provisioningLog.list(tn.ownerActor, { status: '4xx' })).items).toMatchObject([
      { status: 400, error: 'scim.invalidPath: bad' },
    ]);
    const member = await (await makeUser({ services, clock }, tn)).actor();
    await expect(services.provisioningLog.list(member)).rejects.toThrow(/owner or manager/);

    clock.advance(8 * 86_400_000);
    expect(await services.provisioningLog.purgeExpired()).toBeGreaterThanOrEqual(5);
    expect(await t.db.manager.countBy(ProvisioningLogEntry, { tenantId: tn.tenant.id })).toBe(0);
  });

  it('the per-token rate limit is shared through the counter table by every replica', async () => {
    const clock = new ManualClock(new Date('2026-03-01T00:00:10Z'));
    const options = { limit: 10, windowSeconds: 60, syncEveryMs: 0 };
    const replicaA = new ScimRateLimiter(t.db, clock, options);
    const replicaB = new ScimRateLimiter(t.db, clock, options);
    const token = `tok-${Date.now()}`;
    for (let i = 0; i < 5; i += 1) expect(await replicaA.take(token)).toEqual({ allowed: true });
    for (let i = 0; i < 5; i += 1) expect(await replicaB.take(token)).toEqual({ allowed: true });
    expect(await replicaA.take(token)).toEqual({ allowed: false, retryAfterSeconds: 50 });
    expect(await replicaB.take(token)).toMatchObject({ allowed: false });
    expect(await replicaA.take('another-token')).toEqual({ allowed: true });
    clock.advance(50_000);
    expect(await replicaB.take(token)).toEqual({ allowed: true });
  });
});
