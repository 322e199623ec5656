import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../src/api/router.js';
import {
  makeTenant,
  makeUser,
  signIn,
  startTestGateway,
  type Browser,
  type TestGateway,
} from './support/gateway.js';
import { auditOf } from './support/security.js';

describe.each(DATABASES)('admin API conventions on $name', (target) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(target);
    console.info(`admin API convention tests run on ${gw.label}`);
  });
  afterAll(() => gw.close());

  it('GET /api/me without a session is 401 in the API error shape', async () => {
    const res = await fetch(`${gw.url}/api/me`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'auth.required', message: 'Sign in to continue.' } });
  });

  it('GET /api/me returns the user, tenant, roles and a CSRF token', async () => {
    const t = await makeTenant(gw);
    const browser = await signIn(gw, t.owner);
    const res = await browser.fetch('/api/me');
    expect(res.status).toBe(200);
    const me = (await res.json()) as { csrfToken: string };
    expect(me).toMatchObject({
      user: { id: t.owner.id, email: t.owner.email, tenantRole: 'owner' },
      tenant: { id: t.tenant.id, slug: t.tenant.slug },
      teamRoles: {},
      features: { cases: false, customObjectSharing: false },
    });
    expect(me.csrfToken).toBe(browser.csrfToken);
  });

  it('a state-changing call without the CSRF token is refused', async () => {
    const t = await makeTenant(gw);
    const browser = await signIn(gw, t.owner);
    const res = await fetch(`${gw.url}/api/me`, { method: 'POST', headers: { cookie: browser.cookie } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('csrf.invalid');
  });

  it('a revoked session is a 401 and the cookie is cleared', async () => {
    const t = await makeTenant(gw);
    const browser = await signIn(gw, t.owner);
    await gw.services.sessions.end(browser.cookie.split('=')[1] ?? '');
    const res = await browser.fetch('/api/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toMatch(/gh_session=;/);
  });

  describe('your own sessions (/api/me/sessions)', () => {
    type Listed = { items: Array<Record<string, unknown>> };
    const ids = async (browser: Browser) =>
      ((await (await browser.fetch('/api/me/sessions')).json()) as Listed).items.map((s) => s.id);
    /** Moves a session's last use back by `hours` (the default policy ends idle sessions). */
    const idleFor = (sessionId: unknown, hours: number) => {
      const at = new Date(Date.now() - hours * 3_600_000);
      const pg = gw.db.dialect === 'postgres';
      return gw.db.dataSource.query(
        pg
          ? 'UPDATE sessions SET created_at = $1, last_seen_at = $1 WHERE id = $2'
          : 'UPDATE sessions SET created_at = ?, last_seen_at = ? WHERE id = ?',
        pg
          ? [at, sessionId]
          : [...Array(2).fill(at.toISOString().replace('T', ' ').replace('Z', '')), sessionId],
      );
    };

    it('lists each live session of yours, this one marked, and nothing of anyone else’s', async () => {
      const t = await makeTenant(gw);
      const here = await signIn(gw, t.owner);
      const laptop = await signIn(gw, t.owner);
      const stale = await signIn(gw, t.owner);
      const member = await makeUser(gw, t);
      await signIn(gw, member);
      const [staleId] = await ids(stale);
      await gw.services.sessions.end(laptop.cookie.split('=')[1] ?? '');

      const res = await here.fetch('/api/me/sessions');
      expect(res.status).toBe(200);
      const { items } = (await res.json()) as Listed;
      expect(items).toHaveLength(2);
      expect(items.filter((s) => s.current)).toHaveLength(1);
      for (const s of items) {
        // The view names its fields: no token hash, nothing sealed for the IdP.
        expect(Object.keys(s).sort()).toEqual(
          ['createdAt', 'current', 'id', 'ip', 'lastSeenAt', 'method', 'userAgent'].sort(),
        );
        expect(s).toMatchObject({ method: 'email_link', userAgent: 'test' });
      }
      // Past the tenant's session policy, a session is no longer listed (nor accepted).
      await idleFor(staleId, 24 * 30);
      expect(await ids(here)).toHaveLength(1);
    });

    it('signing out another session of yours ends it and is audited; another person’s session is a 404', async () => {
      const t = await makeTenant(gw);
      const here = await signIn(gw, t.owner);
      const lost = await signIn(gw, t.owner);
      const member = await signIn(gw, await makeUser(gw, t));
      const [memberId] = await ids(member);
      const mine = ((await (await here.fetch('/api/me/sessions')).json()) as Listed).items;
      // The one that is not this browser's: the lost device's.
      const target = String(mine.find((s) => !s.current)?.id);

      const noCsrf = await fetch(`${gw.url}/api/me/sessions/${target}`, {
        method: 'DELETE',
        headers: { cookie: here.cookie },
      });
      expect(noCsrf.status).toBe(403);
      expect((await here.fetch(`/api/me/sessions/${memberId}`, { method: 'DELETE' })).status).toBe(404);
      expect((await here.fetch('/api/me/sessions/no-such-session', { method: 'DELETE' })).status).toBe(404);
      expect((await member.fetch('/api/me')).status).toBe(200);

      expect((await here.fetch(`/api/me/sessions/${target}`, { method: 'DELETE' })).status).toBe(204);
      expect((await lost.fetch('/api/me')).status).toBe(401);
      expect((await here.fetch('/api/me')).status).toBe(200);
      expect(await auditOf(gw, t.tenant.id, 'session.ended')).toEqual([
        expect.objectContaining({ actorId: t.owner.id, targetId: target }),
      ]);
      expect((await here.fetch(`/api/me/sessions/${target}`, { method: 'DELETE' })).status).toBe(404);
    });
  });

  it('every mounted /api route appears in /api/openapi.json', async () => {
    const doc = (await (await fetch(`${gw.url}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = apiRoutes({ services: gw.services, logger: undefined as never, config: gw.config });
    for (const { spec } of routes) {
      const path = `/api${spec.path.replace(/:(\w+)/g, '{$1}')}`;
      expect(doc.paths[path]?.[spec.method], `${spec.method.toUpperCase()} ${path}`).toBeDefined();
    }
    expect(doc.openapi).toBe('3.1.0');
  });
});
