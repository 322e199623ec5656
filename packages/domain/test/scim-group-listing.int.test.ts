// Group listings carry their members (issue 4; RFC 7643 §4.2, `members` is `returned: "default"`):
// Okta's group import reads them from the listing, Entra ID's `excludedAttributes=members` still
// gets none, and a page of big groups ends early (RFC 7644 §3.4.2.4) instead of dumping every
// membership, with each group always whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { makeServices, makeTenant, type TestWorld } from './factories.js';
import { BASE_URL, scimClient, type ScimCall } from './scim-support.js';
import { statementsOf } from './statements.js';

type Resource = Record<string, unknown>;

describe.each(DATABASES)('SCIM group listings on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  beforeAll(async () => {
    t = await openTestDatabase(target);
    w = makeServices(t.db);
  });
  afterAll(() => t.close());

  /** The statements `work` runs, with their parameters, as the driver receives them. */
  const statements = (work: () => Promise<unknown>) => statementsOf(t.db, work);
  /** The statements that read memberships. */
  const membershipReads = <S extends { sql: string }>(seen: S[]) =>
    seen.filter((s) => s.sql.includes('group_members'));

  /**
   * A tenant whose groups g00, g01, … (listed in that order) have `sizes[i]` members, the first
   * `sizes[i]` of its provisioned users; odd users have a displayName, even ones show their userName.
   */
  async function world(sizes: number[], listMembersBudget?: number) {
    const tn = await makeTenant(w);
    const budget = listMembersBudget === undefined ? {} : { listMembersBudget };
    const client = scimClient(w, tn.tenant.id, 'okta', budget);
    const users: Array<{ id: string; display: string }> = [];
    for (let i = 0; i < Math.max(0, ...sizes); i += 1) {
      const userName = `m${i}@x.test`;
      const body = i % 2 ? { userName, displayName: `Member ${i}` } : { userName };
      const res = await client.call('POST', '/Users', body);
      users.push({ id: String(res.body.id), display: i % 2 ? `Member ${i}` : userName });
    }
    const groups: Array<{ id: string; members: string[] }> = [];
    for (const [i, size] of sizes.entries()) {
      const members = users.slice(0, size).map((u) => u.id);
      const res = await client.call('POST', '/Groups', {
        displayName: `g${String(i).padStart(2, '0')}`,
        members: members.map((value) => ({ value })),
      });
      expect(res.status).toBe(201);
      groups.push({ id: String(res.body.id), members: [...members].sort() });
    }
    return { ...client, tn, users, groups };
  }

  const resources = (res: ScimCall): Resource[] => res.body.Resources ?? [];
  const memberIds = (r: Resource) => (r['members'] as Array<{ value: string }>).map((m) => m.value);

  it('a listing carries each group’s members by default, as value, $ref, display and type', async () => {
    const { call, users, groups } = await world([3, 0]);
    const res = await call('GET', '/Groups');
    expect(res.body).toMatchObject({ totalResults: 2, itemsPerPage: 2, startIndex: 1 });
    const [first, empty] = resources(res);
    const expected = users
      .slice(0, 3)
      .map((u) => ({ value: u.id, $ref: `${BASE_URL}/Users/${u.id}`, display: u.display, type: 'User' }))
      .sort((a, b) => (a.value < b.value ? -1 : 1));
    expect(first?.['members']).toEqual(expected);
    expect(empty?.['members']).toEqual([]);
    // What GET /Groups/:id answers for the same group.
    for (const [i, g] of groups.entries()) {
      expect(resources(res)[i]).toEqual((await call('GET', `/Groups/${g.id}`)).body);
    }
    // The searches list groups the same way.
    const search = await call('POST', '/Groups/.search', { startIndex: 1, count: 10 });
    expect(resources(search)).toEqual(resources(res));
    for (const root of [
      await call('GET', `/?filter=${encodeURIComponent('displayName sw "g0"')}`),
      await call('POST', '/.search', { filter: 'displayName sw "g0"' }),
    ]) {
      expect(resources(root)).toEqual(resources(res));
    }
  });

  it('excludedAttributes=members (Entra ID) and attributes without members read and return none; attributes=members does', async () => {
    const { call, groups } = await world([2, 1]);
    const none = [
      '/Groups?excludedAttributes=members',
      '/Groups?attributes=displayName',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "g00"')}`,
      '/?excludedAttributes=members',
      '/?attributes=displayName',
    ];
    for (const path of none) {
      let res: ScimCall | undefined;
      const seen = await statements(async () => (res = await call('GET', path)));
      expect(membershipReads(seen), path).toEqual([]);
      const listed = resources(res ?? ({} as ScimCall));
      expect(listed.length, path).toBeGreaterThan(0);
      for (const r of listed) expect(r, path).not.toHaveProperty('members');
    }
    const searched = await call('POST', '/Groups/.search', { excludedAttributes: ['members'] });
    for (const r of resources(searched)) expect(r).not.toHaveProperty('members');

    const asked = resources(await call('GET', '/Groups?attributes=members'));
    expect(asked.map(memberIds)).toEqual(groups.map((g) => g.members));
    expect(asked[0]).not.toHaveProperty('displayName');
    const values = resources(await call('GET', '/Groups?attributes=members.value'));
    expect(values[1]?.['members']).toEqual([{ value: groups[1]?.members[0] }]);
    // Excluding a sub-attribute keeps the members.
    const noDisplay = resources(await call('GET', '/Groups?excludedAttributes=members.display'));
    expect(noDisplay.map(memberIds)).toEqual(groups.map((g) => g.members));
    expect(noDisplay[0]?.['members']).toEqual(
      groups[0]?.members.map((value) => ({ value, $ref: `${BASE_URL}/Users/${value}`, type: 'User' })),
    );
  });

  it('a page ends before the group that would pass the member budget; startIndex + itemsPerPage walks every group exactly once, whole', async () => {
    // Budget 5: [g00 g01] (4), [g02 g03] (3; g04 would make 9), [g04] (6, alone and whole), [g05] (g06 would make 6), [g06] (5).
    const { call, groups } = await world([2, 2, 3, 0, 6, 1, 5], 5);
    for (const count of [100, 3]) {
      const pages: Array<{ startIndex: unknown; itemsPerPage: unknown }> = [];
      const seen: Resource[] = [];
      for (let start = 1; start <= groups.length;) {
        const res = await call('GET', `/Groups?startIndex=${start}&count=${count}`);
        expect(res.body).toMatchObject({ totalResults: groups.length, startIndex: start });
        const page = resources(res);
        expect(res.body['itemsPerPage']).toBe(page.length);
        expect(page.length).toBeGreaterThan(0);
        pages.push({ startIndex: start, itemsPerPage: page.length });
        seen.push(...page);
        start += page.length;
      }
      expect(pages.map((p) => p.itemsPerPage)).toEqual([2, 2, 1, 1, 1]);
      expect(seen.map((r) => r['id'])).toEqual(groups.map((g) => g.id));
      expect(seen.map(memberIds)).toEqual(groups.map((g) => g.members));
    }
    // The count still bounds a page that fits.
    expect((await call('GET', '/Groups?count=1')).body).toMatchObject({ totalResults: 7, itemsPerPage: 1 });
  });

  it('a group with more members than the budget comes whole, alone on its page', async () => {
    const { call, groups } = await world([7, 1, 1], 3);
    const [big, second] = groups;
    const first = await call('GET', '/Groups?count=10');
    expect(first.body).toMatchObject({ totalResults: 3, itemsPerPage: 1 });
    expect(resources(first).map(memberIds)).toEqual([big?.members]);
    const rest = await call('GET', '/Groups?startIndex=2&count=10');
    expect(rest.body).toMatchObject({ totalResults: 3, itemsPerPage: 2, startIndex: 2 });
    expect(resources(rest).map(memberIds)).toEqual([second?.members, groups[2]?.members]);
    const byId = await call('GET', `/Groups?filter=${encodeURIComponent(`id eq "${big?.id}"`)}`);
    expect(resources(byId).map(memberIds)).toEqual([big?.members]);
  });

  it('the root search ends its group part within the budget too, and walks users then groups exactly once', async () => {
    const { call, tn, users, groups } = await world([2, 3, 1], 4);
    const ids: unknown[] = [];
    const sizes: number[] = [];
    for (let start = 1; ;) {
      const res = await call('GET', `/?startIndex=${start}&count=100`);
      const page = resources(res);
      if (page.length === 0) break;
      expect(res.body).toMatchObject({
        totalResults: users.length + 1 + groups.length,
        itemsPerPage: page.length,
      });
      ids.push(...page.map((r) => r['id']));
      sizes.push(page.length);
      start += page.length;
    }
    // Users (the owner and the provisioned ones) with g00 (2 members); g01 (3; g02 would make 4 ≤ 4) with g02.
    expect(sizes).toEqual([users.length + 2, 2]);
    expect([...ids].sort()).toEqual(
      [tn.owner.id, ...users.map((u) => u.id), ...groups.map((g) => g.id)].sort(),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('the members of a page are one statement, whatever the number of groups on it; an overflowing page takes two more', async () => {
    const { call } = await world([1, 1, 1, 1], 5);
    const listing = async (path: string) => {
      await call('GET', path); // the tenant's total is then known for a moment (ListCaches.totals)
      return statements(() => call('GET', path));
    };
    for (const count of [1, 4]) {
      const without = await listing(`/Groups?count=${count}&excludedAttributes=members`);
      const withMembers = await listing(`/Groups?count=${count}`);
      expect(membershipReads(without)).toHaveLength(0);
      expect(membershipReads(withMembers)).toHaveLength(1);
      expect(withMembers).toHaveLength(without.length + 1);
    }
    const big = await world([3, 3, 3, 3], 5);
    await big.call('GET', '/Groups?count=4');
    const overflow = await statements(() => big.call('GET', '/Groups?count=4'));
    // The bounded read that overflows, the walk that finds where the page ends, the kept group's members.
    expect(membershipReads(overflow)).toHaveLength(3);
  });

  if (target.name === 'sqlite')
    it('members are read through the primary key, never through every membership of the tenant', async () => {
      // A full page: with `tenant_id = …` beside 100 listed group ids, SQLite walked the tenant index.
      const { call, tn } = await world(Array.from({ length: 100 }, (_, i) => 1 + (i % 2)));
      const small = scimClient(w, tn.tenant.id, 'okta', { listMembersBudget: 50 });
      const reads = [
        ...membershipReads(await statements(() => call('GET', '/Groups'))),
        ...membershipReads(await statements(() => small.call('GET', '/Groups'))),
      ];
      expect(reads).toHaveLength(4);
      for (const { sql, params } of reads) {
        const plan: Array<{ detail: string }> = await t.db.manager.query(`EXPLAIN QUERY PLAN ${sql}`, params);
        const details = plan.map((p) => p.detail);
        const onMembers = details.filter((d) => / (gm|m) USING/.test(d));
        expect(onMembers.length, sql).toBeGreaterThan(0);
        for (const d of onMembers)
          expect(d, sql).toMatch(/INDEX sqlite_autoindex_group_members_1 \(group_id=\?\)/);
        for (const d of details)
          expect(d, sql).not.toMatch(/idx_group_members_tenant_user|SCAN (gm|m|u|g)\b/);
      }
    });
});
