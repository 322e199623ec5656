// The audit log through HTTP: newest first by keyset on (occurred_at, id) without gaps or repeats,
// filters, the detail with before/after, streamed CSV/NDJSON exports, chain verification, and the
// managers' scope (owner-only policy areas stay with those who may edit them).
import { randomUUID } from 'node:crypto';
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AuditChainVerdict,
  AuditEventDetail,
  AuditEventPage,
  AuditEventSummary,
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
import { makeTeam, system } from './support/people.js';
import { json, type ApiError } from './support/security.js';

describe.each(DATABASES)('audit log API on $name', (target) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(target);
    console.info(`audit log API tests run on ${gw.label}`);
  });
  afterAll(() => gw.close());

  let bulkSeq = 1_000_000;

  /** Audit rows written straight to the table (the chain is not what these tests look at). */
  async function insertEvents(
    t: TestTenant,
    count: number,
    at: (i: number) => Date,
    extra: Record<string, unknown> = {},
  ) {
    const rows = Array.from({ length: count }, (_, i) => ({
      id: randomUUID(),
      tenantId: t.tenant.id,
      seq: bulkSeq++, // far above the seqs real writes take, and never repeated
      occurredAt: at(i),
      actorType: 'system',
      actorId: null,
      actorLabel: 'bulk',
      action: 'bulk.inserted',
      targetType: 'bulk',
      targetId: String(i),
      teamId: null,
      change: { i },
      ip: null,
      prevHash: '0'.repeat(64),
      hash: '0'.repeat(64),
      ...extra,
    }));
    for (let i = 0; i < rows.length; i += 200) {
      await gw.db.manager.insert('AuditEvent', rows.slice(i, i + 200));
    }
    return rows;
  }

  async function everyPage(browser: Browser, query: string, limit: number): Promise<AuditEventSummary[]> {
    const items: AuditEventSummary[] = [];
    let cursor: string | null = null;
    do {
      const res = await browser.fetch(
        `/api/audit-events?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      const page = await json<AuditEventPage>(res);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  const newestFirst = (a: { occurredAt: string; id: string }, b: { occurredAt: string; id: string }) =>
    a.occurredAt === b.occurredAt ? (a.id < b.id ? 1 : -1) : a.occurredAt < b.occurredAt ? 1 : -1;

  it('pages newest first by keyset: every event once, ties on the time broken by id', async () => {
    const t = await makeTenant(gw);
    const owner = await signIn(gw, t.owner);
    const base = Date.parse('2026-02-01T00:00:00.000Z');
    // three events per millisecond: the cursor has to break ties
    await insertEvents(t, 45, (i) => new Date(base + Math.floor(i / 3)));
    const all = await everyPage(owner, '&action=bulk.inserted', 7);
    expect(all).toHaveLength(45);
    expect(new Set(all.map((e) => e.id)).size).toBe(45);
    expect(all).toEqual([...all].sort(newestFirst));
  });

  it('filters by actor, action, target type and id, team and time range', async () => {
    const t = await makeTenant(gw);
    const owner = await signIn(gw, t.owner);
    const team = await makeTeam(gw, t);
    await owner.fetch('/api/settings/branding', {
      method: 'PUT',
      json: { senderEmail: null, senderName: null, loginNotice: 'hello' },
    });
    const byOwner = await everyPage(owner, `&actorId=${t.owner.id}`, 50);
    expect(byOwner.map((e) => e.action)).toContain('branding.changed');
    expect(byOwner.every((e) => e.actorId === t.owner.id)).toBe(true);
    const teamEvents = await everyPage(owner, `&teamId=${team.id}`, 50);
    expect(teamEvents.length).toBeGreaterThan(0);
    expect(teamEvents.every((e) => e.teamId === team.id)).toBe(true);
    const created = await everyPage(owner, `&action=team.created&targetType=team&targetId=${team.id}`, 50);
    expect(created.map((e) => e.targetId)).toEqual([team.id]);

    await insertEvents(t, 3, (i) => new Date(Date.parse('2025-06-0' + (i + 1) + 'T00:00:00Z')));
    const june2 = await everyPage(owner, '&from=2025-06-02T00:00:00Z&to=2025-06-03T00:00:00Z', 50);
    expect(june2.map((e) => e.occurredAt)).toEqual(['2025-06-02T00:00:00.000Z']);
  });

  it('shows one event with its before/after record; an unknown or another tenant’s event is a 404', async () => {
    const t = await makeTenant(gw);
    const other = await makeTenant(gw);
    const owner = await signIn(gw, t.owner);
    await owner.fetch('/api/settings/feature-flags', { method: 'PUT', json: { flags: { cases: true } } });
    const [event] = await everyPage(owner, '&action=feature_flags.changed', 10);
    const res = await owner.fetch(`/api/audit-events/${event?.id}`);
    expect(res.status).toBe(200);
    expect(await json<AuditEventDetail>(res)).toMatchObject({
      action: 'feature_flags.changed',
      actorLabel: t.owner.email,
      change: { before: { cases: false }, after: { cases: true } },
    });
    const theirs = await everyPage(await signIn(gw, other.owner), '', 10);
    expect((await owner.fetch(`/api/audit-events/${theirs[0]?.id}`)).status).toBe(404);
    expect((await owner.fetch(`/api/audit-events/${randomUUID()}`)).status).toBe(404);
  });

  it('refuses a cursor it did not issue, a limit out of range and a time that is not ISO 8601', async () => {
    const t = await makeTenant(gw);
    const owner = await signIn(gw, t.owner);
    for (const query of [
      'cursor=bm9wZQ',
      'limit=0',
      'limit=201',
      'from=yesterday',
      `cursor=${'x'.repeat(600)}`,
    ]) {
      const res = await owner.fetch(`/api/audit-events?${query}`);
      expect(res.status, query).toBe(400);
    }
  });

  describe('exports', () => {
    it('streams the filtered log as CSV across many pages, newest first, neutralising spreadsheet formulas', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      const base = Date.parse('2026-01-10T00:00:00.000Z');
      await insertEvents(t, 2_300, (i) => new Date(base + i * 1000));
      await insertEvents(t, 1, () => new Date(base - 1000), {
        actorLabel: '=HYPERLINK("http://evil")',
        action: 'bulk.formula',
      });
      const res = await owner.fetch('/api/audit-events/export?format=csv&targetType=bulk');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-events-.*\.csv"$/);
      const lines = (await res.text()).split('\r\n').filter((l) => l.length > 0);
      expect(lines[0]).toBe(
        'occurred_at,seq,actor_type,actor_id,actor_label,action,target_type,target_id,team_id,ip,change,id,hash',
      );
      expect(lines).toHaveLength(1 + 2_301);
      expect(lines[1]?.startsWith(new Date(base + 2_299_000).toISOString())).toBe(true);
      expect(lines.at(-1)).toContain(`"'=HYPERLINK(""http://evil"")"`);
      const times = lines.slice(1).map((l) => l.slice(0, 24));
      expect(times).toEqual([...times].sort().reverse());
    });

    it('streams NDJSON, one event with its change per line', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      await insertEvents(t, 1_005, (i) => new Date(Date.parse('2026-01-01T00:00:00Z') + i));
      const res = await owner.fetch('/api/audit-events/export?format=ndjson&action=bulk.inserted');
      expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const events = (await res.text())
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AuditEventDetail);
      expect(events).toHaveLength(1_005);
      expect(events[0]).toMatchObject({ action: 'bulk.inserted', change: { i: 1_004 } });
    });

    it('refuses an unknown format; a member may not export', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      expect((await owner.fetch('/api/audit-events/export?format=xlsx')).status).toBe(400);
      const member = await signIn(gw, await makeUser(gw, t));
      const res = await member.fetch('/api/audit-events/export');
      expect(res.status).toBe(403);
      expect((await json<ApiError>(res)).error.message).toBe('Requires tenant owner or manager.');
    });
  });

  describe('chain verification', () => {
    it('an owner verifies the chain and learns where it breaks after tampering', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      await makeTeam(gw, t);
      const ok = await json<AuditChainVerdict>(await owner.fetch('/api/audit-events/verify'));
      expect(ok).toMatchObject({ ok: true, brokenAt: null });
      expect(ok.records).toBeGreaterThan(2);

      const [first] = await everyPage(owner, '&action=team.created', 10);
      await gw.db.manager.update('AuditEvent', { id: first?.id }, { actorLabel: 'someone else' });
      const broken = await json<AuditChainVerdict>(await owner.fetch('/api/audit-events/verify'));
      expect(broken).toMatchObject({
        ok: false,
        brokenAt: { id: first?.id, reason: 'record content does not match its hash' },
      });
    });

    it('a manager is told verification requires a tenant owner', async () => {
      const t = await makeTenant(gw);
      const manager = await signIn(gw, await makeUser(gw, t, { tenantRole: 'manager' }));
      const res = await manager.fetch('/api/audit-events/verify');
      expect(res.status).toBe(403);
      expect((await json<ApiError>(res)).error.message).toBe('Requires tenant owner.');
    });
  });

  describe('what a manager sees', () => {
    it('every event of the tenant except the history of owner-only policy areas, in lists, details and exports', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      const manager = await signIn(gw, await makeUser(gw, t, { tenantRole: 'manager' }));
      await makeTeam(gw, t);
      await owner.fetch('/api/settings/branding', {
        method: 'PUT',
        json: { senderEmail: null, senderName: null, loginNotice: 'hi' },
      });
      await owner.fetch('/api/settings/session-policy', {
        method: 'PUT',
        json: { mode: 'idle', minutes: 60 },
      });
      await owner.fetch('/api/scim/tokens', { method: 'POST', json: { name: 'okta' } });
      await gw.services.featureFlags.update(system(t), { flags: { cases: true } });

      const ownerActions = new Set((await everyPage(owner, '', 200)).map((e) => e.action));
      const managerEvents = await everyPage(manager, '', 200);
      const managerActions = new Set(managerEvents.map((e) => e.action));
      for (const action of [
        'branding.changed',
        'tenant.session_policy_changed',
        'scim_token.created',
        'feature_flags.changed',
      ]) {
        expect(ownerActions.has(action), action).toBe(true);
        expect(managerActions.has(action), action).toBe(false);
      }
      for (const action of ['team.created', 'user.invited', 'user.invitation_accepted']) {
        expect(managerActions.has(action), action).toBe(true);
      }
      const [hidden] = await everyPage(owner, '&action=branding.changed', 10);
      expect((await manager.fetch(`/api/audit-events/${hidden?.id}`)).status).toBe(404);
      const csv = await (await manager.fetch('/api/audit-events/export?format=csv')).text();
      expect(csv).not.toContain('branding.changed');
      expect(csv).toContain('team.created');
    });
  });
});
