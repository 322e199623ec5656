import { IsNull } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SignInFailureReason } from '../src/contracts/auth.js';
import { AuditEvent, RecoveryCode, Session, Tenant, User } from '../src/entities/index.js';
import { SignInRefused, totpAt, type SignInOutcome } from '../src/services/index.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { makeServices, makeTenant, makeUser, type TestWorld } from './factories.js';
import { auditHead, race, type Hold } from './pg-race.js';
import { scimClient, type ScimCall } from './scim-support.js';
import { ctx, events, lastMail, mailCount } from './sign-in.support.js';

const MINUTE = 60_000;

describe.each(DATABASES)('email sign-in, second factor, invitations and recovery on $name', (target) => {
  let opened: OpenedDatabase;
  let world: TestWorld;

  beforeAll(async () => {
    // A deadlock fails its request here instead of being retried away (the races below).
    opened = await openTestDatabase(target, { transactionAttempts: 1 });
    world = makeServices(opened.db);
  });
  afterAll(() => opened?.close());

  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a refusal');
      },
      (err: unknown) => {
        expect(err).toBeInstanceOf(SignInRefused);
        return (err as SignInRefused).reason;
      },
    );

  const signedIn = (o: SignInOutcome) => {
    if (o.status !== 'signed_in') throw new Error(`expected signed_in, got ${o.status}`);
    return o;
  };

  async function setTenant(tenantId: string, patch: Partial<Tenant['settings']>): Promise<void> {
    const tenant = await opened.db.manager.findOneByOrFail(Tenant, { id: tenantId });
    await opened.db.transaction((tx) =>
      tx.update(Tenant, { id: tenantId }, { settings: { ...tenant.settings, ...patch } }),
    );
  }

  it('a link mailed to an active account signs it in once, starts a session and records the success', async () => {
    const t = await makeTenant(world);
    const { user } = await makeUser(world, t);
    await world.services.signIn.startEmail({ email: user.email.toUpperCase() }, ctx());
    const mail = await lastMail(opened.db, user.email);
    expect(mail?.message.text).toContain('https://gatehouse.test/sign-in/verify#token=');
    expect(mail?.message.from).toBe('Gatehouse <no-reply@localhost>');

    const outcome = signedIn(await world.services.signIn.verifyEmailLink({ token: mail!.token }, ctx()));
    const resolved = await world.services.sessions.resolve(outcome.sessionToken);
    expect(resolved?.actor).toMatchObject({ kind: 'user', userId: user.id });
    expect(resolved?.session.method).toBe('email_link');
    const reloaded = await opened.db.manager.findOneByOrFail(User, { id: user.id });
    expect(reloaded.lastSignInAt).toEqual(world.clock.now());
    expect(await events(opened.db, { userId: user.id })).toMatchObject([
      { result: 'success', method: 'email_link', ip: '203.0.113.10', userAgent: 'vitest', reason: null },
    ]);

    world.clock.advance(1000);
    expect(await refusal(world.services.signIn.verifyEmailLink({ token: mail!.token }, ctx()))).toBe(
      'link_used',
    );
    expect((await events(opened.db, { userId: user.id }))[0]).toMatchObject({
      result: 'failure',
      reason: 'link_used',
    });
  });

  it('a same-origin returnTo rides in the link; anything else is dropped', async () => {
    const t = await makeTenant(world);
    const { user } = await makeUser(world, t);
    await world.services.signIn.startEmail({ email: user.email, returnTo: '/teams?x=1' }, ctx());
    expect((await lastMail(opened.db, user.email))?.message.text).toMatch(
      /#token=[\w-]+&returnTo=%2Fteams%3Fx%3D1\n/,
    );
    world.clock.advance(1000);
    await world.services.signIn.startEmail({ email: user.email, returnTo: '//evil.example' }, ctx());
    expect((await lastMail(opened.db, user.email))?.message.text).toMatch(/#token=[\w-]+\n/);
  });

  it('a link expires 15 minutes after it was sent', async () => {
    const t = await makeTenant(world);
    const { user } = await makeUser(world, t);
    await world.services.signIn.startEmail({ email: user.email }, ctx());
    const early = await lastMail(opened.db, user.email);
    world.clock.advance(15 * MINUTE - 1000);
    signedIn(await world.services.signIn.verifyEmailLink({ token: early!.token }, ctx()));

    await world.services.signIn.startEmail({ email: user.email }, ctx());
    const late = await lastMail(opened.db, user.email);
    world.clock.advance(15 * MINUTE);
    expect(await refusal(world.services.signIn.verifyEmailLink({ token: late!.token }, ctx()))).toBe(
      'link_expired',
    );
  });

  it('a wrong or malformed token signs nobody in', async () => {
    expect(
      await refusal(
        world.services.signIn.verifyEmailLink({ token: 'ghl_notarealtokenatallxxxxxxxxxx' }, ctx()),
      ),
    ).toBe('link_invalid');
    await expect(world.services.signIn.verifyEmailLink({ token: 'a b' }, ctx())).rejects.toMatchObject({
      code: 'input.invalid',
    });
  });

  it('a newer link replaces an older one', async () => {
    const t = await makeTenant(world);
    const { user } = await makeUser(world, t);
    await world.services.signIn.startEmail({ email: user.email }, ctx());
    const first = await lastMail(opened.db, user.email);
    world.clock.advance(1000);
    await world.services.signIn.startEmail({ email: user.email }, ctx());
    expect(await refusal(world.services.signIn.verifyEmailLink({ token: first!.token }, ctx()))).toBe(
      'link_invalid',
    );
    const second = await lastMail(opened.db, user.email);
    signedIn(await world.services.signIn.verifyEmailLink({ token: second!.token }, ctx()));
  });

  it('no mail goes to an unknown, deactivated or invited address, and the caller cannot tell', async () => {
    const t = await makeTenant(world);
    const { user } = await makeUser(world, t);
    await world.services.users.deactivate(t.ownerActor, user.id);
    const invited = await world.services.users.invite(t.ownerActor, { email: `new@${t.tenant.slug}.test` });

    await expect(
      world.services.signIn.startEmail({ email: 'nobody@nowhere.test' }, ctx()),
    ).resolves.toBeUndefined();
    await expect(world.services.signIn.startEmail({ email: user.email }, ctx())).resolves.toBeUndefined();
    await expect(
      world.services.signIn.startEmail({ email: invited.user.email }, ctx()),
    ).resolves.toBeUndefined();

    expect(await mailCount(opened.db, 'nobody@nowhere.test')).toBe(0);
    expect(await mailCount(opened.db, user.email)).toBe(0);
    expect(await mailCount(opened.db, invited.user.email)).toBe(0);
    expect((await events(opened.db, { email: 'nobody@nowhere.test', tenantId: IsNull() }))[0]).toMatchObject({
      result: 'failure',
      reason: 'unknown_account',
    });
    expect((await events(opened.db, { userId: user.id }))[0]).toMatchObject({ reason: 'user_deactivated' });
  });

  it('an email-link sign-in is refused when the tenant allows SSO only', async () => {
    const t = await makeTenant(world);
    const { user } = await makeUser(world, t);
    await world.services.signIn.startEmail({ email: user.email }, ctx());
    const mail = await lastMail(opened.db, user.email);
    await setTenant(t.tenant.id, { authMethods: ['sso'] });
    expect(await refusal(world.services.signIn.verifyEmailLink({ token: mail!.token }, ctx()))).toBe(
      'method_not_allowed',
    );
    await world.services.signIn.startEmail({ email: user.email }, ctx());
    expect(await mailCount(opened.db, user.email)).toBe(1);
  });

  it('a user deactivated after the link was sent is refused', async () => {
    const t = await makeTenant(world);
    const { user } = await makeUser(world, t);
    await world.services.signIn.startEmail({ email: user.email }, ctx());
    const mail = await lastMail(opened.db, user.email);
    await world.services.users.deactivate(t.ownerActor, user.id);
    expect(await refusal(world.services.signIn.verifyEmailLink({ token: mail!.token }, ctx()))).toBe(
      'user_deactivated',
    );
    expect(await opened.db.manager.count(Session, { where: { userId: user.id } })).toBe(0);
  });

  /**
   * Runs `signIn` with a deactivation or removal of the user committed at the point where the sign-in,
   * its first factor passed, reads the user's roles.
   */
  async function endedMidway(signIn: () => Promise<SignInOutcome>, end: () => Promise<unknown>) {
    const { actors } = world.services;
    const read = actors.forUser.bind(actors);
    const forUser = vi.spyOn(actors, 'forUser').mockImplementationOnce(async (...args) => {
      await end();
      return read(...args);
    });
    try {
      return await refusal(signIn());
    } finally {
      forUser.mockRestore();
    }
  }

  it.each([
    ['deactivated', 'user_deactivated'],
    ['removed', 'user_removed'],
  ] as const)(
    'an owner %s once their recovery code passed is refused as such, and the code stays unspent',
    async (change, reason) => {
      const t = await makeTenant(world);
      const second = await makeUser(world, t, { tenantRole: 'owner' });
      const { codes } = await world.services.mfa.regenerateRecoveryCodes(await second.actor());
      const end = () =>
        change === 'deactivated'
          ? world.services.users.deactivate(t.ownerActor, second.user.id)
          : world.services.users.remove(t.ownerActor, second.user.id);
      expect(
        await endedMidway(
          () => world.services.signIn.recover({ email: second.user.email, code: codes[0]! }, ctx()),
          end,
        ),
      ).toBe(reason);
      const unspent = await opened.db.manager.count(RecoveryCode, {
        where: { userId: second.user.id, usedAt: IsNull() },
      });
      expect(unspent).toBe(10);
    },
  );

  it('a user deactivated once their email link passed is refused as deactivated, with no session', async () => {
    const t = await makeTenant(world);
    const { user } = await makeUser(world, t);
    await world.services.signIn.startEmail({ email: user.email }, ctx());
    const mail = await lastMail(opened.db, user.email);
    expect(
      await endedMidway(
        () => world.services.signIn.verifyEmailLink({ token: mail!.token }, ctx()),
        () => world.services.users.deactivate(t.ownerActor, user.id),
      ),
    ).toBe('user_deactivated');
    expect(await opened.db.manager.count(Session, { where: { userId: user.id } })).toBe(0);
    expect((await events(opened.db, { userId: user.id }))[0]).toMatchObject({
      result: 'failure',
      reason: 'user_deactivated',
    });
  });

  // PostgreSQL only (declared only there, not skipped): SQLite has one writer, so a sign-in and a
  // SCIM removal never interleave. The first of each race pauses on what `race` holds, with the rest
  // of its work done; the second then waits for it.
  const liveSessions = (userId: string) =>
    opened.db.manager.count(Session, { where: { userId, revokedAt: IsNull() } });
  /** The SCIM requests that end a user's access, and the reason a sign-in is then refused with. */
  const deprovisions: [
    string,
    SignInFailureReason,
    (scim: ReturnType<typeof scimClient>, id: string) => Promise<ScimCall>,
  ][] = [
    ['removes', 'user_removed', (scim, id) => scim.call('DELETE', `/Users/${id}`)],
    [
      'deactivates',
      'user_deactivated',
      (scim, id) =>
        scim.call('PATCH', `/Users/${id}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'active', value: false }],
        }),
    ],
  ];
  if (target.name === 'postgres') {
    it.each(deprovisions)(
      'a user SCIM %s once their link passed the admission check gets no session (%s)',
      async (_, reason, request) => {
        const t = await makeTenant(world);
        const { user } = await makeUser(world, t);
        await world.services.signIn.startEmail({ email: user.email }, ctx());
        const { token } = (await lastMail(opened.db, user.email))!;

        const [scim, refused] = await race(
          opened.db,
          auditHead(t.tenant.id),
          () => request(scimClient(world, t.tenant.id), user.id),
          () => refusal(world.services.signIn.verifyEmailLink({ token }, ctx())),
        );
        expect(scim.status).toBeLessThan(300);
        expect(refused).toBe(reason);
        expect(await opened.db.manager.count(Session, { where: { userId: user.id } })).toBe(0);
        expect((await events(opened.db, { userId: user.id }))[0]).toMatchObject({
          result: 'failure',
          method: 'email_link',
          reason,
        });
      },
    );

    it('a user SCIM removes once their email-link sign-in started its session loses the session', async () => {
      const t = await makeTenant(world);
      const { user } = await makeUser(world, t);
      await world.services.signIn.startEmail({ email: user.email }, ctx());
      const { token } = (await lastMail(opened.db, user.email))!;
      // The session's transaction writes no audit record: its last write is the success event.
      const signInEvents: Hold = async (q) => {
        await q.query('LOCK TABLE sign_in_events IN SHARE MODE');
      };

      const [outcome, removed] = await race(
        opened.db,
        signInEvents,
        () => world.services.signIn.verifyEmailLink({ token }, ctx()),
        () => scimClient(world, t.tenant.id).call('DELETE', `/Users/${user.id}`),
      );
      expect(signedIn(outcome).userId).toBe(user.id);
      expect(removed.status).toBe(204);
      expect(await liveSessions(user.id)).toBe(0);
      expect(await opened.db.manager.findOneByOrFail(Session, { userId: user.id })).toMatchObject({
        revokedReason: 'deprovisioned',
      });
    });
  }

  it('a new sign-in ends the session the browser had (rotation)', async () => {
    const t = await makeTenant(world);
    const { user } = await makeUser(world, t);
    await world.services.signIn.startEmail({ email: user.email }, ctx());
    const first = signedIn(
      await world.services.signIn.verifyEmailLink(
        { token: (await lastMail(opened.db, user.email))!.token },
        ctx(),
      ),
    );
    world.clock.advance(1000);
    await world.services.signIn.startEmail({ email: user.email }, ctx());
    const second = signedIn(
      await world.services.signIn.verifyEmailLink(
        { token: (await lastMail(opened.db, user.email))!.token },
        ctx({ previousSessionToken: first.sessionToken }),
      ),
    );
    expect(await world.services.sessions.resolve(first.sessionToken)).toBeNull();
    expect(await world.services.sessions.resolve(second.sessionToken)).not.toBeNull();
  });

  describe('the TOTP second factor', () => {
    async function withMfa() {
      const t = await makeTenant(world);
      const made = await makeUser(world, t);
      const actor = await made.actor();
      const { secret, otpauthUrl } = await world.services.mfa.enrol(actor);
      expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/Gatehouse%3A.*\?secret=[A-Z2-7]+&issuer=Gatehouse/);
      await expect(world.services.mfa.confirm(actor, '000000')).rejects.toMatchObject({
        code: 'mfa.invalid_code',
      });
      await world.services.mfa.confirm(actor, totpAt(secret, world.clock.now()));
      world.clock.advance(MINUTE); // the confirmation's code is spent
      return { t, user: made.user, actor, secret };
    }

    async function emailFirstFactor(email: string) {
      world.clock.advance(1000); // so this link is the newest mail
      await world.services.signIn.startEmail({ email }, ctx());
      const outcome = await world.services.signIn.verifyEmailLink(
        { token: (await lastMail(opened.db, email))!.token },
        ctx(),
      );
      if (outcome.status !== 'mfa_required') throw new Error(`expected mfa_required, got ${outcome.status}`);
      return outcome;
    }

    it('email sign-in of an account with TOTP stops at the second factor until the right code', async () => {
      const { user, secret } = await withMfa();
      const step = await emailFirstFactor(user.email);
      expect(step.enrolment).toBe(false);
      expect(await opened.db.manager.count(Session, { where: { userId: user.id } })).toBe(0);

      expect(await refusal(world.services.signIn.verifyMfa(step.binding, { code: '123456' }, ctx()))).toBe(
        'mfa_invalid',
      );
      const done = signedIn(
        await world.services.signIn.verifyMfa(
          step.binding,
          { code: totpAt(secret, world.clock.now()) },
          ctx(),
        ),
      );
      expect(await world.services.sessions.resolve(done.sessionToken)).not.toBeNull();
      // the step is spent
      expect(
        await refusal(
          world.services.signIn.verifyMfa(step.binding, { code: totpAt(secret, world.clock.now()) }, ctx()),
        ),
      ).toBe('mfa_pending_invalid');
    });

    if (target.name === 'postgres') {
      it.each(deprovisions)(
        'a user SCIM %s once their code passed the admission check gets no session (%s)',
        async (_, reason, request) => {
          const { t, user, secret } = await withMfa();
          const step = await emailFirstFactor(user.email);
          const code = totpAt(secret, world.clock.now());

          const [scim, refused] = await race(
            opened.db,
            auditHead(t.tenant.id),
            () => request(scimClient(world, t.tenant.id), user.id),
            () => refusal(world.services.signIn.verifyMfa(step.binding, { code }, ctx())),
          );
          expect(scim.status).toBeLessThan(300);
          expect(refused).toBe(reason);
          expect(await opened.db.manager.count(Session, { where: { userId: user.id } })).toBe(0);
          expect((await events(opened.db, { userId: user.id }))[0]).toMatchObject({
            result: 'failure',
            reason,
          });
        },
      );
    }

    it('a code is accepted once, even for a second pending sign-in', async () => {
      const { user, secret } = await withMfa();
      const code = totpAt(secret, world.clock.now());
      signedIn(
        await world.services.signIn.verifyMfa((await emailFirstFactor(user.email)).binding, { code }, ctx()),
      );
      const again = await emailFirstFactor(user.email);
      expect(await refusal(world.services.signIn.verifyMfa(again.binding, { code }, ctx()))).toBe(
        'mfa_code_reused',
      );
    });

    it('five wrong codes void the pending sign-in', async () => {
      const { user, secret } = await withMfa();
      const step = await emailFirstFactor(user.email);
      const reasons = [];
      for (let i = 0; i < 5; i++) {
        reasons.push(await refusal(world.services.signIn.verifyMfa(step.binding, { code: '000001' }, ctx())));
      }
      expect(reasons).toEqual(['mfa_invalid', 'mfa_invalid', 'mfa_invalid', 'mfa_invalid', 'mfa_locked']);
      expect(
        await refusal(
          world.services.signIn.verifyMfa(step.binding, { code: totpAt(secret, world.clock.now()) }, ctx()),
        ),
      ).toBe('mfa_pending_invalid');
    });

    it('a manager resets a member’s second factor; email sign-in then needs none; managers cannot reset owners', async () => {
      const { t, user } = await withMfa();
      const manager = await makeUser(world, t, { tenantRole: 'manager' });
      await expect(
        world.services.userAccess.resetMfa(await manager.actor(), t.owner.id),
      ).rejects.toMatchObject({
        code: 'permission.denied',
      });
      await world.services.userAccess.resetMfa(await manager.actor(), user.id);
      await world.services.signIn.startEmail({ email: user.email }, ctx());
      signedIn(
        await world.services.signIn.verifyEmailLink(
          { token: (await lastMail(opened.db, user.email))!.token },
          ctx(),
        ),
      );
      const audit = await opened.db.manager.findOneBy(AuditEvent, {
        tenantId: t.tenant.id,
        action: 'user.mfa_reset',
      });
      expect(audit?.targetId).toBe(user.id);
    });

    it('owners must set up a second factor at sign-in when the tenant requires it', async () => {
      const t = await makeTenant(world);
      await setTenant(t.tenant.id, { requireOwnerMfa: true });
      const member = await makeUser(world, t);
      // members are not concerned
      await world.services.signIn.startEmail({ email: member.user.email }, ctx());
      signedIn(
        await world.services.signIn.verifyEmailLink(
          { token: (await lastMail(opened.db, member.user.email))!.token },
          ctx(),
        ),
      );

      const step = await emailFirstFactor(t.owner.email);
      expect(step.enrolment).toBe(true);
      const { secret } = await world.services.signIn.enrolPendingMfa(step.binding);
      signedIn(
        await world.services.signIn.verifyMfa(
          step.binding,
          { code: totpAt(secret, world.clock.now()) },
          ctx(),
        ),
      );
      expect((await world.services.mfa.status(t.ownerActor)).enabled).toBe(true);
      await expect(
        world.services.mfa.disable(
          t.ownerActor,
          totpAt(secret, new Date(world.clock.now().getTime() + MINUTE)),
        ),
      ).rejects.toMatchObject({ code: 'mfa.required' });
    });
  });

  describe('invitations', () => {
    it('accepting an invitation activates the account and signs it in; an owner gets recovery codes once', async () => {
      const created = await world.services.tenants.create({
        name: 'Invited',
        slug: `inv-${Date.now().toString(36)}`,
        ownerEmail: `first-owner-${Date.now().toString(36)}@example.test`,
      });
      const outcome = signedIn(await world.services.signIn.acceptInvitation({ token: created.token }, ctx()));
      expect(outcome.recoveryCodes).toHaveLength(10);
      expect(outcome.recoveryCodes?.[0]).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
      const owner = await opened.db.manager.findOneByOrFail(User, { id: created.owner.id });
      expect(owner.activatedAt).not.toBeNull();
      expect((await events(opened.db, { userId: owner.id }))[0]).toMatchObject({
        result: 'success',
        method: 'invitation',
      });
      expect(await refusal(world.services.signIn.acceptInvitation({ token: created.token }, ctx()))).toBe(
        'invitation_invalid',
      );

      const ownerActor = await world.services.actors.forUser(created.tenant.id, owner.id);
      const invited = await world.services.users.invite(ownerActor, {
        email: `m-${Date.now()}@example.test`,
      });
      const member = signedIn(await world.services.signIn.acceptInvitation({ token: invited.token }, ctx()));
      expect(member.recoveryCodes).toBeUndefined();
    });

    it('in an SSO-only tenant an accepted invitation activates the account without a session', async () => {
      const t = await makeTenant(world);
      const invited = await world.services.users.invite(t.ownerActor, {
        email: `sso-${Date.now()}@example.test`,
      });
      await world.services.ssoConnections.configure(t.ownerActor, {
        issuer: 'https://idp.example.test',
        clientId: 'c',
        clientSecret: 's',
        domains: [`${t.tenant.slug}.example`],
      });
      await world.services.tenantSettings.updateAuthMethods(t.ownerActor, {
        authMethods: ['sso'],
        ssoRequired: true,
        requireOwnerMfa: false,
      });
      expect(await world.services.signIn.acceptInvitation({ token: invited.token }, ctx())).toEqual({
        status: 'activated',
        method: 'sso',
      });
      expect(await opened.db.manager.count(Session, { where: { userId: invited.user.id } })).toBe(0);
    });
  });

  describe('recovery codes (break-glass)', () => {
    it('an owner signs in with email and a recovery code when SSO is required; each code works once and is audited', async () => {
      const t = await makeTenant(world);
      const { codes } = await world.services.mfa.regenerateRecoveryCodes(t.ownerActor);
      await world.services.ssoConnections.configure(t.ownerActor, {
        issuer: 'https://idp.example.test',
        clientId: 'c',
        clientSecret: 's',
        domains: [`${t.tenant.slug}.example`],
      });
      await world.services.tenantSettings.updateAuthMethods(t.ownerActor, {
        authMethods: ['sso'],
        ssoRequired: true,
        requireOwnerMfa: false,
      });
      const code = codes[3]!;
      const outcome = signedIn(
        await world.services.signIn.recover({ email: t.owner.email, code: code.toUpperCase() }, ctx()),
      );
      expect((await world.services.sessions.resolve(outcome.sessionToken))?.session.method).toBe(
        'recovery_code',
      );
      expect(await refusal(world.services.signIn.recover({ email: t.owner.email, code }, ctx()))).toBe(
        'recovery_code_invalid',
      );
      const used = await opened.db.manager.findOneBy(AuditEvent, {
        tenantId: t.tenant.id,
        action: 'user.recovery_code_used',
      });
      expect(used?.change).toEqual({ remaining: 9 });
      expect((await world.services.mfa.recoveryCodesLeft(t.ownerActor)).remaining).toBe(9);

      // regeneration voids the old set
      await world.services.mfa.regenerateRecoveryCodes(t.ownerActor);
      expect(
        await refusal(world.services.signIn.recover({ email: t.owner.email, code: codes[4]! }, ctx())),
      ).toBe('recovery_code_invalid');
    });

    it('members have no recovery codes to regenerate, and a demoted owner’s codes stop working', async () => {
      const t = await makeTenant(world);
      const member = await makeUser(world, t);
      await expect(world.services.mfa.regenerateRecoveryCodes(await member.actor())).rejects.toMatchObject({
        code: 'permission.denied',
      });
      const second = await makeUser(world, t, { tenantRole: 'owner' });
      const { codes } = await world.services.mfa.regenerateRecoveryCodes(await second.actor());
      await world.services.users.changeRole(t.ownerActor, second.user.id, { tenantRole: 'member' });
      expect(
        await refusal(world.services.signIn.recover({ email: second.user.email, code: codes[0]! }, ctx())),
      ).toBe('recovery_not_allowed');
    });
  });
});
