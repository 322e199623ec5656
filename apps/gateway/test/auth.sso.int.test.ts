// OIDC SSO through a real OpenID Provider in process (oidc-provider), driven like a browser: every
// attack a relying party must refuse ends with no session and a sign-in event naming why.
import { ManualClock, systemActor, type SignInEvent, type User } from '@gatehouse/domain';
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTenant,
  makeUser,
  startTestGateway,
  uniqueSlug,
  type TestGateway,
  type TestTenant,
} from './support/gateway.js';
import { CookieBrowser, signInAtIdp, startOidcProvider, type TestIdp } from './support/oidc-provider.js';

const CLIENT = { clientId: 'gatehouse', clientSecret: 'gatehouse-secret' };

/** The wall clock, as a ManualClock: the IdP and openid-client judge token times by real time anyway. */
class WallClock extends ManualClock {
  override now(): Date {
    return new Date();
  }
}

describe.each(DATABASES)('SSO sign-in through a real OIDC provider on $name', (target) => {
  let gw: TestGateway;
  let idp: TestIdp;
  let t: TestTenant;
  let domain: string;
  let otherDomain: string;

  beforeAll(async () => {
    gw = await startTestGateway(target, { clock: new WallClock() });
    idp = await startOidcProvider({
      clients: [
        {
          ...CLIENT,
          redirectUris: [`${gw.config.publicUrl}/auth/callback`],
          postLogoutRedirectUris: [`${gw.config.publicUrl}/sign-in`],
        },
        {
          clientId: 'another-app',
          clientSecret: 'x',
          redirectUris: [`${gw.config.publicUrl}/auth/callback`],
        },
      ],
    });
    t = await makeTenant(gw);
    domain = `${uniqueSlug('corp')}.example`;
    await gw.services.ssoConnections.configure(systemActor(t.tenant.id, 'test'), {
      name: 'Test IdP',
      issuer: idp.issuer,
      ...CLIENT,
      domains: [domain],
      jitEnabled: false,
      linkClaim: 'oid',
    });
    // a second tenant, with its own domain, for cross-tenant attempts
    const other = await makeTenant(gw);
    otherDomain = `${uniqueSlug('other')}.example`;
    await gw.services.ssoConnections.configure(systemActor(other.tenant.id, 'test'), {
      issuer: 'https://idp.other.example',
      clientId: 'o',
      clientSecret: 'o',
      domains: [otherDomain],
    });
  });
  afterEach(() => {
    idp.tamper = undefined;
  });
  afterAll(async () => {
    await idp?.close();
    await gw?.close();
  });

  /** A SCIM-provisioned user (externalId = the IdP's oid) with an IdP account of the same name. */
  async function provisioned(name = uniqueSlug('u')): Promise<{ user: User; login: string }> {
    const user = await makeUser(gw, t, { email: `${name}@${domain}` });
    const oid = `oid-${name}`;
    await gw.db.dataSource.query(
      gw.db.dialect === 'postgres'
        ? 'UPDATE users SET external_id = $1, source = $2 WHERE id = $3'
        : 'UPDATE users SET external_id = ?, source = ? WHERE id = ?',
      [oid, 'scim', user.id],
    );
    idp.accounts.set(name, { email: user.email, email_verified: true, oid, name });
    return { user, login: name };
  }

  async function startLogin(browser: CookieBrowser, email: string, returnTo?: string): Promise<string> {
    const query = new URLSearchParams({ email, ...(returnTo === undefined ? {} : { returnTo }) });
    const res = await browser.request(`${gw.url}/auth/login?${query}`);
    expect(res.status).toBe(302);
    return res.headers.get('location') ?? '';
  }

  async function fullSignIn(login: string, email: string, returnTo?: string) {
    const browser = new CookieBrowser();
    const authUrl = await startLogin(browser, email, returnTo);
    const callbackUrl = await signInAtIdp(browser, authUrl, login);
    const res = await browser.request(callbackUrl);
    return { browser, res, callbackUrl };
  }

  async function lastEvent(
    where: Partial<Pick<SignInEvent, 'userId' | 'email' | 'tenantId'>> = {},
  ): Promise<SignInEvent> {
    const page = await gw.services.signIns.list(systemActor(where.tenantId ?? t.tenant.id, 'test'), {
      ...(where.userId ? { userId: where.userId } : {}),
      limit: 1,
    });
    return page.items[0] as unknown as SignInEvent;
  }

  const refusedTo = (res: Response, reason: string) => {
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${gw.config.publicUrl}/sign-in?error=${reason}`);
    expect(
      res.headers.getSetCookie().some((c) => c.startsWith('gh_session=') && !c.startsWith('gh_session=;')),
    ).toBe(false);
  };

  it('redirects to the IdP with code + PKCE S256, state and nonce, bound to the browser by an HttpOnly Lax cookie', async () => {
    const browser = new CookieBrowser();
    const res = await browser.request(`${gw.url}/auth/login?email=someone@${domain}`);
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location') ?? '');
    expect(url.origin).toBe(idp.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'gatehouse',
      response_type: 'code',
      redirect_uri: `${gw.config.publicUrl}/auth/callback`,
      code_challenge_method: 'S256',
      scope: 'openid email profile',
      login_hint: `someone@${domain}`,
    });
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('gh_signin='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    // the state itself is not the cookie's value: only the cookie's hash is stored server-side
    expect(browser.cookie('gh_signin')).not.toBe(url.searchParams.get('state'));
  });

  it('signs in a provisioned user: links (issuer, sub) through the oid claim, sets the session, lands on returnTo', async () => {
    const { user, login } = await provisioned();
    const { browser, res } = await fullSignIn(login, user.email, '/teams?tab=members');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${gw.config.publicUrl}/teams?tab=members`);
    const session = res.headers.getSetCookie().find((c) => c.startsWith('gh_session='));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(browser.cookie('gh_signin')).toBeUndefined();

    const me = await browser.request(`${gw.url}/api/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { id: user.id } });
    const state = await (await browser.request(`${gw.url}/auth/session`)).json();
    expect(state).toMatchObject({ signedIn: true, user: { id: user.id, email: user.email } });

    expect(await lastEvent({ userId: user.id })).toMatchObject({
      result: 'success',
      method: 'sso',
      reason: null,
    });
    const card = await gw.services.userAccess.identityCard(systemActor(t.tenant.id), user.id);
    expect(card.identities).toMatchObject([{ issuer: idp.issuer, subject: login }]);
    expect(card.lastSignInAt).not.toBeNull();
  });

  it('a later sign-in goes by the linked subject, and rotates the session the browser had', async () => {
    const { user, login } = await provisioned();
    const first = await fullSignIn(login, user.email);
    const oldSession = first.browser.cookie('gh_session');
    // the IdP no longer sends the link claim: the (issuer, sub) link is enough
    idp.accounts.set(login, { email: user.email });
    const authUrl = await startLogin(first.browser, user.email);
    const res = await first.browser.request(await signInAtIdp(first.browser, authUrl, login));
    expect(res.status).toBe(302);
    expect(first.browser.cookie('gh_session')).not.toBe(oldSession);
    const stale = await fetch(`${gw.url}/api/me`, { headers: { cookie: `gh_session=${oldSession}` } });
    expect(stale.status).toBe(401);
  });

  it('an open redirect in returnTo lands on / instead', async () => {
    const { user, login } = await provisioned();
    for (const returnTo of [
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      const { res } = await fullSignIn(login, user.email, returnTo);
      expect(res.headers.get('location'), returnTo).toBe(`${gw.config.publicUrl}/`);
    }
  });

  describe('refused with no session and a sign-in event naming why', () => {
    it('tampered state', async () => {
      const { user, login } = await provisioned();
      const browser = new CookieBrowser();
      const callback = new URL(await signInAtIdp(browser, await startLogin(browser, user.email), login));
      callback.searchParams.set('state', 'forged-state-value');
      refusedTo(await browser.request(callback.href), 'state_mismatch');
      expect(await lastEvent()).toMatchObject({ result: 'failure', reason: 'state_mismatch', method: 'sso' });
    });

    it('missing state cookie (the callback reaches another browser)', async () => {
      const { user, login } = await provisioned();
      const browser = new CookieBrowser();
      const callback = await signInAtIdp(browser, await startLogin(browser, user.email), login);
      const attacker = new CookieBrowser();
      refusedTo(await attacker.request(callback), 'missing_state_cookie');
      const events = await gw.services.signIns.list(systemActor(t.tenant.id), { limit: 50 });
      expect(events.items.some((e) => e.reason === 'missing_state_cookie')).toBe(false); // no tenant is known
    });

    it('a replayed callback, and a replayed code under a new state', async () => {
      const { user, login } = await provisioned();
      const browser = new CookieBrowser();
      const authUrl = await startLogin(browser, user.email);
      const callback = await signInAtIdp(browser, authUrl, login);
      const binding = browser.cookie('gh_signin') ?? '';
      expect((await browser.request(callback)).status).toBe(302);

      // the same callback with the same binding cookie: the pending request is spent
      const replay = new CookieBrowser();
      replay.jar.set('gh_signin', binding);
      refusedTo(await replay.request(callback), 'auth_request_invalid');
      expect(await lastEvent()).toMatchObject({ reason: 'auth_request_invalid' });

      // a new attempt's state with the old code: the IdP refuses the spent code
      const second = new CookieBrowser();
      const fresh = new URL(await startLogin(second, user.email));
      const forged = new URL(callback);
      forged.searchParams.set('state', fresh.searchParams.get('state') ?? '');
      refusedTo(await second.request(forged.href), 'code_rejected');
      expect(await lastEvent()).toMatchObject({ reason: 'code_rejected' });
    });

    it('wrong nonce', async () => {
      const { user, login } = await provisioned();
      const browser = new CookieBrowser();
      const authUrl = new URL(await startLogin(browser, user.email));
      authUrl.searchParams.set('nonce', 'a-nonce-this-browser-never-made');
      refusedTo(await browser.request(await signInAtIdp(browser, authUrl.href, login)), 'nonce_mismatch');
      expect(await lastEvent()).toMatchObject({ reason: 'nonce_mismatch' });
    });

    it('wrong audience (an ID token issued to another client)', async () => {
      const { user, login } = await provisioned();
      idp.tamper = (claims) => ({ claims: { ...claims, aud: 'another-app', azp: 'another-app' } });
      const { res } = await fullSignIn(login, user.email);
      refusedTo(res, 'audience_mismatch');
      expect(await lastEvent()).toMatchObject({ reason: 'audience_mismatch' });
    });

    it('expired ID token', async () => {
      const { user, login } = await provisioned();
      const now = Math.floor(Date.now() / 1000);
      idp.tamper = (claims) => ({ claims: { ...claims, iat: now - 600, exp: now - 300 } });
      const { res } = await fullSignIn(login, user.email);
      refusedTo(res, 'id_token_expired');
      expect(await lastEvent()).toMatchObject({ reason: 'id_token_expired' });
    });

    it('ID token signed by another key', async () => {
      const { user, login } = await provisioned();
      const key = idp.foreignKey();
      idp.tamper = (claims) => ({ claims, key });
      const { res } = await fullSignIn(login, user.email);
      refusedTo(res, 'bad_signature');
      expect(await lastEvent()).toMatchObject({ reason: 'bad_signature' });
    });

    it('ID token from another issuer', async () => {
      const { user, login } = await provisioned();
      idp.tamper = (claims) => ({ claims: { ...claims, iss: 'https://evil-idp.example' } });
      const { res } = await fullSignIn(login, user.email);
      refusedTo(res, 'issuer_mismatch');
    });

    it('the IdP reports an error (the person declined)', async () => {
      const browser = new CookieBrowser();
      const authUrl = new URL(await startLogin(browser, `x@${domain}`));
      const back = new URL(`${gw.config.publicUrl}/auth/callback`);
      back.search = new URLSearchParams({
        error: 'access_denied',
        state: authUrl.searchParams.get('state') ?? '',
        iss: idp.issuer,
      }).toString();
      refusedTo(await browser.request(back.href), 'idp_error');
    });

    it('unknown email domain', async () => {
      const browser = new CookieBrowser();
      refusedTo(
        await browser.request(`${gw.url}/auth/login?email=ada@unknown-sso.example`),
        'unknown_domain',
      );
      const rows = await gw.db.dataSource.query(
        gw.db.dialect === 'postgres'
          ? 'SELECT reason, tenant_id FROM sign_in_events WHERE email = $1'
          : 'SELECT reason, tenant_id FROM sign_in_events WHERE email = ?',
        ['ada@unknown-sso.example'],
      );
      expect(rows).toEqual([{ reason: 'unknown_domain', tenant_id: null }]);
    });

    it('deactivated user', async () => {
      const { user, login } = await provisioned();
      await fullSignIn(login, user.email);
      await gw.services.users.deactivate(systemActor(t.tenant.id), user.id);
      const { res } = await fullSignIn(login, user.email);
      refusedTo(res, 'user_deactivated');
      expect(await lastEvent({ userId: user.id })).toMatchObject({ reason: 'user_deactivated' });
    });

    it('JIT off and a person with no account', async () => {
      const login = uniqueSlug('stranger');
      idp.accounts.set(login, { email: `${login}@${domain}`, email_verified: true, oid: `oid-${login}` });
      const { res } = await fullSignIn(login, `${login}@${domain}`);
      refusedTo(res, 'unknown_user');
      expect(await lastEvent()).toMatchObject({ reason: 'unknown_user', email: `${login}@${domain}` });
    });

    it('an email from another tenant’s domain', async () => {
      const login = uniqueSlug('crosser');
      idp.accounts.set(login, { email: `ceo@${otherDomain}`, email_verified: true });
      const { res } = await fullSignIn(login, `${login}@${domain}`);
      refusedTo(res, 'email_outside_domains');
      expect(await lastEvent()).toMatchObject({
        reason: 'email_outside_domains',
        email: `ceo@${otherDomain}`,
      });
    });
  });

  describe('bad input is a clear 4xx (or the sign-in page), never a 500 and never a session', () => {
    it.each([
      ['missing email', ''],
      ['malformed email', 'email=not-an-email'],
      ['oversized email', `email=${'a'.repeat(5000)}@${'b'.repeat(10)}.example`],
      ['repeated email', 'email=a@b.example&email=c@d.example'],
      ['oversized returnTo', `email=a@b.example&returnTo=/${'x'.repeat(3000)}`],
    ])('GET /auth/login with %s', async (_name, query) => {
      const browser = new CookieBrowser();
      refusedTo(await browser.request(`${gw.url}/auth/login?${query}`), 'invalid_request');
      const api = await fetch(`${gw.url}/auth/login?${query}`, { headers: { accept: 'application/json' } });
      expect(api.status).toBe(400);
    });

    it('a callback with no parameters, asked for JSON, is a 401 naming the reason', async () => {
      const res = await fetch(`${gw.url}/auth/callback`, { headers: { accept: 'application/json' } });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'signin.missing_state_cookie' } });
    });

    it('a callback without the IdP’s parameters for a real pending request (RFC 9207 iss first)', async () => {
      const browser = new CookieBrowser();
      await startLogin(browser, `x@${domain}`);
      refusedTo(await browser.request(`${gw.url}/auth/callback?foo=bar`), 'issuer_mismatch');
    });

    it('an unknown /auth path is a JSON 404', async () => {
      const res = await fetch(`${gw.url}/auth/nope`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'route.not_found' } });
    });
  });

  /** The sealed ID token of each of the user's sessions. */
  const sealedIdTokens = async (userId: string) =>
    (
      (await gw.db.dataSource.query(
        `SELECT id_token_sealed AS sealed FROM sessions WHERE user_id = ${gw.db.dialect === 'postgres' ? '$1' : '?'}`,
        [userId],
      )) as Array<{ sealed: string | null }>
    ).map((r) => r.sealed);

  it('signing out ends the session and returns the IdP’s end-session URL with the ID token as the hint', async () => {
    const { user, login } = await provisioned();
    const { browser } = await fullSignIn(login, user.email);
    const { csrfToken } = (await (await browser.request(`${gw.url}/auth/session`)).json()) as {
      csrfToken: string;
    };
    // Kept sealed at rest: not the token, nor any part of it.
    const [sealed] = await sealedIdTokens(user.id);
    expect(sealed).toMatch(/^v1\./);

    const noCsrf = await browser.request(`${gw.url}/auth/logout`, { method: 'POST' });
    expect(noCsrf.status).toBe(403);

    const res = await browser.request(`${gw.url}/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(res.status).toBe(200);
    const { redirectTo } = (await res.json()) as { redirectTo: string };
    const end = new URL(redirectTo);
    expect(end.origin).toBe(idp.issuer);
    expect(end.searchParams.get('client_id')).toBe('gatehouse');
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${gw.config.publicUrl}/sign-in`);
    const hint = end.searchParams.get('id_token_hint') ?? '';
    const [, payload = ''] = hint.split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))).toMatchObject({
      iss: idp.issuer,
      aud: 'gatehouse',
      sub: login,
    });
    expect(sealed).not.toContain(payload);
    // The IdP takes the hint: its end-session page asks to confirm, not an error for a bad hint.
    const confirm = await browser.request(redirectTo);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('logout');
    expect((await browser.request(`${gw.url}/api/me`)).status).toBe(401);
    // An ended session keeps no ID token.
    expect(await sealedIdTokens(user.id)).toEqual([null]);
  });
});
