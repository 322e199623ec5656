// Email links, invitations, recovery codes, the TOTP step, rate limits, session policy and the IP
// allowlist, all through HTTP the way the SPA and a browser use them.
import { systemActor, totpAt, type User } from '@gatehouse/domain';
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTenant,
  makeUser,
  startTestGateway,
  uniqueSlug,
  type TestGateway,
  type TestTenant,
} from './support/gateway.js';
import { CookieBrowser } from './support/oidc-provider.js';

const MINUTE = 60_000;
let ipSeq = 1;
/** Each browser comes from its own address (TRUST_PROXY=loopback believes X-Forwarded-For), so rate limits stay per test. */
const freshIp = () => `198.51.100.${ipSeq++ % 250}`;

describe.each(DATABASES)('email sign-in, second factor and sign-in policy over HTTP on $name', (target) => {
  let gw: TestGateway;
  let t: TestTenant;

  beforeAll(async () => {
    gw = await startTestGateway(target, {
      env: {
        TRUST_PROXY: 'loopback',
        AUTH_RATE_LIMIT_PER_EMAIL: '6',
        AUTH_RATE_LIMIT_PER_IP: '40',
        AUTH_RATE_LIMIT_WINDOW_SECONDS: '600',
      },
    });
    t = await makeTenant(gw);
  });
  afterAll(() => gw?.close());

  const browser = (ip = freshIp()) => new CookieBrowser({ 'x-forwarded-for': ip });

  const postJson = (b: CookieBrowser, path: string, body: unknown, headers: Record<string, string> = {}) =>
    b.request(`${gw.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  /** The token of the newest mail to `to`, read from the outbox as an owner would without SMTP. */
  async function linkTokenFor(tenantId: string, to: string): Promise<string> {
    const page = await gw.services.mail.list(systemActor(tenantId, 'test'), { limit: 200 });
    const mail = page.items.find((m) => m.to === to);
    const token = mail && /[#?&]token=([\w-]+)/.exec(mail.text)?.[1];
    if (!token) throw new Error(`no link mailed to ${to}`);
    return token;
  }

  async function emailSignIn(user: User, b = browser()): Promise<{ b: CookieBrowser; res: Response }> {
    gw.clock.advance(1000); // so this link is the newest mail
    expect((await postJson(b, '/auth/email/start', { email: user.email })).status).toBe(202);
    const res = await postJson(b, '/auth/email/verify', {
      token: await linkTokenFor(user.tenantId, user.email),
    });
    return { b, res };
  }

  async function signedInBrowser(user: User, ip?: string): Promise<{ b: CookieBrowser; csrf: string }> {
    const { b, res } = await emailSignIn(user, browser(ip));
    expect(await res.json()).toMatchObject({ status: 'signed_in' });
    const session = (await (await b.request(`${gw.url}/auth/session`)).json()) as { csrfToken: string };
    return { b, csrf: session.csrfToken };
  }

  describe('email links', () => {
    it('answers alike for any address, mails a one-time link, and signs in with it once', async () => {
      const user = await makeUser(gw, t);
      const b = browser();
      const known = await postJson(b, '/auth/email/start', { email: user.email });
      const unknown = await postJson(b, '/auth/email/start', {
        email: `nobody-${uniqueSlug()}@example.test`,
      });
      expect(known.status).toBe(202);
      expect(unknown.status).toBe(202);
      expect(await known.json()).toEqual(await unknown.json());

      const token = await linkTokenFor(t.tenant.id, user.email);
      const res = await postJson(b, '/auth/email/verify', { token });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'signed_in', returnTo: '/' });
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.getSetCookie().find((c) => c.startsWith('gh_session='))).toMatch(
        /HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/,
      );
      expect((await b.request(`${gw.url}/api/me`)).status).toBe(200);
      expect(await (await b.request(`${gw.url}/auth/session`)).json()).toMatchObject({
        signedIn: true,
        user: { id: user.id, email: user.email, mfaEnabled: false },
        csrfToken: expect.any(String),
      });

      const again = await postJson(browser(), '/auth/email/verify', { token });
      expect(again.status).toBe(401);
      expect(await again.json()).toMatchObject({ error: { code: 'signin.link_used' } });
    });

    it('expires 15 minutes after it was sent', async () => {
      const user = await makeUser(gw, t);
      const b = browser();
      gw.clock.advance(1000);
      await postJson(b, '/auth/email/start', { email: user.email });
      const token = await linkTokenFor(t.tenant.id, user.email);
      gw.clock.advance(15 * MINUTE);
      const res = await postJson(b, '/auth/email/verify', { token });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'signin.link_expired' } });
      expect(b.cookie('gh_session')).toBeUndefined();
    });

    it.each([
      ['a wrong token', { token: 'ghl_thisisnotatokenthatwaseverissued' }, 401, 'signin.link_invalid'],
      ['no token', {}, 400, 'input.invalid'],
      ['a token of the wrong type', { token: 12345 }, 400, 'input.invalid'],
      ['an oversized token', { token: 'a'.repeat(5000) }, 400, 'input.invalid'],
      ['a malformed email', { email: 'not an email' }, 400, 'input.invalid'],
    ])('%s is refused with a clear 4xx and no session', async (_name, body, status, code) => {
      const b = browser();
      const path = 'email' in body ? '/auth/email/start' : '/auth/email/verify';
      const res = await postJson(b, path, body);
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ error: { code } });
      expect(b.cookie('gh_session')).toBeUndefined();
    });

    it('malformed JSON, a non-JSON body and an oversized body are 4xx', async () => {
      const b = browser();
      const bad = await b.request(`${gw.url}/auth/email/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"token": ',
      });
      expect(bad.status).toBe(400);
      const form = await b.request(`${gw.url}/auth/email/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'token=abc',
      });
      expect(form.status).toBe(400);
      expect(await form.json()).toMatchObject({ error: { code: 'request.json_required' } });
      const huge = await postJson(b, '/auth/email/start', {
        email: 'a@b.example',
        pad: 'x'.repeat(2 * 1024 * 1024),
      });
      expect(huge.status).toBe(413);
    });

    it('discovery says email for a domain without SSO, and never whether an account exists', async () => {
      const user = await makeUser(gw, t);
      const known = await (await browser().request(`${gw.url}/auth/discovery?email=${user.email}`)).json();
      const unknown = await (
        await browser().request(`${gw.url}/auth/discovery?email=ghost@${t.tenant.slug}.test`)
      ).json();
      expect(known).toEqual({ method: 'email', loginNotice: null });
      expect(unknown).toEqual(known);
      expect((await browser().request(`${gw.url}/auth/discovery?email=nope`)).status).toBe(400);
      expect((await browser().request(`${gw.url}/auth/discovery`)).status).toBe(400);
    });
  });

  describe('the TOTP second factor', () => {
    it('a signed-in user sets up TOTP (CSRF-checked); email sign-in then stops at the code', async () => {
      const user = await makeUser(gw, t);
      const { b, csrf } = await signedInBrowser(user);
      expect((await postJson(b, '/auth/mfa/enrol', {})).status).toBe(403);
      const enrol = await postJson(b, '/auth/mfa/enrol', {}, { 'x-csrf-token': csrf });
      const { secret, otpauthUrl } = (await enrol.json()) as { secret: string; otpauthUrl: string };
      expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
      const wrong = await postJson(b, '/auth/mfa/confirm', { code: '000000' }, { 'x-csrf-token': csrf });
      expect(wrong.status).toBe(400);
      const ok = await postJson(
        b,
        '/auth/mfa/confirm',
        { code: totpAt(secret, gw.clock.now()) },
        { 'x-csrf-token': csrf },
      );
      expect(await ok.json()).toEqual({ enabled: true });
      gw.clock.advance(MINUTE);

      const next = browser();
      const { res } = await emailSignIn(user, next);
      expect(await res.json()).toEqual({ status: 'mfa_required', enrolment: false });
      expect(next.cookie('gh_session')).toBeUndefined();
      expect(next.cookie('gh_signin')).toBeDefined();
      expect((await next.request(`${gw.url}/api/me`)).status).toBe(401);

      const bad = await postJson(next, '/auth/mfa/verify', { code: '111111' });
      expect(bad.status).toBe(401);
      expect(await bad.json()).toMatchObject({ error: { code: 'signin.mfa_invalid' } });
      const good = await postJson(next, '/auth/mfa/verify', { code: totpAt(secret, gw.clock.now()) });
      expect(await good.json()).toEqual({ status: 'signed_in', returnTo: '/' });
      expect((await next.request(`${gw.url}/api/me`)).status).toBe(200);

      // the second factor step belongs to the browser that passed the first
      const elsewhere = await postJson(browser(), '/auth/mfa/verify', {
        code: totpAt(secret, gw.clock.now()),
      });
      expect(await elsewhere.json()).toMatchObject({ error: { code: 'signin.mfa_pending_invalid' } });
    });

    it('an owner sets up a second factor during sign-in when the tenant requires it', async () => {
      const own = await makeTenant(gw);
      const owner = systemActor(own.tenant.id, 'test');
      await gw.services.tenantSettings.updateAuthMethods(owner, {
        authMethods: ['email', 'sso'],
        ssoRequired: false,
        requireOwnerMfa: true,
      });
      const b = browser();
      const { res } = await emailSignIn(own.owner, b);
      expect(await res.json()).toEqual({ status: 'mfa_required', enrolment: true });
      const { secret } = (await (await postJson(b, '/auth/mfa/enrol', {})).json()) as { secret: string };
      const done = await postJson(b, '/auth/mfa/verify', { code: totpAt(secret, gw.clock.now()) });
      expect(await done.json()).toMatchObject({ status: 'signed_in' });
      const session = await (await b.request(`${gw.url}/auth/session`)).json();
      expect(session).toMatchObject({ user: { mfaEnabled: true } });
    });
  });

  describe('invitations and recovery codes', () => {
    it('accepting an invitation signs in; the first owner sees recovery codes once; they work once', async () => {
      const slug = uniqueSlug('inv');
      const created = await gw.services.tenants.create({
        name: 'Inv',
        slug,
        ownerEmail: `owner@${slug}.test`,
      });
      const b = browser();
      const res = await postJson(b, '/auth/invitations/accept', { token: created.token });
      const body = (await res.json()) as { status: string; recoveryCodes: string[] };
      expect(body.status).toBe('signed_in');
      expect(body.recoveryCodes).toHaveLength(10);
      expect((await b.request(`${gw.url}/api/me`)).status).toBe(200);
      const again = await postJson(browser(), '/auth/invitations/accept', { token: created.token });
      expect(await again.json()).toMatchObject({ error: { code: 'signin.invitation_invalid' } });

      const code = body.recoveryCodes[0] ?? '';
      const recovered = await postJson(browser(), '/auth/recovery', { email: `owner@${slug}.test`, code });
      expect(await recovered.json()).toEqual({ status: 'signed_in', returnTo: '/' });
      const reused = await postJson(browser(), '/auth/recovery', { email: `owner@${slug}.test`, code });
      expect(reused.status).toBe(401);
      expect(await reused.json()).toMatchObject({ error: { code: 'signin.recovery_code_invalid' } });
      const malformed = await postJson(browser(), '/auth/recovery', {
        email: `owner@${slug}.test`,
        code: 'x',
      });
      expect(malformed.status).toBe(400);
    });
  });

  describe('rate limits', () => {
    it('per email: past the budget a 429 with Retry-After, from any address', async () => {
      const email = `limited-${uniqueSlug()}@example.test`;
      const statuses = [];
      for (let i = 0; i < 7; i++)
        statuses.push((await postJson(browser(), '/auth/email/start', { email })).status);
      expect(statuses).toEqual([202, 202, 202, 202, 202, 202, 429]);
      const res = await postJson(browser(), '/auth/email/start', { email: email.toUpperCase() });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.json()).toMatchObject({ error: { code: 'auth.rate_limited' } });
    });

    it('per address, on every /auth endpoint', async () => {
      const b = browser();
      let last: Response | undefined;
      for (let i = 0; i < 41; i++) last = await b.request(`${gw.url}/auth/session`);
      expect(last?.status).toBe(429);
      expect((await postJson(b, '/auth/email/verify', { token: 'whatever-token-value' })).status).toBe(429);
      expect((await browser().request(`${gw.url}/auth/session`)).status).toBe(200);
    });
  });

  describe('sessions under the tenant’s policy', () => {
    it('fixed duration: the session ends at the limit however active; the cookie is cleared', async () => {
      const tenant = await makeTenant(gw);
      await gw.services.tenantSettings.updateSessionPolicy(systemActor(tenant.tenant.id), {
        mode: 'fixed',
        minutes: 15,
      });
      const { b } = await signedInBrowser(tenant.owner);
      gw.clock.advance(10 * MINUTE);
      expect((await b.request(`${gw.url}/api/me`)).status).toBe(200);
      gw.clock.advance(5 * MINUTE);
      const res = await b.request(`${gw.url}/api/me`);
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toMatch(/gh_session=;/);
    });

    it('idle timeout: activity keeps it alive; a policy change applies to the live session', async () => {
      const tenant = await makeTenant(gw);
      const owner = systemActor(tenant.tenant.id);
      await gw.services.tenantSettings.updateSessionPolicy(owner, { mode: 'idle', minutes: 10 });
      const { b } = await signedInBrowser(tenant.owner);
      for (let i = 0; i < 3; i++) {
        gw.clock.advance(8 * MINUTE);
        expect((await b.request(`${gw.url}/api/me`)).status).toBe(200);
      }
      gw.clock.advance(6 * MINUTE);
      await gw.services.tenantSettings.updateSessionPolicy(owner, { mode: 'idle', minutes: 5 });
      expect((await b.request(`${gw.url}/api/me`)).status).toBe(401);
    });

    it('deactivation, a role change and an admin revocation end a user’s sessions', async () => {
      const tenant = await makeTenant(gw);
      const owner = systemActor(tenant.tenant.id);
      const a = await makeUser(gw, tenant, { email: `a-${uniqueSlug()}@example.test` });
      const bUser = await makeUser(gw, tenant, { email: `b-${uniqueSlug()}@example.test` });
      const c = await makeUser(gw, tenant, { email: `c-${uniqueSlug()}@example.test` });
      const [sa, sb, sc] = [await signedInBrowser(a), await signedInBrowser(bUser), await signedInBrowser(c)];
      await gw.services.users.deactivate(owner, a.id);
      await gw.services.users.changeRole(owner, bUser.id, { tenantRole: 'manager' });
      await gw.services.userAccess.revokeSessions(owner, c.id);
      for (const s of [sa, sb, sc]) expect((await s.b.request(`${gw.url}/api/me`)).status).toBe(401);
    });

    it('signing out takes the CSRF token and ends the session', async () => {
      const user = await makeUser(gw, t);
      const { b, csrf } = await signedInBrowser(user);
      expect((await b.request(`${gw.url}/auth/logout`, { method: 'POST' })).status).toBe(403);
      const res = await b.request(`${gw.url}/auth/logout`, {
        method: 'POST',
        headers: { 'x-csrf-token': csrf },
      });
      expect(await res.json()).toEqual({ redirectTo: null });
      expect((await b.request(`${gw.url}/api/me`)).status).toBe(401);
      expect(await (await b.request(`${gw.url}/auth/session`)).json()).toEqual({ signedIn: false });
    });
  });

  describe('the IP allowlist', () => {
    it('is enforced on every /api request of a session and at sign-in, and denials are recorded', async () => {
      const tenant = await makeTenant(gw);
      const member = await makeUser(gw, tenant);
      const office = '10.20.30.40';
      const { b } = await signedInBrowser(tenant.owner, office);
      const owner = await gw.services.actors.forUser(tenant.tenant.id, tenant.owner.id, office);
      await gw.services.ipAllowlist.replace(owner, { entries: [{ cidr: '10.0.0.0/8', label: 'office' }] });
      expect((await b.request(`${gw.url}/api/me`)).status).toBe(200);

      // the same session cookie from outside the list
      const outside = new CookieBrowser({ 'x-forwarded-for': '192.0.2.77' });
      outside.jar.set('gh_session', b.cookie('gh_session') ?? '');
      const denied = await outside.request(`${gw.url}/api/me`);
      expect(denied.status).toBe(403);
      expect(await denied.json()).toMatchObject({ error: { code: 'ip.not_allowed' } });

      // sign-in from outside: refused before a session exists
      const { res } = await emailSignIn(member, browser('192.0.2.78'));
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'signin.ip_not_allowed' } });
      const inside = await emailSignIn(member, browser('10.9.9.9'));
      expect(await inside.res.json()).toMatchObject({ status: 'signed_in' });

      const events = await gw.services.signIns.list(systemActor(tenant.tenant.id), {
        userId: member.id,
        limit: 5,
      });
      expect(events.items.map((e) => e.reason)).toContain('ip_not_allowed');
      const audit = await gw.db.dataSource.query(
        gw.db.dialect === 'postgres'
          ? 'SELECT action, ip FROM audit_events WHERE tenant_id = $1 AND action = $2'
          : 'SELECT action, ip FROM audit_events WHERE tenant_id = ? AND action = ?',
        [tenant.tenant.id, 'ip_allowlist.request_denied'],
      );
      expect(audit).toEqual([{ action: 'ip_allowlist.request_denied', ip: '192.0.2.77' }]);
    });
  });
});
