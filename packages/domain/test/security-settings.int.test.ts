// Owner-only sign-in policy (seed 000 "Security configuration"): session policy, auth methods and the IP
// allowlist, plus the shared rate limiter they lean on.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditEvent, IpAllowlistEntry, ScimToken, Session, Tenant } from '../src/entities/index.js';
import { parseClientIp, parseIpRange, SESSION_POLICY_BOUNDS } from '../src/services/index.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { countRows, makeServices, makeTenant, makeUser, type TestWorld } from './factories.js';

const MINUTE = 60_000;

describe('IP ranges', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['203.0.113.7', '203.0.113.7/32'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['::1', '::1/128'],
  ])('%s is the range %s', (raw, cidr) => {
    expect(parseIpRange(raw)?.cidr).toBe(cidr);
  });

  it.each([
    '10.0.0.0/33',
    '2001:db8::/129',
    'example.com',
    '10.0.0.0/8/1',
    '10.0.0/8',
    '',
    '1.2.3.4/-1',
    '1.2.3.4/ 8',
  ])('%j is not a range', (raw) => {
    expect(parseIpRange(raw)).toBeNull();
  });

  it('an IPv4-mapped IPv6 client address counts as IPv4', () => {
    expect(parseClientIp('::ffff:10.1.2.3')).toEqual({ address: '10.1.2.3', family: 'ipv4' });
    expect(parseClientIp('fe80::1%eth0')).toEqual({ address: 'fe80::1', family: 'ipv6' });
    expect(parseClientIp('nonsense')).toBeNull();
  });
});

describe.each(DATABASES)('sign-in policy on $name', (target) => {
  let opened: OpenedDatabase;
  let world: TestWorld;

  beforeAll(async () => {
    opened = await openTestDatabase(target);
    world = makeServices(opened.db);
  });
  afterAll(() => opened?.close());

  async function sessionFor(tenantId: string, userId: string): Promise<string> {
    const { token } = await opened.db.transaction((tx) =>
      world.services.sessions.start(tx, {
        tenantId,
        userId,
        method: 'email_link',
        ip: null,
        userAgent: null,
      }),
    );
    return token;
  }

  describe('session policy', () => {
    it('idle: activity extends the session; silence longer than the timeout ends it', async () => {
      const t = await makeTenant(world);
      await world.services.tenantSettings.updateSessionPolicy(t.ownerActor, { mode: 'idle', minutes: 30 });
      const token = await sessionFor(t.tenant.id, t.owner.id);
      for (let i = 0; i < 4; i++) {
        world.clock.advance(20 * MINUTE);
        expect(await world.services.sessions.resolve(token), `after ${(i + 1) * 20} min`).not.toBeNull();
      }
      world.clock.advance(31 * MINUTE);
      expect(await world.services.sessions.resolve(token)).toBeNull();
    });

    it('fixed: the session ends at the duration from sign-in, however active', async () => {
      const t = await makeTenant(world);
      await world.services.tenantSettings.updateSessionPolicy(t.ownerActor, { mode: 'fixed', minutes: 60 });
      const token = await sessionFor(t.tenant.id, t.owner.id);
      world.clock.advance(30 * MINUTE);
      expect(await world.services.sessions.resolve(token)).not.toBeNull();
      world.clock.advance(29 * MINUTE);
      expect(await world.services.sessions.resolve(token)).not.toBeNull();
      world.clock.advance(1 * MINUTE);
      expect(await world.services.sessions.resolve(token)).toBeNull();
    });

    it('a policy change applies to sessions that already exist', async () => {
      const t = await makeTenant(world);
      const token = await sessionFor(t.tenant.id, t.owner.id);
      world.clock.advance(3 * 60 * MINUTE); // within the default 8-hour idle timeout
      expect(await world.services.sessions.resolve(token)).not.toBeNull();
      world.clock.advance(2 * 60 * MINUTE);
      await world.services.tenantSettings.updateSessionPolicy(t.ownerActor, { mode: 'idle', minutes: 60 });
      expect(await world.services.sessions.resolve(token)).toBeNull();
    });

    it('stays within bounds, is owner-only and audited', async () => {
      const t = await makeTenant(world);
      const manager = await makeUser(world, t, { tenantRole: 'manager' });
      await expect(
        world.services.tenantSettings.updateSessionPolicy(await manager.actor(), {
          mode: 'idle',
          minutes: 60,
        }),
      ).rejects.toMatchObject({ code: 'permission.denied', message: 'Requires tenant owner.' });
      for (const bad of [
        { mode: 'idle' as const, minutes: SESSION_POLICY_BOUNDS.idle.min - 1 },
        { mode: 'fixed' as const, minutes: SESSION_POLICY_BOUNDS.fixed.max + 1 },
        { mode: 'idle' as const, minutes: 30.5 },
        { mode: 'forever' as never, minutes: 30 },
      ]) {
        await expect(
          world.services.tenantSettings.updateSessionPolicy(t.ownerActor, bad),
        ).rejects.toMatchObject({
          kind: 'invalid',
        });
      }
      const view = await world.services.tenantSettings.updateSessionPolicy(t.ownerActor, {
        mode: 'fixed',
        minutes: 720,
      });
      expect(view).toMatchObject({ mode: 'fixed', minutes: 720, bounds: SESSION_POLICY_BOUNDS });
      expect(await world.services.tenantSettings.sessionPolicy(await manager.actor())).toMatchObject({
        minutes: 720,
      });
      const audit = await opened.db.manager.findOneBy(AuditEvent, {
        tenantId: t.tenant.id,
        action: 'tenant.session_policy_changed',
      });
      expect(audit?.change).toEqual({
        before: { mode: 'idle', minutes: 480 },
        after: { mode: 'fixed', minutes: 720 },
      });
    });
  });

  describe('authentication methods', () => {
    it('SSO cannot become the only way in without an enabled connection; ssoRequired implies SSO', async () => {
      const t = await makeTenant(world);
      await expect(
        world.services.tenantSettings.updateAuthMethods(t.ownerActor, {
          authMethods: ['email'],
          ssoRequired: true,
          requireOwnerMfa: false,
        }),
      ).rejects.toMatchObject({ code: 'auth_methods.no_sso_connection' });
      await world.services.ssoConnections.configure(t.ownerActor, {
        issuer: 'https://idp.example.test',
        clientId: 'c',
        clientSecret: 's',
        domains: [`${t.tenant.slug}.example`],
      });
      expect(
        await world.services.tenantSettings.updateAuthMethods(t.ownerActor, {
          authMethods: ['email'],
          ssoRequired: true,
          requireOwnerMfa: true,
        }),
      ).toEqual({ authMethods: ['email', 'sso'], ssoRequired: true, requireOwnerMfa: true });
      await expect(
        world.services.tenantSettings.updateAuthMethods(t.ownerActor, {
          authMethods: [],
          ssoRequired: false,
          requireOwnerMfa: false,
        }),
      ).rejects.toMatchObject({ code: 'auth_methods.invalid' });
    });

    it('managers may look but not change', async () => {
      const t = await makeTenant(world);
      const manager = await (await makeUser(world, t, { tenantRole: 'manager' })).actor();
      expect(await world.services.tenantSettings.authMethods(manager)).toEqual({
        authMethods: ['email', 'sso'],
        ssoRequired: false,
        requireOwnerMfa: false,
      });
      await expect(
        world.services.tenantSettings.updateAuthMethods(manager, {
          authMethods: ['email'],
          ssoRequired: false,
          requireOwnerMfa: false,
        }),
      ).rejects.toMatchObject({ code: 'permission.denied' });
    });
  });

  describe('IP allowlist', () => {
    it('a list that would lock the acting owner out is refused unless confirmed', async () => {
      const t = await makeTenant(world);
      const owner = { ...t.ownerActor, ip: '203.0.113.9' };
      await expect(
        world.services.ipAllowlist.replace(owner, { entries: [{ cidr: '10.0.0.0/8', label: 'VPN' }] }),
      ).rejects.toMatchObject({ code: 'ip_allowlist.would_lock_out', details: { currentIp: '203.0.113.9' } });
      expect(await opened.db.manager.count(IpAllowlistEntry, { where: { tenantId: t.tenant.id } })).toBe(0);

      const saved = await world.services.ipAllowlist.replace(
        owner,
        { entries: [{ cidr: '10.0.0.0/8', label: 'VPN' }] },
        { confirmLockout: true },
      );
      expect(saved).toMatchObject({
        entries: [{ cidr: '10.0.0.0/8', label: 'VPN' }],
        currentIp: '203.0.113.9',
        currentIpAllowed: false,
      });
      expect(await world.services.ipAllowlist.allows(t.tenant.id, '10.20.30.40')).toBe(true);
      expect(await world.services.ipAllowlist.allows(t.tenant.id, '203.0.113.9')).toBe(false);
      await expect(world.services.ipAllowlist.assertAllowed(owner)).rejects.toMatchObject({
        code: 'ip.not_allowed',
      });
      const audit = await opened.db.manager.findBy(AuditEvent, { tenantId: t.tenant.id });
      expect(audit.map((a) => a.action)).toEqual(
        expect.arrayContaining(['ip_allowlist.replaced', 'ip_allowlist.request_denied']),
      );
    });

    it('a list that includes the owner’s address saves without confirmation; an empty list lifts the restriction', async () => {
      const t = await makeTenant(world);
      const owner = { ...t.ownerActor, ip: '2001:db8::42' };
      const saved = await world.services.ipAllowlist.replace(owner, {
        entries: [{ cidr: '2001:db8::/32' }, { cidr: '198.51.100.7' }, { cidr: '2001:DB8::/32' }],
      });
      expect(saved.entries.map((e) => e.cidr)).toEqual(['2001:db8::/32', '198.51.100.7/32']);
      expect(saved.currentIpAllowed).toBe(true);
      await world.services.ipAllowlist.assertAllowed(owner);
      await world.services.ipAllowlist.replace(owner, { entries: [] });
      expect(await world.services.ipAllowlist.allows(t.tenant.id, '192.0.2.1')).toBe(true);
    });

    it('bad entries are refused with their position; managers cannot edit', async () => {
      const t = await makeTenant(world);
      await expect(
        world.services.ipAllowlist.replace(t.ownerActor, {
          entries: [{ cidr: '10.0.0.0/8' }, { cidr: '10.0.0.0/40' }],
        }),
      ).rejects.toMatchObject({ code: 'ip_allowlist.invalid_entry', details: { index: 1 } });
      const manager = await (await makeUser(world, t, { tenantRole: 'manager' })).actor();
      await expect(world.services.ipAllowlist.replace(manager, { entries: [] })).rejects.toMatchObject({
        code: 'permission.denied',
      });
      expect((await world.services.ipAllowlist.list(manager)).entries).toEqual([]);
    });

    it('SCIM is checked only when the owner enforces the list on SCIM', async () => {
      const t = await makeTenant(world);
      const owner = { ...t.ownerActor, ip: '10.1.1.1' };
      const { token } = await world.services.scimTokens.create(owner, { name: 'Okta' });
      const principal = async () => {
        const p = await world.services.scimTokens.authenticate(token);
        if (!p) throw new Error('the token no longer authenticates');
        return p;
      };
      await world.services.ipAllowlist.replace(owner, { entries: [{ cidr: '10.0.0.0/8' }] });
      expect(await world.services.ipAllowlist.allowsScim(await principal(), '192.0.2.50')).toBe(true);
      // The principal was just resolved and is trusted for a second: the change still shows at once here.
      await world.services.ipAllowlist.replace(owner, {
        entries: [{ cidr: '10.0.0.0/8' }],
        enforceOnScim: true,
      });
      expect(await world.services.ipAllowlist.allowsScim(await principal(), '192.0.2.50')).toBe(false);
      expect(await world.services.ipAllowlist.allowsScim(await principal(), '10.9.9.9')).toBe(true);
      const tenant = await opened.db.manager.findOneByOrFail(Tenant, { id: t.tenant.id });
      expect(tenant.settings.ipAllowlistOnScim).toBe(true);
      await world.services.ipAllowlist.replace(owner, {
        entries: [{ cidr: '10.0.0.0/8' }],
        enforceOnScim: false,
      });
      expect(await world.services.ipAllowlist.allowsScim(await principal(), '192.0.2.50')).toBe(true);
    });
  });

  it('a burst of requests with a token not yet trusted resolves it once; a wrong token stays refused', async () => {
    const t = await makeTenant(world);
    const { token } = await world.services.scimTokens.create(t.ownerActor, { name: 'Entra ID' });
    const findOne = vi.spyOn(opened.db.manager, 'findOne');
    try {
      const burst = await Promise.all(
        Array.from({ length: 20 }, () => world.services.scimTokens.authenticate(token)),
      );
      expect(new Set(burst.map((p) => p?.tenantId))).toEqual(new Set([t.tenant.id]));
      // The token row and its tenant's SCIM policy: two reads for the whole burst.
      expect(findOne).toHaveBeenCalledTimes(2);
      const wrong = await Promise.all([1, 2].map(() => world.services.scimTokens.authenticate(`${token}x`)));
      expect(wrong).toEqual([null, null]);
    } finally {
      findOne.mockRestore();
    }
  });

  it('a token in use is read again in the background before its trust ends; a revocation still takes', async () => {
    const t = await makeTenant(world);
    const issued = await world.services.scimTokens.create(t.ownerActor, { name: 'Okta' });
    vi.useFakeTimers({ toFake: ['performance'] });
    const findOne = vi.spyOn(opened.db.manager, 'findOne');
    try {
      expect(await world.services.scimTokens.authenticate(issued.token)).not.toBeNull();
      expect(findOne).toHaveBeenCalledTimes(2);
      vi.advanceTimersByTime(500);
      await world.services.scimTokens.authenticate(issued.token);
      expect(findOne).toHaveBeenCalledTimes(2); // trusted, not yet near its end
      vi.advanceTimersByTime(400);
      // Near the end: answered from the cache at once, and read again behind it.
      expect(await world.services.scimTokens.authenticate(issued.token)).not.toBeNull();
      await vi.waitFor(() => expect(findOne).toHaveBeenCalledTimes(4));
      vi.advanceTimersByTime(500); // past the first trust, inside the renewed one: no wait, no query
      expect(await world.services.scimTokens.authenticate(issued.token)).not.toBeNull();
      expect(findOne).toHaveBeenCalledTimes(4);
      // Revoked on another replica (straight in the database): refused once the next read sees it.
      await opened.db.manager.update(ScimToken, { id: issued.record.id }, { revokedAt: new Date() });
      vi.advanceTimersByTime(1_100);
      expect(await world.services.scimTokens.authenticate(issued.token)).toBeNull();
    } finally {
      findOne.mockRestore();
      vi.useRealTimers();
    }
  });

  describe('rate limiter', () => {
    it('allows up to the limit per window, says when to retry, and starts over in the next window', async () => {
      const key = `test:${Date.now()}`;
      world.clock.set(new Date('2026-03-01T10:00:10.000Z'));
      const verdicts = [];
      for (let i = 0; i < 4; i++) verdicts.push(await world.services.rateLimiter.hit(key, 3, MINUTE));
      expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false]);
      expect(verdicts[3]).toMatchObject({ count: 4, limit: 3, retryAfterSeconds: 50 });
      world.clock.advance(MINUTE);
      expect((await world.services.rateLimiter.hit(key, 3, MINUTE)).allowed).toBe(true);
    });

    it('counts concurrent hits exactly', async () => {
      const key = `concurrent:${Date.now()}`;
      const verdicts = await Promise.all(
        Array.from({ length: 20 }, () => world.services.rateLimiter.hit(key, 10, 10 * MINUTE)),
      );
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(10);
      expect(verdicts.map((v) => v.count).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    it('sweeps windows that have ended', async () => {
      const live = `live:${Date.now()}`;
      await world.services.rateLimiter.hit(`sweep:${Date.now()}`, 1, MINUTE);
      await world.services.rateLimiter.hit(live, 1, 60 * MINUTE);
      const before = await countRows(opened.db, 'rate_limit_counters');
      world.clock.advance(2 * MINUTE);
      expect(await world.services.rateLimiter.sweep()).toBeGreaterThanOrEqual(1);
      expect(await countRows(opened.db, 'rate_limit_counters')).toBeLessThan(before);
      expect((await world.services.rateLimiter.hit(live, 1, 60 * MINUTE)).allowed).toBe(false);
    });
  });

  describe('revoking a user’s sessions', () => {
    it('an owner or a manager (for members) ends all of a user’s sessions, audited', async () => {
      const t = await makeTenant(world);
      const member = await makeUser(world, t);
      const manager = await makeUser(world, t, { tenantRole: 'manager' });
      const token = await sessionFor(t.tenant.id, member.user.id);
      await sessionFor(t.tenant.id, member.user.id);
      expect(await world.services.userAccess.revokeSessions(await manager.actor(), member.user.id)).toEqual({
        revoked: 2,
      });
      expect(await world.services.sessions.resolve(token)).toBeNull();
      await expect(
        world.services.userAccess.revokeSessions(await manager.actor(), t.owner.id),
      ).rejects.toMatchObject({
        code: 'permission.denied',
      });
      const other = await makeTenant(world);
      await expect(
        world.services.userAccess.revokeSessions(other.ownerActor, member.user.id),
      ).rejects.toMatchObject({
        code: 'user.not_found',
      });
      const revoked = await opened.db.manager.findBy(Session, { userId: member.user.id });
      expect(revoked.every((s) => s.revokedReason === 'revoked_by_admin')).toBe(true);
    });
  });
});
