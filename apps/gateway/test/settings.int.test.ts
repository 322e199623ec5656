// Tenant settings through HTTP: sign-in methods, session policy, IP allowlist (with the lock-out
// guard), feature flags, AI providers (write-only keys), branding and the monthly usage limit.
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AiProvidersView,
  AuthMethodsView,
  BrandingView,
  FeatureFlagsView,
  IpAllowlistView,
  SessionPolicyView,
} from '@gatehouse/domain/contracts';
import { makeTenant, makeUser, signIn, startTestGateway, type TestGateway } from './support/gateway.js';
import { system } from './support/people.js';
import { auditOf, countRows, expectNoSecrets, json, type ApiError } from './support/security.js';

describe.each(DATABASES)('settings API on $name', (target) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(target);
    console.info(`settings API tests run on ${gw.label}`);
  });
  afterAll(() => gw.close());

  const ownerOfNewTenant = async () => {
    const t = await makeTenant(gw);
    return { t, owner: await signIn(gw, t.owner) };
  };

  describe('sign-in methods', () => {
    it('an owner reads and changes them; the change is audited', async () => {
      const { t, owner } = await ownerOfNewTenant();
      expect(await json<AuthMethodsView>(await owner.fetch('/api/settings/auth-methods'))).toEqual({
        authMethods: ['email', 'sso'],
        ssoRequired: false,
        requireOwnerMfa: false,
      });
      const res = await owner.fetch('/api/settings/auth-methods', {
        method: 'PUT',
        json: { authMethods: ['email'], ssoRequired: false, requireOwnerMfa: true },
      });
      expect(res.status).toBe(200);
      expect(await json<AuthMethodsView>(res)).toEqual({
        authMethods: ['email'],
        ssoRequired: false,
        requireOwnerMfa: true,
      });
      expect(await auditOf(gw, t.tenant.id, 'tenant.auth_methods_changed')).toHaveLength(1);
    });

    it('SSO as the only way in needs an enabled SSO connection (409), and an empty list is a 400', async () => {
      const { owner } = await ownerOfNewTenant();
      const ssoOnly = await owner.fetch('/api/settings/auth-methods', {
        method: 'PUT',
        json: { authMethods: ['sso'], ssoRequired: true, requireOwnerMfa: false },
      });
      expect(ssoOnly.status).toBe(409);
      const empty = await owner.fetch('/api/settings/auth-methods', {
        method: 'PUT',
        json: { authMethods: [], ssoRequired: false, requireOwnerMfa: false },
      });
      expect(empty.status).toBe(400);
    });
  });

  describe('session policy', () => {
    it('offers the bounds, accepts idle or fixed within them and refuses the rest', async () => {
      const { t, owner } = await ownerOfNewTenant();
      const current = await json<SessionPolicyView>(await owner.fetch('/api/settings/session-policy'));
      expect(current).toMatchObject({ mode: 'idle', minutes: 480 });
      const { fixed } = current.bounds;
      const ok = await owner.fetch('/api/settings/session-policy', {
        method: 'PUT',
        json: { mode: 'fixed', minutes: fixed.max },
      });
      expect(ok.status).toBe(200);
      expect(await json<SessionPolicyView>(ok)).toMatchObject({ mode: 'fixed', minutes: fixed.max });
      for (const body of [
        { mode: 'fixed', minutes: fixed.max + 1 },
        { mode: 'idle', minutes: current.bounds.idle.min - 1 },
        { mode: 'forever', minutes: 10 },
        { mode: 'idle', minutes: 12.5 },
        { mode: 'idle', minutes: '60' },
      ]) {
        const res = await owner.fetch('/api/settings/session-policy', { method: 'PUT', json: body });
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      expect(await auditOf(gw, t.tenant.id, 'tenant.session_policy_changed')).toHaveLength(1);
    });
  });

  describe('IP allowlist', () => {
    it('shows the caller’s address, and refuses a list that would lock them out unless confirmed', async () => {
      const { t, owner } = await ownerOfNewTenant();
      const empty = await json<IpAllowlistView>(await owner.fetch('/api/settings/ip-allowlist'));
      expect(empty.entries).toEqual([]);
      expect(empty.currentIp).toMatch(/127\.0\.0\.1$/);
      expect(empty.currentIpAllowed).toBe(true);

      const lockout = await owner.fetch('/api/settings/ip-allowlist', {
        method: 'PUT',
        json: { entries: [{ cidr: '203.0.113.0/24', label: 'office' }] },
      });
      expect(lockout.status).toBe(409);
      const problem = await json<ApiError>(lockout);
      expect(problem.error.code).toBe('ip_allowlist.would_lock_out');
      expect(problem.error.message).toContain(empty.currentIp ?? '');
      expect(await countRows(gw, 'ip_allowlist_entries', t.tenant.id)).toBe(0);

      const admitted = await owner.fetch('/api/settings/ip-allowlist', {
        method: 'PUT',
        json: { entries: [{ cidr: '127.0.0.0/8', label: 'loopback' }, { cidr: '203.0.113.0/24' }] },
      });
      expect(admitted.status).toBe(200);
      const saved = await json<IpAllowlistView>(admitted);
      expect(saved.entries.map((e) => [e.cidr, e.label])).toEqual([
        ['127.0.0.0/8', 'loopback'],
        ['203.0.113.0/24', null],
      ]);
      expect(saved.currentIpAllowed).toBe(true);
    });

    it('saves a lock-out list when the owner confirms it, and says the address is no longer admitted', async () => {
      const { t } = await ownerOfNewTenant();
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch('/api/settings/ip-allowlist', {
        method: 'PUT',
        json: { entries: [{ cidr: '198.51.100.7' }], confirmLockout: true },
      });
      expect(res.status).toBe(200);
      expect(await json<IpAllowlistView>(res)).toMatchObject({ currentIpAllowed: false });
      const [record] = await auditOf(gw, t.tenant.id, 'ip_allowlist.replaced');
      expect(record?.change).toMatchObject({ lockoutConfirmed: true });
    });

    it('refuses an entry that is not an address or range', async () => {
      const { t, owner } = await ownerOfNewTenant();
      for (const cidr of ['10.0.0.0/33', 'example.com', '1.2.3.4/8/8']) {
        const res = await owner.fetch('/api/settings/ip-allowlist', {
          method: 'PUT',
          json: { entries: [{ cidr }], confirmLockout: true },
        });
        expect(res.status, cidr).toBe(400);
      }
      expect(await countRows(gw, 'ip_allowlist_entries', t.tenant.id)).toBe(0);
    });
  });

  describe('feature flags', () => {
    it('an owner turns the named flags on and off; the others keep their value', async () => {
      const { t, owner } = await ownerOfNewTenant();
      expect(await json<FeatureFlagsView>(await owner.fetch('/api/settings/feature-flags'))).toEqual({
        flags: { custom_object_sharing: false, cases: false },
      });
      const on = await owner.fetch('/api/settings/feature-flags', {
        method: 'PUT',
        json: { flags: { cases: true } },
      });
      expect(await json<FeatureFlagsView>(on)).toEqual({
        flags: { custom_object_sharing: false, cases: true },
      });
      const me = await json<{ features: { cases: boolean } }>(await owner.fetch('/api/me'));
      expect(me.features.cases).toBe(true);
      const [record] = await auditOf(gw, t.tenant.id, 'feature_flags.changed');
      expect(record?.change).toEqual({ before: { cases: false }, after: { cases: true } });
    });

    it('refuses an unknown flag or a value that is not a boolean', async () => {
      const { owner } = await ownerOfNewTenant();
      for (const flags of [{ teleport: true }, { cases: 'yes' }]) {
        const res = await owner.fetch('/api/settings/feature-flags', { method: 'PUT', json: { flags } });
        expect(res.status, JSON.stringify(flags)).toBe(400);
      }
    });
  });

  describe('AI providers', () => {
    it('stores an API key sealed and never returns it: responses, audit and the row say only whether it is set', async () => {
      const { t, owner } = await ownerOfNewTenant();
      const key = 'sk-live-0123456789abcdef';
      const res = await owner.fetch('/api/settings/ai-providers', {
        method: 'PUT',
        json: {
          providers: [
            { provider: 'openai', enabled: true, allowedModels: ['gpt-4o', 'gpt-4o'], apiKey: key },
          ],
        },
      });
      expect(res.status).toBe(200);
      const text = await res.text();
      expectNoSecrets(text, [key]);
      const view = JSON.parse(text) as AiProvidersView;
      expect(view.providers.find((p) => p.provider === 'openai')).toMatchObject({
        enabled: true,
        allowedModels: ['gpt-4o'],
        apiKeySet: true,
      });
      expect(view.providers.find((p) => p.provider === 'anthropic')).toMatchObject({
        enabled: false,
        apiKeySet: false,
      });
      expectNoSecrets(await (await owner.fetch('/api/settings/ai-providers')).text(), [key]);
      const rows = await gw.db.dataSource.query('SELECT api_key_encrypted FROM ai_provider_settings');
      expectNoSecrets(JSON.stringify(rows), [key]);
      expectNoSecrets(JSON.stringify(await auditOf(gw, t.tenant.id, 'ai_providers.changed')), [key]);
    });

    it('keeps the key when it is omitted, removes it on null, and will not enable a provider without one', async () => {
      const { owner } = await ownerOfNewTenant();
      const put = (providers: unknown[]) =>
        owner.fetch('/api/settings/ai-providers', { method: 'PUT', json: { providers } });
      await put([{ provider: 'anthropic', enabled: true, apiKey: 'key-1' }]);
      const kept = await json<AiProvidersView>(
        await put([{ provider: 'anthropic', enabled: true, allowedModels: ['claude'] }]),
      );
      expect(kept.providers.find((p) => p.provider === 'anthropic')?.apiKeySet).toBe(true);
      const refused = await put([{ provider: 'anthropic', enabled: true, apiKey: null }]);
      expect(refused.status).toBe(400);
      expect((await json<ApiError>(refused)).error.code).toBe('ai.key_required');
      const removed = await json<AiProvidersView>(
        await put([{ provider: 'anthropic', enabled: false, apiKey: null }]),
      );
      expect(removed.providers.find((p) => p.provider === 'anthropic')).toMatchObject({
        enabled: false,
        apiKeySet: false,
      });
    });

    it('refuses an unknown provider, a provider named twice and a malformed model name', async () => {
      const { t, owner } = await ownerOfNewTenant();
      for (const providers of [
        [{ provider: 'skynet', enabled: false }],
        [
          { provider: 'openai', enabled: false },
          { provider: 'openai', enabled: false },
        ],
        [{ provider: 'openai', enabled: false, allowedModels: ['gpt 4; drop table'] }],
      ]) {
        const res = await owner.fetch('/api/settings/ai-providers', { method: 'PUT', json: { providers } });
        expect(res.status, JSON.stringify(providers)).toBe(400);
      }
      expect(await countRows(gw, 'ai_provider_settings', t.tenant.id)).toBe(0);
    });
  });

  describe('branding', () => {
    it('an owner sets the sender and the login notice; an empty notice is no notice', async () => {
      const { t, owner } = await ownerOfNewTenant();
      expect(await json<BrandingView>(await owner.fetch('/api/settings/branding'))).toEqual({
        senderEmail: null,
        senderName: null,
        loginNotice: null,
        updatedAt: null,
      });
      const body = {
        senderEmail: 'it@acme.example',
        senderName: 'Acme IT',
        loginNotice: 'Authorised use only.',
      };
      const res = await owner.fetch('/api/settings/branding', { method: 'PUT', json: body });
      expect(await json<BrandingView>(res)).toMatchObject(body);
      const cleared = await owner.fetch('/api/settings/branding', {
        method: 'PUT',
        json: { ...body, loginNotice: '   ' },
      });
      expect((await json<BrandingView>(cleared)).loginNotice).toBeNull();
      expect(await auditOf(gw, t.tenant.id, 'branding.changed')).toHaveLength(2);
    });

    it('refuses a bad sender address, a sender name that would break the From header, and a notice that is too long', async () => {
      const { t, owner } = await ownerOfNewTenant();
      const base = { senderEmail: null, senderName: null, loginNotice: null };
      for (const body of [
        { ...base, senderEmail: 'not-an-address' },
        { ...base, senderName: 'Acme\r\nBcc: everyone@example.com' },
        { ...base, senderName: '"Acme" <evil@example.com>' },
        { ...base, loginNotice: 'x'.repeat(2001) },
      ]) {
        const res = await owner.fetch('/api/settings/branding', { method: 'PUT', json: body });
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      expect(await countRows(gw, 'brandings', t.tenant.id)).toBe(0);
    });
  });

  describe('usage limit', () => {
    it('an owner sets and lifts the monthly event limit; a manager is told it requires a tenant owner', async () => {
      const { t, owner } = await ownerOfNewTenant();
      const set = await owner.fetch('/api/settings/usage-limit', {
        method: 'PUT',
        json: { monthlyEventLimit: 1000 },
      });
      expect(await json<unknown>(set)).toEqual({ monthlyEventLimit: 1000 });
      const lifted = await owner.fetch('/api/settings/usage-limit', {
        method: 'PUT',
        json: { monthlyEventLimit: null },
      });
      expect(await json<unknown>(lifted)).toEqual({ monthlyEventLimit: null });
      for (const monthlyEventLimit of [0, -5, 1.5, '1000']) {
        const res = await owner.fetch('/api/settings/usage-limit', {
          method: 'PUT',
          json: { monthlyEventLimit },
        });
        expect(res.status).toBe(400);
      }
      const manager = await signIn(gw, await makeUser(gw, t, { tenantRole: 'manager' }));
      const denied = await manager.fetch('/api/settings/usage-limit', {
        method: 'PUT',
        json: { monthlyEventLimit: 5 },
      });
      expect(denied.status).toBe(403);
      expect((await json<ApiError>(denied)).error.message).toBe('Requires tenant owner.');
      expect(await auditOf(gw, t.tenant.id, 'usage_limit.changed')).toHaveLength(2);
    });
  });

  it('a manager reads every setting but is told changing one requires a tenant owner, and nothing changes', async () => {
    const t = await makeTenant(gw);
    await gw.services.featureFlags.update(system(t), { flags: { cases: true } });
    const manager = await signIn(gw, await makeUser(gw, t, { tenantRole: 'manager' }));
    const writes: Array<[string, unknown]> = [
      ['/api/settings/auth-methods', { authMethods: ['email'], ssoRequired: false, requireOwnerMfa: false }],
      ['/api/settings/session-policy', { mode: 'idle', minutes: 60 }],
      ['/api/settings/ip-allowlist', { entries: [], confirmLockout: true }],
      ['/api/settings/feature-flags', { flags: { cases: false } }],
      ['/api/settings/ai-providers', { providers: [] }],
      ['/api/settings/branding', { senderEmail: null, senderName: null, loginNotice: 'x' }],
    ];
    const auditBefore = await countRows(gw, 'audit_events', t.tenant.id);
    for (const [path, body] of writes) {
      expect((await manager.fetch(path)).status, path).toBe(200);
      const res = await manager.fetch(path, { method: 'PUT', json: body });
      expect(res.status, path).toBe(403);
      expect((await json<ApiError>(res)).error.message).toBe('Requires tenant owner.');
    }
    expect(await countRows(gw, 'audit_events', t.tenant.id)).toBe(auditBefore);
    const flags = await json<FeatureFlagsView>(await manager.fetch('/api/settings/feature-flags'));
    expect(flags.flags.cases).toBe(true);
  });
});
