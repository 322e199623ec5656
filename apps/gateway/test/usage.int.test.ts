// Event usage and egress checks through HTTP: tenant API keys shown once, batched usage reports
// authenticated by the key (no session, no CSRF), counters per team per UTC day that never lose a
// count under concurrency, the month report against the limit, warnings in /api/me, egress rules.
import { createHash } from 'node:crypto';
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ApiKeyList,
  CreatedApiKey,
  EgressCheckResult,
  EgressRuleList,
  MeResponse,
  UsageReport,
} from '@gatehouse/domain/contracts';
import {
  makeTenant,
  makeUser,
  signIn,
  startTestGateway,
  type Browser,
  type TestGateway,
  type TestTenant,
} from './support/gateway.js';
import { makeTeam } from './support/people.js';
import { auditOf, countRows, expectNoSecrets, json, type ApiError } from './support/security.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe.each(DATABASES)('usage and egress API on $name', (target) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(target);
    gw.clock.set(new Date('2026-03-15T12:00:00.000Z'));
    console.info(`usage and egress API tests run on ${gw.label}`);
  });
  afterAll(() => gw.close());

  const report = (key: string | null, body: unknown) =>
    fetch(`${gw.url}/api/usage/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });

  async function tenantWithKey(): Promise<{ t: TestTenant; owner: Browser; key: string; teamId: string }> {
    const t = await makeTenant(gw);
    const owner = await signIn(gw, t.owner);
    const created = await json<CreatedApiKey>(
      await owner.fetch('/api/usage/keys', { method: 'POST', json: { name: 'runtime' } }),
    );
    const team = await makeTeam(gw, t);
    return { t, owner, key: created.key, teamId: team.id };
  }

  describe('API keys', () => {
    it('a key is shown once; the list shows name and prefix, never the key or its hash; revoked keys stop working', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch('/api/usage/keys', { method: 'POST', json: { name: 'runtime' } });
      expect(res.status).toBe(201);
      const created = await json<CreatedApiKey>(res);
      expect(created.key).toMatch(/^ghk_/);
      const listText = await (await owner.fetch('/api/usage/keys')).text();
      expectNoSecrets(listText, [created.key, sha256(created.key)]);
      expect((JSON.parse(listText) as ApiKeyList).items).toEqual([created.item]);
      expect(await auditOf(gw, t.tenant.id, 'api_key.created')).toHaveLength(1);

      expect((await owner.fetch(`/api/usage/keys/${created.item.id}`, { method: 'DELETE' })).status).toBe(
        204,
      );
      const team = await makeTeam(gw, t);
      expect((await report(created.key, [{ teamId: team.id, count: 1 }])).status).toBe(401);
    });

    it('a manager is told API keys require a tenant owner; another tenant’s key id is a 404', async () => {
      const t = await makeTenant(gw);
      const other = await tenantWithKey();
      const manager = await signIn(gw, await makeUser(gw, t, { tenantRole: 'manager' }));
      const denied = await manager.fetch('/api/usage/keys', { method: 'POST', json: { name: 'x' } });
      expect(denied.status).toBe(403);
      expect((await json<ApiError>(denied)).error.message).toBe('Requires tenant owner.');
      const theirs = await json<ApiKeyList>(await other.owner.fetch('/api/usage/keys'));
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch(`/api/usage/keys/${theirs.items[0]?.id}`, { method: 'DELETE' });
      expect(res.status).toBe(404);
      expect((await report(other.key, [{ teamId: other.teamId, count: 1 }])).status).toBe(202);
    });
  });

  describe('usage reports', () => {
    it('a batch is counted per team per UTC day, with the API key instead of a session and without CSRF', async () => {
      const { t, owner, key, teamId } = await tenantWithKey();
      const second = await makeTeam(gw, t);
      const res = await report(key, [
        { teamId, count: 5 },
        { teamId, count: 7, at: '2026-03-14T23:59:59Z' },
        { teamId: second.id, count: 3 },
        { teamId, count: 1 },
      ]);
      expect(res.status).toBe(202);
      expect(await json<unknown>(res)).toEqual({ accepted: 4, counters: 3 });
      const usage = await json<UsageReport>(await owner.fetch('/api/usage?month=2026-03'));
      expect(usage.total).toBe(16);
      expect(usage.days).toEqual([
        { day: '2026-03-14', events: 7 },
        { day: '2026-03-15', events: 9 },
      ]);
      expect(usage.teams.find((x) => x.teamId === teamId)).toMatchObject({
        total: 13,
        days: [
          { day: '2026-03-14', events: 7 },
          { day: '2026-03-15', events: 6 },
        ],
      });
      expect(usage.teams.find((x) => x.teamId === second.id)?.teamName).toBe(second.name);
    });

    it('concurrent reports for the same team and day never lose a count', async () => {
      const { owner, key, teamId } = await tenantWithKey();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => report(key, [{ teamId, count: 3 }])),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(202));
      const usage = await json<UsageReport>(await owner.fetch('/api/usage'));
      expect(usage.total).toBe(60);
    });

    it('an unknown team or another tenant’s team refuses the whole batch with a 404, and nothing is counted', async () => {
      const { t, key, teamId } = await tenantWithKey();
      const other = await tenantWithKey();
      for (const foreign of [other.teamId, '00000000-0000-4000-8000-000000000000']) {
        const res = await report(key, [
          { teamId, count: 1 },
          { teamId: foreign, count: 1 },
        ]);
        expect(res.status).toBe(404);
        expect((await json<ApiError>(res)).error.details).toEqual({ teamIds: [foreign] });
      }
      expect(await countRows(gw, 'usage_counters', t.tenant.id)).toBe(0);
      expect(await countRows(gw, 'usage_counters', other.t.tenant.id)).toBe(0);
    });

    it('refuses reports without a valid key, and malformed, empty, oversized, future or stale batches', async () => {
      const { t, key, teamId } = await tenantWithKey();
      expect((await report(null, [{ teamId, count: 1 }])).status).toBe(401);
      expect((await report('ghk_not-a-key', [{ teamId, count: 1 }])).status).toBe(401);
      const session = await signIn(gw, t.owner);
      expect(
        (await session.fetch('/api/usage/events', { method: 'POST', json: [{ teamId, count: 1 }] })).status,
      ).toBe(401);
      for (const body of [
        [],
        [{ teamId, count: 0 }],
        [{ teamId, count: 1.5 }],
        [{ teamId }],
        { teamId, count: 1 },
        Array.from({ length: 1001 }, () => ({ teamId, count: 1 })),
        [{ teamId, count: 1, at: '2026-03-15T13:00:00Z' }],
        [{ teamId, count: 1, at: '2026-01-01T00:00:00Z' }],
        [{ teamId, count: 1, at: 'yesterday' }],
      ]) {
        const res = await report(key, body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      }
      const malformed = await fetch(`${gw.url}/api/usage/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: '[{"teamId":',
      });
      expect(malformed.status).toBe(400);
      expect(await countRows(gw, 'usage_counters', t.tenant.id)).toBe(0);
    });
  });

  describe('the monthly limit', () => {
    it('warns owners in /api/me at 80% and at 100%, and never managers', async () => {
      const { t, owner, key, teamId } = await tenantWithKey();
      await owner.fetch('/api/settings/usage-limit', { method: 'PUT', json: { monthlyEventLimit: 100 } });
      const manager = await signIn(gw, await makeUser(gw, t, { tenantRole: 'manager' }));
      const me = async (b: Browser) => json<MeResponse>(await b.fetch('/api/me'));

      await report(key, [{ teamId, count: 79 }]);
      expect((await me(owner)).usageWarning).toBeUndefined();
      await report(key, [{ teamId, count: 1 }]);
      expect((await me(owner)).usageWarning).toEqual({
        level: 'approaching',
        month: '2026-03',
        used: 80,
        limit: 100,
        percent: 80,
      });
      await report(key, [{ teamId, count: 25 }]);
      expect((await me(owner)).usageWarning).toMatchObject({ level: 'reached', used: 105, percent: 105 });
      expect((await me(manager)).usageWarning).toBeUndefined();

      const usage = await json<UsageReport>(await manager.fetch('/api/usage?month=2026-03'));
      expect(usage).toMatchObject({
        monthlyEventLimit: 100,
        total: 105,
        percentOfLimit: 105,
        warning: { level: 'reached' },
      });
      expect((await manager.fetch('/api/usage?month=2026-13')).status).toBe(400);
    });

    it('a member may not read usage', async () => {
      const t = await makeTenant(gw);
      const member = await signIn(gw, await makeUser(gw, t));
      const res = await member.fetch('/api/usage');
      expect(res.status).toBe(403);
      expect((await json<ApiError>(res)).error.message).toBe('Requires tenant owner or manager.');
    });
  });

  describe('egress rules', () => {
    it('an owner saves an ordered list; the check answers with the first matching rule', async () => {
      const { t, owner } = await tenantWithKey();
      const res = await owner.fetch('/api/egress/rules', {
        method: 'PUT',
        json: {
          rules: [
            { effect: 'deny', host: '*.internal.example', description: 'private services' },
            { effect: 'allow', host: '*.example', ports: [443], schemes: ['https'] },
            { effect: 'deny', host: '10.1.2.3/8' },
          ],
        },
      });
      expect(res.status).toBe(200);
      const saved = await json<EgressRuleList>(res);
      expect(saved.unmatched).toBe('deny');
      expect(saved.items.map((r) => [r.position, r.effect, r.host])).toEqual([
        [0, 'deny', '*.internal.example'],
        [1, 'allow', '*.example'],
        [2, 'deny', '10.0.0.0/8'],
      ]);
      const check = async (url: string) =>
        json<EgressCheckResult>(await owner.fetch('/api/egress/check', { method: 'POST', json: { url } }));
      expect(await check('https://db.internal.example/')).toMatchObject({
        allowed: false,
        rule: { position: 0 },
      });
      expect(await check('https://api.example/v1')).toMatchObject({ allowed: true, rule: { position: 1 } });
      expect(await check('http://api.example/v1')).toMatchObject({ allowed: false, rule: null });
      expect((await check('http://10.9.9.9/')).reason).toBe('Denied by rule 3 (deny 10.0.0.0/8).');
      expect(await auditOf(gw, t.tenant.id, 'egress_rules.replaced')).toHaveLength(1);
    });

    it('the workflow runtime checks with the tenant API key; no key and no session is a 401', async () => {
      const { owner, key } = await tenantWithKey();
      await owner.fetch('/api/egress/rules', {
        method: 'PUT',
        json: { rules: [{ effect: 'deny', host: 'blocked.example' }] },
      });
      const ask = (headers: Record<string, string>, url: string) =>
        fetch(`${gw.url}/api/egress/check`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ url }),
        });
      const denied = await ask({ authorization: `Bearer ${key}` }, 'https://blocked.example/');
      expect(await json<EgressCheckResult>(denied)).toMatchObject({ allowed: false });
      const allowed = await ask({ authorization: `Bearer ${key}` }, 'https://fine.example/');
      expect(await json<EgressCheckResult>(allowed)).toEqual({
        allowed: true,
        rule: null,
        reason: 'Allowed: no rule matches and the list has only deny rules.',
      });
      expect((await ask({}, 'https://fine.example/')).status).toBe(401);
      expect((await ask({ authorization: 'Basic abc' }, 'https://fine.example/')).status).toBe(401);
    });

    it('refuses a host that is no host, a URL that is no URL, and out-of-range ports; a manager may test but not save', async () => {
      const { t, owner } = await tenantWithKey();
      for (const rule of [
        { effect: 'deny', host: 'exa mple.com' },
        { effect: 'deny', host: '*.*.example' },
        { effect: 'deny', host: '300.1.1.1/8' },
        { effect: 'deny', host: 'a.example', ports: [0] },
        { effect: 'block', host: 'a.example' },
      ]) {
        const res = await owner.fetch('/api/egress/rules', { method: 'PUT', json: { rules: [rule] } });
        expect(res.status, JSON.stringify(rule)).toBe(400);
      }
      expect(await countRows(gw, 'egress_rules', t.tenant.id)).toBe(0);
      const badUrl = await owner.fetch('/api/egress/check', { method: 'POST', json: { url: 'not a url' } });
      expect(badUrl.status).toBe(400);
      const oversized = await owner.fetch('/api/egress/rules', {
        method: 'PUT',
        json: { rules: [{ effect: 'deny', host: 'a.example', description: 'x'.repeat(2 * 1024 * 1024) }] },
      });
      expect(oversized.status).toBe(413);
      expect(await countRows(gw, 'egress_rules', t.tenant.id)).toBe(0);

      const manager = await signIn(gw, await makeUser(gw, t, { tenantRole: 'manager' }));
      expect(
        (await manager.fetch('/api/egress/check', { method: 'POST', json: { url: 'https://x.example' } }))
          .status,
      ).toBe(200);
      const save = await manager.fetch('/api/egress/rules', { method: 'PUT', json: { rules: [] } });
      expect(save.status).toBe(403);
      expect((await json<ApiError>(save)).error.message).toBe('Requires tenant owner.');
    });
  });
});
