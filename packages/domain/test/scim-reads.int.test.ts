// SCIM's hot reads (scim/repository/reads.ts: lookups by a unique key, GET by id, the default-order
// user listing) answer byte for byte what the generic RFC 7644 filter path answers for the same data.
// The generic answer is asked for with an equivalent request the fast path does not take: `X or X`
// for a key equality, `sortBy=userName` for the default order (userName keys are unique).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE } from '../src/scim/__fixtures__/quirks.js';
import { usersByKey } from '../src/scim/repository/reads.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { makeServices, makeTenant, type MadeTenant, type TestWorld } from './factories.js';
import { scimClient, type ScimCall } from './scim-support.js';
import { recordStatements, statementsOf } from './statements.js';

const q = (filter: string, extra = '') => `/Users?filter=${encodeURIComponent(filter)}${extra}`;
const g = (filter: string, extra = '') => `/Groups?filter=${encodeURIComponent(filter)}${extra}`;
const answer = (res: ScimCall) => JSON.stringify({ status: res.status, body: res.body });

describe.each(DATABASES)('SCIM hot reads on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  let tn: MadeTenant;
  let call: ReturnType<typeof scimClient>['call'];
  const users: Array<{ id: string; userName: string; externalId?: string }> = [];
  const groups: Array<{ id: string; displayName: string }> = [];
  let removed = { id: '', userName: '' };

  /** Counts the statements a request runs (the data source's logger sees each one). */
  const statements = async (work: () => Promise<unknown>) => (await statementsOf(t.db, work)).length;

  beforeAll(async () => {
    t = await openTestDatabase(target);
    w = makeServices(t.db);
    tn = await makeTenant(w);
    call = scimClient(w, tn.tenant.id).call;
    const people = [
      {
        userName: 'Ada.Lovelace@x.test',
        externalId: 'EXT-ada',
        name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' },
        displayName: 'Ada',
        title: 'Analyst',
        emails: [
          { value: 'ada@x.test', type: 'work', primary: true },
          { value: 'ada@home.test', type: 'home' },
        ],
        phoneNumbers: [{ value: '+44 20 7946 0000', type: 'work' }],
        [ENTERPRISE]: { department: 'R&D', manager: { value: 'm-1' }, employeeNumber: '1815' },
      },
      { userName: 'bob@x.test', active: false, emails: [{ value: 'bob@x.test', type: 'work' }] },
      { userName: 'Çelik.Ümit@x.test', externalId: 'ümit', name: { givenName: 'Ümit' } },
      { userName: 'dee@x.test', externalId: 'ext-dee', displayName: 'Dee', locale: 'en-GB' },
      { userName: 'eve@x.test', externalId: 'ext-eve', [ENTERPRISE]: { costCenter: 'C-7' } },
    ];
    for (const p of people) {
      const res = await call('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
        ...p,
      });
      expect(res.status).toBe(201);
      users.push({
        id: String(res.body.id),
        userName: p.userName,
        ...('externalId' in p ? { externalId: p.externalId } : {}),
      });
    }
    // Updated once, so its version and lastModified differ from its creation.
    const dee = users[3];
    if (!dee) throw new Error('dee was not created');
    w.clock.advance(60_000);
    const patched = await call('PATCH', `/Users/${dee.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'title', value: 'Lead' }],
    });
    expect(patched.status).toBe(200);
    // The tenant's owner was invited, not provisioned: no SCIM document, one email.
    users.push({ id: tn.owner.id, userName: tn.owner.userName });
    const gone = await call('POST', '/Users', { userName: 'gone@x.test', externalId: 'ext-gone' });
    removed = { id: String(gone.body.id), userName: 'gone@x.test' };
    expect((await call('DELETE', `/Users/${removed.id}`)).status).toBe(204);
    for (const displayName of ['Readers', 'Écrivains', 'writers-2']) {
      const res = await call('POST', '/Groups', { displayName, externalId: `g-${displayName}` });
      expect(res.status).toBe(201);
      groups.push({ id: String(res.body.id), displayName });
    }
    const [ada, bob] = users;
    const [readers] = groups;
    await call('PATCH', `/Groups/${readers?.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: [{ value: ada?.id }, { value: bob?.id }] }],
    });
  });
  afterAll(() => t.close());

  const lookups = () =>
    users.flatMap((u) => [
      `userName eq "${u.userName}"`,
      `userName eq "${u.userName.toUpperCase()}"`,
      `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "${u.userName}"`,
      `id eq "${u.id}"`,
      `ID eq "${u.id}"`,
      ...(u.externalId
        ? [`externalId eq "${u.externalId}"`, `externalId eq "${u.externalId.toUpperCase()}"`]
        : []),
    ]);

  /** Lookups that find a user, and lookups that find none (unknown, removed). */
  const lookupsAndMisses = () => [
    ...lookups(),
    'userName eq "nobody@x.test"',
    `userName eq "${removed.userName}"`,
    `id eq "${removed.id}"`,
    'externalId eq "ext-gone"',
  ];

  it('a lookup by userName, externalId or id answers what the generic filter path answers', async () => {
    for (const filter of [...lookupsAndMisses(), 'id eq ""']) {
      for (const extra of [
        '',
        '&startIndex=2',
        '&count=0',
        '&attributes=userName,groups',
        `&excludedAttributes=emails,${ENTERPRISE}`,
      ]) {
        const fast = await call('GET', q(filter, extra));
        const generic = await call('GET', q(`${filter} or ${filter}`, extra));
        expect(answer(fast), `${filter}${extra}`).toBe(answer(generic));
      }
    }
  });

  it('a root search by a unique key answers what the generic filter path answers', async () => {
    for (const filter of lookups()) {
      const root = (f: string) => call('GET', `/?filter=${encodeURIComponent(f)}`);
      expect(answer(await root(filter)), filter).toBe(answer(await root(`${filter} or ${filter}`)));
    }
  });

  it('a lookup finds exactly the user it names, on one statement', async () => {
    const ada = users[0];
    if (!ada) throw new Error('no users');
    let res: ScimCall | undefined;
    expect(
      await statements(async () => (res = await call('GET', q('userName eq "ADA.lovelace@x.test"')))),
    ).toBe(1);
    expect(res?.body).toMatchObject({ totalResults: 1, itemsPerPage: 1, startIndex: 1 });
    expect(res?.body.Resources?.[0]).toMatchObject({ id: ada.id, userName: ada.userName });
    expect((await call('GET', q(`userName eq "${removed.userName}"`))).body.totalResults).toBe(0);
  });

  it('concurrent lookups answer each its own, gathered into one statement per key', async () => {
    const filters = lookupsAndMisses();
    const alone = [];
    for (const filter of filters) alone.push(answer(await call('GET', q(filter))));
    const ids = users.map((u) => `/Users/${u.id}`);
    const byId = [];
    for (const path of ids) byId.push(answer(await call('GET', path)));
    // Every lookup twice, all at once, interleaved with GETs by id.
    const { result, sent } = await recordStatements(t.db, () =>
      Promise.all([
        ...[...filters, ...filters].map((f) => call('GET', q(f))),
        ...ids.map((path) => call('GET', path)),
      ]),
    );
    expect(result.map(answer)).toEqual([...alone, ...alone, ...byId]);
    // userName, externalId and id: one statement each (GETs by id join the `id eq` lookups).
    expect(sent).toHaveLength(3);
  });

  it('a lookup value the database refuses fails alone, not the lookups it was gathered with', async () => {
    const ada = users[0];
    if (!ada) throw new Error('no users');
    // PostgreSQL refuses a NUL character in text; the filter parser and the gateway refuse one before
    // it gets this far, so the lookup is asked for directly.
    const key = (value: string) => usersByKey(t.db, tn.tenant.id, { expr: 'u.user_name_key', value });
    const [bad, good] = await Promise.allSettled([key('nul\u0000@x.test'), key(ada.userName.toLowerCase())]);
    expect(bad.status).toBe(target.name === 'postgres' ? 'rejected' : 'fulfilled');
    expect(good).toMatchObject({ status: 'fulfilled', value: [{ id: ada.id }] });
    expect((await call('GET', q('userName eq "nul\\u0000@x.test"'))).body).toMatchObject({
      status: '400',
      scimType: 'invalidFilter',
    });
  });

  it('GET /Users/:id answers the resource the listing holds, with its version as ETag', async () => {
    for (const u of users) {
      for (const extra of ['', '?attributes=groups', '?excludedAttributes=name,emails']) {
        const one = await call('GET', `/Users/${u.id}${extra}`);
        const listed = await call('GET', q(`id eq "${u.id}" or id eq "${u.id}"`, extra.replace('?', '&')));
        expect(one.status).toBe(200);
        expect(JSON.stringify(one.body), `${u.userName}${extra}`).toBe(
          JSON.stringify(listed.body.Resources?.[0]),
        );
      }
      const one = await call('GET', `/Users/${u.id}`);
      expect(one.headers['ETag']).toBe((one.body['meta'] as { version: string }).version);
    }
    expect((await call('GET', `/Users/${removed.id}`)).status).toBe(404);
    expect((await call('GET', '/Users/not-an-id')).status).toBe(404);
  });

  it('another tenant’s user is not found by id, userName or externalId', async () => {
    const other = scimClient(w, (await makeTenant(w)).tenant.id).call;
    const ada = users[0];
    if (!ada) throw new Error('no users');
    expect((await other('GET', `/Users/${ada.id}`)).status).toBe(404);
    for (const filter of [`id eq "${ada.id}"`, `userName eq "${ada.userName}"`, 'externalId eq "EXT-ada"']) {
      expect((await other('GET', q(filter))).body.totalResults).toBe(0);
    }
  });

  it('default-order pages, walked or jumped to, in either order, are those of sortBy=userName', async () => {
    for (const order of ['ascending', 'descending']) {
      for (const count of [1, 2, 4, 100]) {
        // Walked page after page (the second time round, from the cursors the first walk left).
        for (const round of [1, 2]) {
          for (let start = 1; start <= users.length + 1; start += count) {
            const extra = `startIndex=${start}&count=${count}&sortOrder=${order}`;
            const fast = await call('GET', `/Users?${extra}`);
            const generic = await call('GET', `/Users?${extra}&sortBy=userName`);
            expect(answer(fast), `${extra} round ${round}`).toBe(answer(generic));
          }
        }
      }
      // Jumps into the middle, where no cursor is known.
      for (const start of [3, 2, 5, 99]) {
        const extra = `startIndex=${start}&count=2&sortOrder=${order}&attributes=userName`;
        expect(answer(await call('GET', `/Users?${extra}`)), extra).toBe(
          answer(await call('GET', `/Users?${extra}&sortBy=userName`)),
        );
      }
    }
  });

  it('a page asked for after a write starts where the order now says, not where a walk left off', async () => {
    const fresh = scimClient(w, (await makeTenant(w)).tenant.id).call;
    for (const n of [10, 11, 12, 13, 14, 15]) await fresh('POST', '/Users', { userName: `u${n}@y.test` });
    const same = async (extra: string) =>
      expect(answer(await fresh('GET', `/Users?${extra}`)), extra).toBe(
        answer(await fresh('GET', `/Users?${extra}&sortBy=userName`)),
      );
    for (const filter of ['', `&filter=${encodeURIComponent('userName ew "@y.test"')}`]) {
      // The first page leaves a cursor for startIndex=3; users then arrive in front of it.
      await fresh('GET', `/Users?startIndex=1&count=2${filter}`);
      for (const n of [1, 2, 3]) await fresh('POST', '/Users', { userName: `a${n}${filter.length}@y.test` });
      await same(`startIndex=3&count=2${filter}`);
      // And after a removal in front of it.
      await fresh('GET', `/Users?startIndex=1&count=2${filter}`);
      const first = await fresh(
        'GET',
        `/Users?filter=${encodeURIComponent(`userName eq "a1${filter.length}@y.test"`)}`,
      );
      const id = String((first.body.Resources as Array<{ id: string }>)[0]?.id);
      expect((await fresh('DELETE', `/Users/${id}`)).status).toBe(204);
      await same(`startIndex=3&count=2${filter}`);
    }
  });

  it('a first page shorter than count needs no separate count', async () => {
    const fresh = scimClient(w, (await makeTenant(w)).tenant.id).call;
    await fresh('POST', '/Users', { userName: 'solo@x.test' });
    let res: ScimCall | undefined;
    expect(await statements(async () => (res = await fresh('GET', '/Users?count=100')))).toBe(1);
    // The owner and the provisioned user.
    expect(res?.body).toMatchObject({ totalResults: 2, itemsPerPage: 2 });
    const full = await fresh('GET', '/Users?count=1');
    expect(full.body).toMatchObject({ totalResults: 2, itemsPerPage: 1 });
  });

  it('a group lookup by displayName or id, and GET /Groups/:id, answer what the generic path answers', async () => {
    for (const grp of groups) {
      const filters = [
        `displayName eq "${grp.displayName}"`,
        `displayName eq "${grp.displayName.toUpperCase()}"`,
        `id eq "${grp.id}"`,
      ];
      for (const filter of filters) {
        for (const extra of ['', '&excludedAttributes=members', '&startIndex=2', '&count=0']) {
          const fast = await call('GET', g(filter, extra));
          const generic = await call('GET', g(`${filter} or ${filter}`, extra));
          expect(answer(fast), `${filter}${extra}`).toBe(answer(generic));
        }
      }
      // Lists and GET /Groups/:id both carry members by default, and both leave them out when excluded.
      for (const extra of ['', 'excludedAttributes=members']) {
        const one = await call('GET', `/Groups/${grp.id}?${extra}`);
        const listed = await call('GET', g(`id eq "${grp.id}" or id eq "${grp.id}"`, `&${extra}`));
        expect(JSON.stringify(one.body)).toBe(JSON.stringify(listed.body.Resources?.[0]));
      }
    }
    expect((await call('GET', g('displayName eq "nobody"'))).body.totalResults).toBe(0);
    expect((await call('GET', '/Groups/not-an-id')).status).toBe(404);
  });
});
