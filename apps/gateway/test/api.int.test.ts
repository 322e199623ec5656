import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../src/api/router.js';
import { makeTenant, signIn, startTestGateway, type TestGateway } from './support/gateway.js';

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
