// The SSO half of sign-in at the domain level: home-realm discovery, the browser-bound pending
// request, and identity linking from claims the gateway's OIDC client has already validated.
// (apps/gateway/test/auth.sso.int.test.ts drives the same flow through a real OIDC provider.)
import { IsNull } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditEvent,
  Branding,
  Group,
  GroupMember,
  Session,
  Team,
  TeamMembership,
  User,
  UserIdentity,
} from '../src/entities/index.js';
import { SignInRefused, type SignInOutcome, type SsoClientSettings } from '../src/services/index.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { makeServices, makeTenant, makeUser, type MadeTenant, type TestWorld } from './factories.js';
import { auditHead, race } from './pg-race.js';
import { scimClient } from './scim-support.js';
import { ctx, events } from './sign-in.support.js';

let seq = 0;

describe.each(DATABASES)('SSO sign-in (domain) on $name', (target) => {
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

  async function tenantWithSso(
    opts: {
      jitEnabled?: boolean;
      linkClaim?: string;
      linkByVerifiedEmail?: boolean;
      issuer?: string;
      groupsClaim?: string;
    } = {},
  ): Promise<MadeTenant & { domain: string; issuer: string }> {
    const t = await makeTenant(world);
    const domain = `corp-${(seq++).toString(36)}-${Date.now().toString(36)}.example`;
    const issuer = opts.issuer ?? `https://idp-${domain}`;
    await world.services.ssoConnections.configure(t.ownerActor, {
      name: 'Corp IdP',
      issuer,
      clientId: 'gatehouse',
      clientSecret: 'shh',
      domains: [domain],
      jitEnabled: opts.jitEnabled ?? false,
      linkClaim: opts.linkClaim ?? 'oid',
      linkByVerifiedEmail: opts.linkByVerifiedEmail ?? false,
      groupsClaim: opts.groupsClaim ?? null,
    });
    return { ...t, domain, issuer };
  }

  async function roundTrip(
    email: string,
    claims: Record<string, unknown>,
    idToken: string | null = null,
    context = ctx(),
  ): Promise<SignInOutcome> {
    const connection = await world.services.signIn.ssoTarget({ email }, context);
    const { binding } = await world.services.signIn.savePendingSso({
      connection,
      state: 'st',
      nonce: 'no',
      codeVerifier: 'cv',
      returnTo: '/teams',
    });
    const pending = await world.services.signIn.takePendingSso(binding, context);
    expect(pending).toMatchObject({ state: 'st', nonce: 'no', codeVerifier: 'cv', returnTo: '/teams' });
    return world.services.signIn.completeSso(
      pending,
      { claims: { iss: connection.issuer, ...claims }, idToken },
      context,
    );
  }

  async function withExternalId(user: User, externalId: string): Promise<void> {
    await opened.db.transaction((tx) => tx.update(User, { id: user.id }, { externalId, source: 'scim' }));
  }

  it('discovery answers sso for a connected domain with the tenant’s login notice, email otherwise', async () => {
    const t = await tenantWithSso();
    await opened.db.transaction((tx) =>
      tx.insert(Branding, {
        tenantId: t.tenant.id,
        senderEmail: null,
        senderName: null,
        loginNotice: 'Authorised use only.',
        updatedAt: new Date(),
      }),
    );
    expect(await world.services.signIn.discover({ email: `anyone@${t.domain.toUpperCase()}` })).toEqual({
      method: 'sso',
      loginNotice: 'Authorised use only.',
    });
    expect(await world.services.signIn.discover({ email: 'x@unknown.example' })).toEqual({
      method: 'email',
      loginNotice: null,
    });
    await expect(world.services.signIn.discover({ email: 'not-an-email' })).rejects.toMatchObject({
      code: 'input.invalid',
    });
  });

  it('an unknown email domain is refused and recorded without a tenant', async () => {
    expect(await refusal(world.services.signIn.ssoTarget({ email: 'a@nowhere-sso.example' }, ctx()))).toBe(
      'unknown_domain',
    );
    expect((await events(opened.db, { email: 'a@nowhere-sso.example' }))[0]).toMatchObject({
      tenantId: null,
      result: 'failure',
      method: 'sso',
      reason: 'unknown_domain',
    });
  });

  it('a tenant that allows email only does not route its domain to SSO', async () => {
    const t = await tenantWithSso();
    await world.services.tenantSettings.updateAuthMethods(t.ownerActor, {
      authMethods: ['email'],
      ssoRequired: false,
      requireOwnerMfa: false,
    });
    expect((await world.services.signIn.discover({ email: `a@${t.domain}` })).method).toBe('email');
    expect(await refusal(world.services.signIn.ssoTarget({ email: `a@${t.domain}` }, ctx()))).toBe(
      'sso_not_enabled',
    );
  });

  it('the pending request is bound to its cookie, single use and short-lived', async () => {
    const t = await tenantWithSso();
    const connection: SsoClientSettings = await world.services.signIn.ssoTarget(
      { email: `a@${t.domain}` },
      ctx(),
    );
    expect(connection.clientSecret).toBe('shh');
    const save = () =>
      world.services.signIn.savePendingSso({
        connection,
        state: 's',
        nonce: 'n',
        codeVerifier: 'v',
        returnTo: '/',
      });

    expect(await refusal(world.services.signIn.takePendingSso(undefined, ctx()))).toBe(
      'missing_state_cookie',
    );
    expect(await refusal(world.services.signIn.takePendingSso('not-a-binding', ctx()))).toBe(
      'auth_request_invalid',
    );

    const once = await save();
    await world.services.signIn.takePendingSso(once.binding, ctx());
    expect(await refusal(world.services.signIn.takePendingSso(once.binding, ctx()))).toBe(
      'auth_request_invalid',
    );

    const stale = await save();
    world.clock.advance(10 * 60_000);
    expect(await refusal(world.services.signIn.takePendingSso(stale.binding, ctx()))).toBe(
      'auth_request_invalid',
    );
    const recorded = await events(opened.db, { tenantId: t.tenant.id, reason: 'auth_request_invalid' });
    expect(recorded.length).toBeGreaterThanOrEqual(2);
  });

  it('the first sign-in links (issuer, sub) to the SCIM user through the link claim; later ones use the link', async () => {
    const t = await tenantWithSso();
    const { user } = await makeUser(world, t, { email: `ada@${t.domain}` });
    await withExternalId(user, 'entra-oid-1');

    const first = await roundTrip(`ada@${t.domain}`, {
      sub: 'pairwise-1',
      oid: 'entra-oid-1',
      email: `ada@${t.domain}`,
    });
    expect(first).toMatchObject({ status: 'signed_in', userId: user.id, returnTo: '/teams' });
    const identity = await opened.db.manager.findOneByOrFail(UserIdentity, { userId: user.id });
    expect(identity).toMatchObject({ issuer: t.issuer, subject: 'pairwise-1', tenantId: t.tenant.id });
    const linked = await opened.db.manager.findOneBy(AuditEvent, {
      targetId: user.id,
      action: 'user.identity_linked',
    });
    expect(linked?.change).toMatchObject({ via: 'link_claim', subject: 'pairwise-1' });

    // later: the subject alone is enough, whatever the other claims say
    const later = await roundTrip(`ada@${t.domain}`, { sub: 'pairwise-1' });
    expect(later).toMatchObject({ status: 'signed_in', userId: user.id });
    const card = await world.services.userAccess.identityCard(t.ownerActor, user.id);
    expect(card).toMatchObject({
      scim: { id: user.id, externalId: 'entra-oid-1' },
      identities: [{ issuer: t.issuer, subject: 'pairwise-1', connectionName: 'Corp IdP' }],
      activeSessions: 2,
    });
    expect(card.lastSignInAt).not.toBeNull();
  });

  it('an email is never enough unless the connection allows verified emails, and the IdP verified it', async () => {
    const strict = await tenantWithSso();
    await makeUser(world, strict, { email: `bob@${strict.domain}` });
    expect(
      await refusal(
        roundTrip(`bob@${strict.domain}`, { sub: 'b1', email: `bob@${strict.domain}`, email_verified: true }),
      ),
    ).toBe('account_exists_unlinked');

    const lenient = await tenantWithSso({ linkByVerifiedEmail: true });
    const { user } = await makeUser(world, lenient, { email: `bob@${lenient.domain}` });
    expect(
      await refusal(
        roundTrip(`bob@${lenient.domain}`, {
          sub: 'b2',
          email: `bob@${lenient.domain}`,
          email_verified: false,
        }),
      ),
    ).toBe('account_exists_unlinked');
    expect(
      await roundTrip(`bob@${lenient.domain}`, {
        sub: 'b2',
        email: `BOB@${lenient.domain}`,
        email_verified: true,
      }),
    ).toMatchObject({ status: 'signed_in', userId: user.id });
  });

  it('an email outside the connection’s domains (another tenant’s, say) adopts nothing and creates nothing', async () => {
    const other = await tenantWithSso();
    const victim = await makeUser(world, other, { email: `cfo@${other.domain}` });
    const t = await tenantWithSso({ jitEnabled: true, linkByVerifiedEmail: true });
    expect(
      await refusal(
        roundTrip(`x@${t.domain}`, { sub: 'x1', email: `cfo@${other.domain}`, email_verified: true }),
      ),
    ).toBe('email_outside_domains');
    expect(await opened.db.manager.count(UserIdentity, { where: { userId: victim.user.id } })).toBe(0);
    expect(
      await opened.db.manager.count(User, { where: { tenantId: t.tenant.id, email: `cfo@${other.domain}` } }),
    ).toBe(0);
    expect((await events(opened.db, { tenantId: t.tenant.id }))[0]).toMatchObject({
      reason: 'email_outside_domains',
      email: `cfo@${other.domain}`,
    });
  });

  it('JIT off: only existing users; JIT on: a member account is created and linked', async () => {
    const closed = await tenantWithSso();
    expect(
      await refusal(roundTrip(`new@${closed.domain}`, { sub: 'n1', email: `new@${closed.domain}` })),
    ).toBe('unknown_user');

    const open = await tenantWithSso({ jitEnabled: true });
    const outcome = await roundTrip(`new@${open.domain}`, {
      sub: 'n2',
      email: `new@${open.domain}`,
      given_name: 'Nia',
      family_name: 'Okafor',
    });
    if (outcome.status !== 'signed_in') throw new Error('expected signed_in');
    const created = await opened.db.manager.findOneByOrFail(User, { id: outcome.userId });
    expect(created).toMatchObject({
      tenantId: open.tenant.id,
      tenantRole: 'member',
      source: 'sso-jit',
      givenName: 'Nia',
      active: true,
    });
    expect(created.activatedAt).not.toBeNull();
    expect(await opened.db.manager.count(Team, { where: { draftsOwnerId: created.id } })).toBe(1);
    expect(await refusal(roundTrip(`anon@${open.domain}`, { sub: 'n3' }))).toBe('missing_claims');
  });

  it('deactivated and removed users are refused; no session is created', async () => {
    const t = await tenantWithSso();
    const a = await makeUser(world, t, { email: `a@${t.domain}` });
    await withExternalId(a.user, 'ext-a');
    await roundTrip(`a@${t.domain}`, { sub: 'sa', oid: 'ext-a' });
    await world.services.users.deactivate(t.ownerActor, a.user.id);
    expect(await refusal(roundTrip(`a@${t.domain}`, { sub: 'sa' }))).toBe('user_deactivated');
    await world.services.users.reactivate(t.ownerActor, a.user.id);
    await world.services.users.remove(t.ownerActor, a.user.id);
    expect(await refusal(roundTrip(`a@${t.domain}`, { sub: 'sa' }))).toBe('user_removed');
    expect(
      await opened.db.manager.count(Session, { where: { userId: a.user.id, revokedAt: IsNull() } }),
    ).toBe(0);
  });

  it('a subject linked in one tenant is never adopted by another tenant using the same IdP', async () => {
    const a = await tenantWithSso({ issuer: `https://shared-idp-${seq}.example` });
    const b = await tenantWithSso({ issuer: a.issuer, jitEnabled: true });
    const alice = await makeUser(world, a, { email: `alice@${a.domain}` });
    await withExternalId(alice.user, 'shared-1');
    await roundTrip(`alice@${a.domain}`, { sub: 'shared-sub', oid: 'shared-1' });
    expect(
      await refusal(roundTrip(`alice@${b.domain}`, { sub: 'shared-sub', email: `alice@${b.domain}` })),
    ).toBe('identity_linked_elsewhere');
    expect(
      await opened.db.manager.count(User, { where: { tenantId: b.tenant.id, email: `alice@${b.domain}` } }),
    ).toBe(0);
  });

  it('the groups claim sets the person’s groups at each sign-in, and group mappings follow', async () => {
    const t = await tenantWithSso({ groupsClaim: 'groups' });
    const { user } = await makeUser(world, t, { email: `g@${t.domain}` });
    await withExternalId(user, 'ext-g');
    const team = await world.services.teams.create(t.ownerActor, { name: `Eng ${seq}` });

    await roundTrip(`g@${t.domain}`, { sub: 'sg', oid: 'ext-g', groups: ['Engineering', 'Admins'] });
    const groups = await opened.db.manager.findBy(Group, { tenantId: t.tenant.id });
    expect(groups.map((g) => g.displayName).sort()).toEqual(['Admins', 'Engineering']);
    const engineering = groups.find((g) => g.displayName === 'Engineering')!;
    const admins = groups.find((g) => g.displayName === 'Admins')!;
    await world.services.groupMappings.create(t.ownerActor, {
      groupId: engineering.id,
      target: 'team',
      teamId: team.id,
      teamRole: 'editor',
    });
    await world.services.groupMappings.create(t.ownerActor, {
      groupId: admins.id,
      target: 'tenant_role',
      tenantRole: 'manager',
    });
    expect(await world.services.actors.forUser(t.tenant.id, user.id)).toMatchObject({
      tenantRole: 'manager',
      teamRoles: { [team.id]: 'editor' },
    });

    // out of Admins at the IdP: the next sign-in takes the manager role away
    const version = async (id: string) => (await opened.db.manager.findOneByOrFail(Group, { id })).version;
    const [engineeringBefore, adminsBefore] = [await version(engineering.id), await version(admins.id)];
    await roundTrip(`g@${t.domain}`, { sub: 'sg', groups: ['engineering'] });
    expect(await world.services.actors.forUser(t.tenant.id, user.id)).toMatchObject({
      tenantRole: 'member',
      teamRoles: { [team.id]: 'editor' },
    });
    // The group that lost a member is a changed group (its SCIM version); the one that did not is not.
    expect([await version(engineering.id), await version(admins.id)]).toEqual([
      engineeringBefore,
      adminsBefore + 1,
    ]);
    // no claim at all (Entra's overage): memberships stay
    await roundTrip(`g@${t.domain}`, { sub: 'sg' });
    expect(await opened.db.manager.countBy(GroupMember, { userId: user.id })).toBe(1);
    // more groups than a sign-in takes (201): as overage, memberships stay and no group is made
    const many = Array.from({ length: 201 }, (_, i) => `Team ${i}`);
    await roundTrip(`g@${t.domain}`, { sub: 'sg', groups: many });
    expect(await opened.db.manager.countBy(GroupMember, { userId: user.id })).toBe(1);
    expect(await opened.db.manager.countBy(Group, { tenantId: t.tenant.id })).toBe(2);
    // 200 distinct names (a repeat does not count twice) is a claim like any other
    await roundTrip(`g@${t.domain}`, { sub: 'sg', groups: [...many.slice(0, 200), 'Team 0'] });
    expect(await opened.db.manager.countBy(GroupMember, { userId: user.id })).toBe(200);
    await roundTrip(`g@${t.domain}`, { sub: 'sg', groups: ['engineering'] });
    // an empty claim: out of every group
    await roundTrip(`g@${t.domain}`, { sub: 'sg', groups: [] });
    expect(await opened.db.manager.countBy(GroupMember, { userId: user.id })).toBe(0);
    expect(
      await opened.db.manager.findOneBy(TeamMembership, { userId: user.id, teamId: team.id }),
    ).toBeNull();
    const synced = await opened.db.manager.findBy(AuditEvent, {
      targetId: user.id,
      action: 'user.groups_synced',
    });
    expect(synced).toHaveLength(5);
  });

  // PostgreSQL only (declared only there, not skipped): SQLite has one writer, so a sign-in and a
  // SCIM removal never interleave. The first of each race pauses on the tenant's audit chain head
  // (`race`), with the rest of its work done; the second then waits for it.
  if (target.name === 'postgres') {
    /** A linked user of an SSO connection that reads a groups claim, and the tenant's SCIM client. */
    async function linkedUser() {
      const t = await tenantWithSso({ groupsClaim: 'groups' });
      const { user } = await makeUser(world, t, { email: `r@${t.domain}` });
      await withExternalId(user, `ext-${user.id}`);
      await roundTrip(`r@${t.domain}`, { sub: `s-${user.id}`, oid: `ext-${user.id}`, groups: [] });
      const signIn = (groups: string[]) => roundTrip(`r@${t.domain}`, { sub: `s-${user.id}`, groups });
      return { t, user, signIn, scim: scimClient(world, t.tenant.id) };
    }
    const liveSessions = (userId: string) =>
      opened.db.manager.count(Session, { where: { userId, revokedAt: IsNull() } });

    it.each([
      ['changes no group', []],
      ['writes their groups', ['Engineering']],
    ])(
      'a user SCIM removes while their SSO sign-in %s gets no membership and no session (user_removed)',
      async (_, groups) => {
        const { t, user, signIn, scim } = await linkedUser();

        const [removed, reason] = await race(
          opened.db,
          auditHead(t.tenant.id),
          () => scim.call('DELETE', `/Users/${user.id}`),
          () => refusal(signIn(groups)),
        );
        expect(removed.status).toBe(204);
        expect(reason).toBe('user_removed');
        expect(await opened.db.manager.countBy(GroupMember, { userId: user.id })).toBe(0);
        expect(await liveSessions(user.id)).toBe(0);
        expect((await events(opened.db, { userId: user.id }))[0]).toMatchObject({
          result: 'failure',
          reason: 'user_removed',
        });
      },
    );

    it('a user SCIM removes once their SSO sign-in has written their groups loses the memberships, their mapped team place and the session', async () => {
      const { t, user, signIn, scim } = await linkedUser();
      await signIn(['Engineering']);
      const engineering = await opened.db.manager.findOneByOrFail(Group, {
        tenantId: t.tenant.id,
        displayName: 'Engineering',
      });
      const team = await world.services.teams.create(t.ownerActor, { name: `Ops ${seq}` });
      await world.services.groupMappings.create(t.ownerActor, {
        groupId: engineering.id,
        target: 'team',
        teamId: team.id,
        teamRole: 'editor',
      });

      const [signedIn, removed] = await race(
        opened.db,
        auditHead(t.tenant.id),
        () => signIn(['Engineering', 'Ops']),
        () => scim.call('DELETE', `/Users/${user.id}`),
      );
      expect(signedIn.status).toBe('signed_in');
      expect(removed.status).toBe(204);
      expect(await opened.db.manager.countBy(GroupMember, { userId: user.id })).toBe(0);
      expect(await opened.db.manager.countBy(TeamMembership, { userId: user.id })).toBe(0);
      expect(await liveSessions(user.id)).toBe(0);
    });
  }

  it('the IP allowlist is enforced before a session exists', async () => {
    const t = await tenantWithSso();
    const u = await makeUser(world, t, { email: `ip@${t.domain}` });
    await withExternalId(u.user, 'ext-ip');
    await world.services.ipAllowlist.replace(
      { ...t.ownerActor, ip: '198.51.100.1' },
      { entries: [{ cidr: '198.51.100.0/24' }] },
    );
    expect(await refusal(roundTrip(`ip@${t.domain}`, { sub: 'sip', oid: 'ext-ip' }))).toBe('ip_not_allowed');
    expect(await opened.db.manager.count(Session, { where: { userId: u.user.id } })).toBe(0);
  });

  it('signing out an SSO session ends it and names the connection for the IdP’s end-session endpoint', async () => {
    const t = await tenantWithSso();
    const u = await makeUser(world, t, { email: `out@${t.domain}` });
    await withExternalId(u.user, 'ext-out');
    const outcome = await roundTrip(`out@${t.domain}`, { sub: 'sout', oid: 'ext-out' });
    if (outcome.status !== 'signed_in') throw new Error('expected signed_in');
    const { connection } = await world.services.signIn.signOut(outcome.sessionToken);
    expect(connection).toMatchObject({ issuer: t.issuer, clientId: 'gatehouse' });
    expect(await world.services.sessions.resolve(outcome.sessionToken)).toBeNull();
    // Signed out already: nothing to end, no IdP to send the person to.
    expect(await world.services.signIn.signOut(outcome.sessionToken)).toEqual({
      connection: null,
      idTokenHint: null,
    });
  });

  /** An ID token's shape; sign-out reads only its audience (it was validated at sign-in). */
  const jwt = (payload: unknown) =>
    ['eyJhbGciOiJSUzI1NiJ9', Buffer.from(JSON.stringify(payload)).toString('base64url'), 'c2ln'].join('.');

  it.each([
    { token: jwt({ aud: 'gatehouse', sub: 's' }), hinted: true, why: 'issued to this client' },
    { token: jwt({ aud: ['other', 'gatehouse'] }), hinted: true, why: 'one of its audiences' },
    { token: jwt({ aud: 'another-app' }), hinted: false, why: 'issued to another client' },
    { token: jwt({}), hinted: false, why: 'without an audience' },
    { token: 'not-a-jwt', hinted: false, why: 'not a JWT' },
    { token: null, hinted: false, why: 'none kept' },
  ])('sign-out hints the IdP with the session’s ID token only when $why', async ({ token, hinted }) => {
    const t = await tenantWithSso();
    const u = await makeUser(world, t, { email: `hint@${t.domain}` });
    await withExternalId(u.user, 'ext-hint');
    const outcome = await roundTrip(`hint@${t.domain}`, { sub: 'shint', oid: 'ext-hint' }, token);
    if (outcome.status !== 'signed_in') throw new Error('expected signed_in');
    const [stored] = await opened.db.manager.findBy(Session, { userId: u.user.id });
    expect(stored?.idTokenSealed === null).toBe(token === null);
    if (token !== null) expect(stored?.idTokenSealed).not.toContain(token.split('.')[1]);

    const { connection, idTokenHint } = await world.services.signIn.signOut(outcome.sessionToken);
    expect(connection).toMatchObject({ clientId: 'gatehouse' });
    expect(idTokenHint).toBe(hinted ? token : null);
    expect((await opened.db.manager.findBy(Session, { userId: u.user.id }))[0]?.idTokenSealed).toBeNull();
  });

  it('a session ended any other way keeps no ID token either', async () => {
    const t = await tenantWithSso();
    const u = await makeUser(world, t, { email: `gone@${t.domain}` });
    await withExternalId(u.user, 'ext-gone');
    const token = jwt({ aud: 'gatehouse' });
    const first = await roundTrip(`gone@${t.domain}`, { sub: 'sgone', oid: 'ext-gone' }, token);
    if (first.status !== 'signed_in') throw new Error('expected signed_in');
    // A new sign-in in the same browser rotates the session out.
    const second = await roundTrip(`gone@${t.domain}`, { sub: 'sgone', oid: 'ext-gone' }, token, {
      ...ctx(),
      previousSessionToken: first.sessionToken,
    });
    if (second.status !== 'signed_in') throw new Error('expected signed_in');
    // Deactivation ends the rest.
    await world.services.users.deactivate(t.ownerActor, u.user.id);
    const sessions = await opened.db.manager.findBy(Session, { userId: u.user.id });
    expect(sessions.map((s) => [s.revokedReason, s.idTokenSealed]).sort()).toEqual([
      ['deactivated', null],
      ['rotated', null],
    ]);
  });
});
