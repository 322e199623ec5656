// SSO connection administration through HTTP: set-up with the redirect URI, a write-only client
// secret, email domains owned by one connection across all tenants, and a discovery test that answers
// in plain words whatever the network does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SsoConnectionView, SsoTestResult } from '@gatehouse/domain/contracts';
import {
  makeTenant,
  makeUser,
  signIn,
  startTestGateway,
  uniqueSlug,
  type Browser,
  type TestGateway,
} from './support/gateway.js';
import { system } from './support/people.js';
import { auditOf, countRows, expectNoSecrets, json, type ApiError } from './support/security.js';

/** A tiny OIDC issuer: serves its discovery document, or whatever a test tells it to. */
async function startIssuer(): Promise<{
  url: string;
  answer: { status: number; body: unknown };
  close(): Promise<void>;
}> {
  const state = { status: 200, body: undefined as unknown };
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/openid-configuration') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(state.status, { 'content-type': 'application/json' });
    res.end(typeof state.body === 'string' ? state.body : JSON.stringify(state.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.body = {
    issuer: url,
    authorization_endpoint: `${url}/authorize`,
    token_endpoint: `${url}/token`,
    jwks_uri: `${url}/jwks`,
    userinfo_endpoint: `${url}/userinfo`,
    scopes_supported: ['openid', 'email'],
  };
  return {
    url,
    answer: state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(DATABASES)('SSO connections API on $name', (target) => {
  let gw: TestGateway;
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  beforeAll(async () => {
    gw = await startTestGateway(target);
    issuer = await startIssuer();
    console.info(`SSO connections API tests run on ${gw.label}`);
  });
  afterAll(async () => {
    await issuer.close();
    await gw.close();
  });

  const domain = () => `${uniqueSlug('d')}.example`;
  const create = (browser: Browser, overrides: Record<string, unknown> = {}) =>
    browser.fetch('/api/sso/connections', {
      method: 'POST',
      json: {
        name: 'Okta',
        issuer: issuer.url,
        clientId: 'client-1',
        clientSecret: 'first-secret-value',
        domains: [domain()],
        ...overrides,
      },
    });

  it('an owner sets up a connection; responses carry the redirect URIs and whether a secret is set, never the secret', async () => {
    const t = await makeTenant(gw);
    const owner = await signIn(gw, t.owner);
    const res = await create(owner, { clientSecret: 'top-secret-1234' });
    expect(res.status).toBe(201);
    const text = await res.text();
    expectNoSecrets(text, ['top-secret-1234']);
    const connection = JSON.parse(text) as SsoConnectionView;
    expect(connection).toMatchObject({
      name: 'Okta',
      clientSecretSet: true,
      enabled: true,
      redirectUri: `${gw.config.publicUrl}/auth/callback`,
      postLogoutRedirectUri: `${gw.config.publicUrl}/sign-in`,
    });
    const list = await owner.fetch('/api/sso/connections');
    const listText = await list.text();
    expectNoSecrets(listText, ['top-secret-1234']);
    expect(JSON.parse(listText)).toEqual({
      redirectUri: connection.redirectUri,
      postLogoutRedirectUri: connection.postLogoutRedirectUri,
      items: [connection],
    });
    const [record] = await auditOf(gw, t.tenant.id, 'sso_connection.created');
    expectNoSecrets(JSON.stringify(record), ['top-secret-1234']);
  });

  it('an email domain another tenant’s connection claims is a 409, on create and on update, and nothing is written', async () => {
    const t = await makeTenant(gw);
    const other = await makeTenant(gw);
    const taken = domain();
    await gw.services.ssoConnections.configure(system(other), {
      issuer: issuer.url,
      clientId: 'c',
      clientSecret: 's',
      domains: [taken],
    });
    const owner = await signIn(gw, t.owner);
    const refused = await create(owner, { domains: [domain(), taken] });
    expect(refused.status).toBe(409);
    expect((await json<ApiError>(refused)).error.code).toBe('sso.domain_taken');
    expect(await countRows(gw, 'sso_connections', t.tenant.id)).toBe(0);

    const mine = await json<SsoConnectionView>(await create(owner));
    const update = await owner.fetch(`/api/sso/connections/${mine.id}`, {
      method: 'PATCH',
      json: { domains: [taken] },
    });
    expect(update.status).toBe(409);
    const after = await json<SsoConnectionView>(await owner.fetch(`/api/sso/connections/${mine.id}`));
    expect(after.domains).toEqual(mine.domains);
  });

  it('an update changes only what is sent; a new client secret replaces the sealed one without ever being shown', async () => {
    const t = await makeTenant(gw);
    const owner = await signIn(gw, t.owner);
    const created = await json<SsoConnectionView>(await create(owner));
    const sealed = async () =>
      (
        (await gw.db.manager.getRepository('SsoConnection').findOneByOrFail({ id: created.id })) as {
          clientSecretEncrypted: string;
        }
      ).clientSecretEncrypted;
    const before = await sealed();

    const renamed = await owner.fetch(`/api/sso/connections/${created.id}`, {
      method: 'PATCH',
      json: { name: 'Entra', jitEnabled: true },
    });
    expect(renamed.status).toBe(200);
    expect(await json<SsoConnectionView>(renamed)).toMatchObject({
      name: 'Entra',
      jitEnabled: true,
      clientId: 'client-1',
    });
    expect(await sealed()).toBe(before);

    const rotated = await owner.fetch(`/api/sso/connections/${created.id}`, {
      method: 'PATCH',
      json: { clientSecret: 'second-secret-value' },
    });
    expectNoSecrets(await rotated.text(), ['second-secret-value', 'first-secret-value']);
    const now = await sealed();
    expect(now).not.toBe(before);
    expectNoSecrets(now, ['second-secret-value']);
    const [record] = await auditOf(gw, t.tenant.id, 'sso_connection.updated');
    expect(record?.change).toMatchObject({ before: { name: 'Okta' }, after: { name: 'Entra' } });
  });

  it('deleting a connection releases its domains for any tenant', async () => {
    const t = await makeTenant(gw);
    const other = await makeTenant(gw);
    const owner = await signIn(gw, t.owner);
    const shared = domain();
    const created = await json<SsoConnectionView>(await create(owner, { domains: [shared] }));
    expect((await owner.fetch(`/api/sso/connections/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await owner.fetch(`/api/sso/connections/${created.id}`)).status).toBe(404);
    const theirs = await create(await signIn(gw, other.owner), { domains: [shared] });
    expect(theirs.status).toBe(201);
    expect(await auditOf(gw, t.tenant.id, 'sso_connection.deleted')).toHaveLength(1);
  });

  it('while SSO is required, its last enabled connection can be neither disabled nor deleted', async () => {
    const t = await makeTenant(gw);
    const owner = await signIn(gw, t.owner);
    const created = await json<SsoConnectionView>(await create(owner));
    await gw.services.tenantSettings.updateAuthMethods(system(t), {
      authMethods: ['sso'],
      ssoRequired: true,
      requireOwnerMfa: false,
    });
    const disable = await owner.fetch(`/api/sso/connections/${created.id}`, {
      method: 'PATCH',
      json: { enabled: false },
    });
    expect(disable.status).toBe(409);
    expect((await json<ApiError>(disable)).error.code).toBe('sso.required_needs_connection');
    expect((await owner.fetch(`/api/sso/connections/${created.id}`, { method: 'DELETE' })).status).toBe(409);
    expect(await countRows(gw, 'sso_connections', t.tenant.id)).toBe(1);
  });

  it('another tenant’s connection is a 404 to read, change, delete or test, and stays as it was', async () => {
    const t = await makeTenant(gw);
    const other = await makeTenant(gw);
    const theirs = await gw.services.ssoConnections.configure(system(other), {
      issuer: issuer.url,
      clientId: 'c',
      clientSecret: 's',
      domains: [domain()],
    });
    const owner = await signIn(gw, t.owner);
    const path = `/api/sso/connections/${theirs.id}`;
    expect((await owner.fetch(path)).status).toBe(404);
    expect((await owner.fetch(path, { method: 'PATCH', json: { name: 'mine now' } })).status).toBe(404);
    expect((await owner.fetch(`${path}/test`, { method: 'POST' })).status).toBe(404);
    expect((await owner.fetch(path, { method: 'DELETE' })).status).toBe(404);
    expect(await countRows(gw, 'sso_connections', other.tenant.id)).toBe(1);
  });

  it('a manager may look at connections but is told setting one up requires a tenant owner', async () => {
    const t = await makeTenant(gw);
    const manager = await signIn(gw, await makeUser(gw, t, { tenantRole: 'manager' }));
    expect((await manager.fetch('/api/sso/connections')).status).toBe(200);
    const res = await create(manager);
    expect(res.status).toBe(403);
    expect((await json<ApiError>(res)).error.message).toBe('Requires tenant owner.');
    const test = await manager.fetch('/api/sso/test', { method: 'POST', json: { issuer: issuer.url } });
    expect(test.status).toBe(403);
    expect(await countRows(gw, 'sso_connections', t.tenant.id)).toBe(0);
  });

  it('refuses an issuer that is not an http(s) URL, a secret that is not a string, and unknown fields', async () => {
    const t = await makeTenant(gw);
    const owner = await signIn(gw, t.owner);
    for (const overrides of [
      { issuer: 'ftp://idp.example' },
      { clientSecret: 5 },
      { domains: ['not a domain'] },
    ]) {
      expect((await create(owner, overrides)).status, JSON.stringify(overrides)).toBe(400);
    }
    const created = await json<SsoConnectionView>(await create(owner));
    const unknown = await owner.fetch(`/api/sso/connections/${created.id}`, {
      method: 'PATCH',
      json: { clientSecretEncrypted: 'x' },
    });
    expect(unknown.status).toBe(400);
  });

  describe('the connection test', () => {
    it('runs discovery against the issuer and lists its endpoints', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      const created = await json<SsoConnectionView>(await create(owner));
      const res = await owner.fetch(`/api/sso/connections/${created.id}/test`, { method: 'POST' });
      expect(res.status).toBe(200);
      expect(await json<SsoTestResult>(res)).toEqual({
        ok: true,
        issuer: issuer.url,
        discoveryUrl: `${issuer.url}/.well-known/openid-configuration`,
        error: null,
        metadata: {
          authorizationEndpoint: `${issuer.url}/authorize`,
          tokenEndpoint: `${issuer.url}/token`,
          jwksUri: `${issuer.url}/jwks`,
          userinfoEndpoint: `${issuer.url}/userinfo`,
          scopesSupported: ['openid', 'email'],
        },
      });
    });

    it('says so in plain words when the IdP calls itself by another issuer', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch('/api/sso/test', { method: 'POST', json: { issuer: `${issuer.url}/` } });
      const result = await json<SsoTestResult>(res);
      expect(result.ok).toBe(false);
      expect(result.error).toContain(`calls itself "${issuer.url}"`);
    });

    it('answers a refused connection, an HTTP error and a non-JSON document with a result, never a 500', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      const closed = await startIssuer();
      await closed.close();
      const refused = await owner.fetch('/api/sso/test', { method: 'POST', json: { issuer: closed.url } });
      expect(refused.status).toBe(200);
      expect((await json<SsoTestResult>(refused)).error).toMatch(
        /^Nothing accepted the connection at 127\.0\.0\.1:\d+\.$/,
      );

      const original = issuer.answer.body;
      try {
        issuer.answer.status = 503;
        const failing = await json<SsoTestResult>(
          await owner.fetch('/api/sso/test', { method: 'POST', json: { issuer: issuer.url } }),
        );
        expect(failing.error).toBe(`The discovery document answered HTTP 503 at ${failing.discoveryUrl}.`);
        issuer.answer.status = 200;
        issuer.answer.body = '<html>';
        const garbled = await json<SsoTestResult>(
          await owner.fetch('/api/sso/test', { method: 'POST', json: { issuer: issuer.url } }),
        );
        expect(garbled.error).toBe('The discovery document is not valid JSON.');
      } finally {
        issuer.answer.status = 200;
        issuer.answer.body = original;
      }
    });

    it('reports a host name that does not resolve', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch('/api/sso/test', {
        method: 'POST',
        json: { issuer: 'https://idp.does-not-exist.invalid' },
      });
      expect(res.status).toBe(200);
      const result = await json<SsoTestResult>(res);
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/could not be resolved|could not be reached/);
    });
  });
});
