// The provisioning log's batched write (one JSON parameter per batch on PostgreSQL, bound rows in
// statements of 64, 32, …, 1 rows on SQLite) keeps every field as recorded: text with quotes,
// backslashes and non-ASCII, nulls, the change diff, the time to the millisecond; and a flush of any
// size, one statement's worth or more than one batch, writes every entry once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { makeServices, makeTenant, type MadeTenant, type TestWorld } from './factories.js';

describe.each(DATABASES)('provisioning log on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  let tn: MadeTenant;

  beforeAll(async () => {
    t = await openTestDatabase(target);
    w = makeServices(t.db);
    tn = await makeTenant(w);
  });

  afterAll(async () => {
    await t.close();
  });

  it('an entry reads back exactly as it was recorded', async () => {
    w.clock.set(new Date('2026-12-06T04:33:51.123Z'));
    const tricky = `/Users?filter=userName eq "o'brien\\\\x@ex.test" and name.givenName eq "Zoë 😀"`;
    w.services.provisioningLog.record({
      tenantId: tn.tenant.id,
      tokenId: 'token-1',
      tokenName: 'Entra "prod" \\ ID',
      method: 'PATCH',
      path: tricky,
      status: 400,
      durationMs: 12.6,
      resourceType: 'User',
      resourceId: 'u-1',
      changes: { 'name.givenName': ['Zoë', null], emails: [[{ value: 'a@x.test' }], []] },
      error: 'invalidValue: "active" must be a boolean.\nline two',
      requestId: 'req-1',
    });
    w.services.provisioningLog.record({
      tenantId: tn.tenant.id,
      tokenId: null,
      tokenName: null,
      method: 'GET',
      path: '/Users',
      status: 401,
      durationMs: 0.2,
    });
    await w.services.provisioningLog.flush();
    const page = await w.services.provisioningLog.list(tn.ownerActor, {});
    expect(page.items).toHaveLength(2);
    const [bare, full] = [...page.items].sort((a, b) => a.method.localeCompare(b.method));
    expect(full).toMatchObject({
      occurredAt: '2026-12-06T04:33:51.123Z',
      tokenId: 'token-1',
      tokenName: 'Entra "prod" \\ ID',
      method: 'PATCH',
      path: tricky,
      status: 400,
      durationMs: 13,
      resourceType: 'User',
      resourceId: 'u-1',
      changes: { 'name.givenName': ['Zoë', null], emails: [[{ value: 'a@x.test' }], []] },
      error: 'invalidValue: "active" must be a boolean.\nline two',
      requestId: 'req-1',
    });
    expect(bare).toMatchObject({
      tokenId: null,
      tokenName: null,
      status: 401,
      durationMs: 0,
      resourceType: null,
      resourceId: null,
      changes: null,
      error: null,
      requestId: null,
    });
  });

  it.each([1, 63, 64, 65, 137])('a flush of %i entries writes each once', async (n) => {
    const other = await makeTenant(w);
    for (let i = 0; i < n; i += 1) {
      w.services.provisioningLog.record({
        tenantId: other.tenant.id,
        tokenId: 't',
        tokenName: 'Okta',
        method: 'GET',
        path: `/Users/${i}`,
        status: 200,
        durationMs: i,
      });
    }
    await w.services.provisioningLog.flush();
    const page = await w.services.provisioningLog.list(other.ownerActor, { limit: 200 });
    expect(page.items.map((e) => [e.path, e.durationMs]).sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual(
      Array.from({ length: n }, (_, i) => [`/Users/${i}`, i]),
    );
  });

  it('a flush of more entries than one batch writes them all', async () => {
    const other = await makeTenant(w);
    for (let i = 0; i < 450; i += 1) {
      w.services.provisioningLog.record({
        tenantId: other.tenant.id,
        tokenId: 't',
        tokenName: 'Okta',
        method: 'GET',
        path: `/Users?startIndex=${i + 1}`,
        status: 200,
        durationMs: 1,
      });
    }
    await w.services.provisioningLog.flush();
    const paths = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await w.services.provisioningLog.list(other.ownerActor, { limit: 200, cursor });
      for (const item of page.items) paths.add(item.path);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paths.size).toBe(450);
  });
});
