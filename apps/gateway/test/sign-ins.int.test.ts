// Sign-in activity through HTTP (seed 000 "view when users last signed in, download sign-in activity
// logs"; seed 001: managers review "access logs"): keyset list, streamed CSV export, counts per day.
import { randomUUID } from 'node:crypto';
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignInPage, SignInsPerDay } from '@gatehouse/domain/contracts';
import {
  makeTenant,
  makeUser,
  signIn,
  startTestGateway,
  type TestGateway,
  type TestTenant,
} from './support/gateway.js';
import { json, type ApiError } from './support/security.js';

describe.each(DATABASES)('sign-in activity API on $name', (target) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(target);
    console.info(`sign-in activity API tests run on ${gw.label}`);
  });
  afterAll(() => gw.close());

  /** Sign-in attempts as the sign-in flows record them (those flows have their own tests). */
  async function attempts(
    t: TestTenant,
    rows: Array<{ at: string; result: 'success' | 'failure'; email?: string; userId?: string }>,
  ) {
    await gw.db.manager.insert(
      'SignInEvent',
      rows.map((r) => ({
        id: randomUUID(),
        tenantId: t.tenant.id,
        userId: r.userId ?? null,
        email: r.email ?? 'someone@example.test',
        result: r.result,
        reason: r.result === 'failure' ? 'link_expired' : null,
        method: 'email_link',
        connectionId: null,
        ip: '192.0.2.1',
        userAgent: 'test',
        occurredAt: new Date(r.at),
      })),
    );
  }

  it('lists attempts newest first, filtered by result and user, page by page', async () => {
    const t = await makeTenant(gw);
    const owner = await signIn(gw, t.owner);
    await attempts(t, [
      { at: '2026-02-01T10:00:00Z', result: 'success', userId: t.owner.id },
      { at: '2026-02-01T11:00:00Z', result: 'failure' },
      { at: '2026-02-02T09:00:00Z', result: 'failure' },
      { at: '2026-02-03T09:00:00Z', result: 'success', userId: t.owner.id },
    ]);
    const first = await json<SignInPage>(
      await owner.fetch('/api/sign-ins?limit=3&from=2026-01-01T00:00:00Z'),
    );
    expect(first.items.map((e) => e.occurredAt)).toEqual([
      '2026-02-03T09:00:00.000Z',
      '2026-02-02T09:00:00.000Z',
      '2026-02-01T11:00:00.000Z',
    ]);
    const second = await json<SignInPage>(
      await owner.fetch(`/api/sign-ins?limit=3&from=2026-01-01T00:00:00Z&cursor=${first.nextCursor}`),
    );
    expect(second.items.map((e) => e.occurredAt)).toEqual(['2026-02-01T10:00:00.000Z']);
    expect(second.nextCursor).toBeNull();
    const failures = await json<SignInPage>(
      await owner.fetch('/api/sign-ins?result=failure&from=2026-01-01T00:00:00Z'),
    );
    expect(failures.items.every((e) => e.result === 'failure' && e.reason === 'link_expired')).toBe(true);
    const mine = await json<SignInPage>(await owner.fetch(`/api/sign-ins?userId=${t.owner.id}`));
    expect(mine.items).toHaveLength(2);
  });

  it('exports a date range as CSV and counts successes and failures per day, zero days included', async () => {
    const t = await makeTenant(gw);
    const manager = await signIn(gw, await makeUser(gw, t, { tenantRole: 'manager' }));
    await attempts(t, [
      { at: '2026-02-01T10:00:00Z', result: 'success', email: '=cmd@example.test' },
      { at: '2026-02-01T11:00:00Z', result: 'failure' },
      { at: '2026-02-03T09:00:00Z', result: 'failure' },
    ]);
    const res = await manager.fetch('/api/sign-ins/export?from=2026-02-01T00:00:00Z&to=2026-02-02T00:00:00Z');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/filename="sign-ins-.*\.csv"/);
    const lines = (await res.text()).split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain("'=cmd@example.test");

    const perDay = await json<SignInsPerDay>(
      await manager.fetch('/api/sign-ins/per-day?from=2026-02-01T00:00:00Z&to=2026-02-04T00:00:00Z'),
    );
    expect(perDay.days).toEqual([
      { day: '2026-02-01', success: 1, failure: 1 },
      { day: '2026-02-02', success: 0, failure: 0 },
      { day: '2026-02-03', success: 0, failure: 1 },
    ]);
  });

  it('shows a tenant only its own attempts; members may not look; bad input is a 400', async () => {
    const t = await makeTenant(gw);
    const other = await makeTenant(gw);
    await attempts(other, [{ at: '2026-02-01T10:00:00Z', result: 'success' }]);
    const owner = await signIn(gw, t.owner);
    expect((await json<SignInPage>(await owner.fetch('/api/sign-ins'))).items).toEqual([]);
    const member = await signIn(gw, await makeUser(gw, t));
    const denied = await member.fetch('/api/sign-ins/export');
    expect(denied.status).toBe(403);
    expect((await json<ApiError>(denied)).error.message).toBe('Requires tenant owner or manager.');
    for (const query of ['result=maybe', 'from=tomorrow', 'limit=1000', 'cursor=zzz']) {
      expect((await owner.fetch(`/api/sign-ins?${query}`)).status, query).toBe(400);
    }
    expect((await owner.fetch('/api/sign-ins/per-day?from=2026-02-01T00:00:00Z')).status).toBe(400);
  });
});
