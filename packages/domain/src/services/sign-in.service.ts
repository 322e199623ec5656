import { In, IsNull, Not, type EntityManager } from 'typeorm';
import {
  LinkTokenInput,
  MfaCodeInput,
  RecoverySignInInput,
  SIGN_IN_FAILURES,
  SignInEmailInput,
  safeReturnTo,
  type SignInFailureReason,
  type SignInRoute,
} from '../contracts/auth.js';
import type { SignInMethod } from '../contracts/enums.js';
import {
  AuthRequest,
  Branding,
  EmailSignInToken,
  Group,
  GroupMember,
  Invitation,
  RecoveryCode,
  Session,
  SsoConnection,
  SsoDomain,
  Tenant,
  User,
  UserIdentity,
  type OutboxMessage,
} from '../entities/index.js';
import { newId, randomToken, sha256Hex } from '../crypto.js';
import { Conflict, NotFound, Unauthenticated } from '../errors.js';
import { can } from '../permissions/index.js';
import { createDraftsSpace } from '../repositories/teams.repository.js';
import { lockTenant } from '../repositories/tenants.repository.js';
import { findUserByEmail, foldKey, lockUserRow, sessionEnd } from '../repositories/users.repository.js';
import { touchGroups } from '../repositories/groups.repository.js';
import { insertRow, uniquely } from '../repositories/write.js';
import type { ActorService } from './actor.service.js';
import { systemActor, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { auditMappedRoleChanges, recomputeMappedRoles } from './group-mapping.service.js';
import type { IpAllowlistService } from './ip-allowlist.service.js';
import type { MailService } from './mail.service.js';
import { parseInput } from './parse.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RecoveryCodes } from './recovery-codes.js';
import type { SessionService } from './session.service.js';
import { recordSignInEvent, type SignInAttempt } from './sign-in-activity.service.js';
import { emailSignInAllowed, ssoSignInAllowed } from './tenant-settings.service.js';
import { generateTotpSecret, otpauthUrl, TOTP_STEP_SECONDS, TOTP_WINDOW, verifyTotp } from './totp.js';
import type { UserService } from './user.service.js';

/** A pending OIDC round trip or second-factor step lives this long (the browser cookie as well). */
export const AUTH_REQUEST_TTL_MS = 10 * 60_000;
/** Issue 5: "Email sign-in by one-time link (random token, stored hashed, 15 minutes, single use)". */
export const EMAIL_LINK_TTL_MS = 15 * 60_000;
export const EMAIL_LINK_TOKEN_PREFIX = 'ghl_';
/** Wrong second-factor codes allowed per pending sign-in before it is void. */
export const MFA_MAX_ATTEMPTS = 5;
/** One address can hold accounts in several tenants; an email start serves at most this many. */
const MAX_ACCOUNTS_PER_EMAIL = 10;
const TOTP_ISSUER = 'Gatehouse';
/** Values of a groups claim taken at one sign-in; IdPs cap theirs too (Entra: 150–200 before overage). */
const MAX_CLAIMED_GROUPS = 200;

/** What every sign-in call knows about the request, beyond its body. */
export interface SignInContext {
  ip: string | null;
  userAgent: string | null;
  /** The origin that links in mails point to (PUBLIC_URL). */
  publicUrl: string;
  /** The session cookie the browser already had: a new sign-in ends it (rotation). */
  previousSessionToken?: string | null;
}

/** What the gateway's OIDC client needs of a connection; the secret is opened for this use only. */
export interface SsoClientSettings {
  connectionId: string;
  tenantId: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** With the id, the key of the gateway's cache of discovered IdP metadata. */
  updatedAt: Date;
}

/** What the IdP's callback yielded once the OIDC client validated it. */
export interface IdpAssertion {
  /** The ID token's claims, completed from userinfo. */
  claims: Record<string, unknown>;
  /** The ID token as received, for sign-out's `id_token_hint`. */
  idToken: string | null;
}

/** The OIDC round trip in progress, as stored when the browser left for the IdP. */
export interface PendingSso {
  requestId: string;
  connection: SsoClientSettings;
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export type SignInOutcome =
  | {
      status: 'signed_in';
      /** The session cookie's value; the database keeps only its hash. */
      sessionToken: string;
      userId: string;
      tenantId: string;
      returnTo: string;
      /** Break-glass codes of an owner, generated at set-up and shown this once. */
      recoveryCodes?: string[];
    }
  | { status: 'mfa_required'; binding: string; enrolment: boolean; expiresAt: Date }
  | { status: 'activated'; method: 'sso' };

/** A refused sign-in, already recorded as a sign-in event; `reason` is the event's reason. */
export class SignInRefused extends Unauthenticated {
  constructor(
    readonly reason: SignInFailureReason,
    message: string = SIGN_IN_FAILURES[reason],
  ) {
    super(`signin.${reason}`, message, { reason });
  }
}

interface PendingMfaData {
  method: SignInMethod;
  enrolment: boolean;
  attempts: number;
  returnTo: string;
  issueRecoveryCodes: boolean;
}

type SsoResolution =
  | { kind: 'known'; user: User; identity: UserIdentity }
  | { kind: 'link'; user: User; via: 'link_claim' | 'verified_email' }
  | { kind: 'create'; email: string };

/** The SSO sign-in transaction's end: a session, or the account found unable to sign in under its lock. */
type SsoSignIn =
  | { session: { sessionToken: string; userId: string; tenantId: string } }
  | { refusal: SignInFailureReason; userId: string };

/** A transaction's end under the user's lock: its value, or the account found unable to sign in. */
type UnderUserLock<T> = { value: T } | { refusal: SignInFailureReason };

/**
 * Every way into Gatehouse (issue 5): OIDC SSO found by the email's domain, one-time email links,
 * invitation acceptance, owners' break-glass recovery codes, and the TOTP step after email. Each
 * attempt ends as a sign-in event; a success is a new server-side session under the tenant's policy.
 */
export class SignInService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly sessions: SessionService,
    private readonly actors: ActorService,
    private readonly users: UserService,
    private readonly mail: MailService,
    private readonly limiter: RateLimiter,
    private readonly ipAllowlist: IpAllowlistService,
    private readonly recoveryCodes: RecoveryCodes,
  ) {}

  // ---- discovery and SSO ----

  /**
   * What the sign-in page shows for an address: SSO when its domain belongs to a tenant's enabled
   * connection, else email. It depends on the domain only, so it never tells whether an account exists.
   */
  async discover(raw: unknown): Promise<{ method: SignInRoute; loginNotice: string | null }> {
    const { email } = parseInput(SignInEmailInput, raw);
    const realm = await this.realmOf(email);
    if (!realm) return { method: 'email', loginNotice: null };
    const branding = await this.deps.db.manager.findOneBy(Branding, { tenantId: realm.tenant.id });
    const sso = realm.connection?.enabled === true && ssoSignInAllowed(realm.tenant.settings);
    return { method: sso ? 'sso' : 'email', loginNotice: branding?.loginNotice ?? null };
  }

  /** Home-realm discovery for GET /auth/login: the connection the address's domain belongs to. */
  async ssoTarget(raw: unknown, ctx: SignInContext): Promise<SsoClientSettings> {
    const { email } = parseInput(SignInEmailInput, raw);
    const attempt = this.attempt(ctx, { method: 'sso', email });
    const realm = await this.realmOf(email);
    if (!realm) return this.refuse(attempt, 'unknown_domain');
    const known = { ...attempt, tenantId: realm.tenant.id, connectionId: realm.connection?.id ?? null };
    if (!realm.connection?.enabled || !ssoSignInAllowed(realm.tenant.settings)) {
      return this.refuse(known, 'sso_not_enabled');
    }
    return this.clientSettings(realm.connection);
  }

  /**
   * Stores the round trip bound to the browser: the cookie carries `binding`, the row only its hash;
   * state, nonce and PKCE verifier are sealed with the instance key.
   */
  async savePendingSso(input: {
    connection: SsoClientSettings;
    state: string;
    nonce: string;
    codeVerifier: string;
    returnTo: string;
  }): Promise<{ binding: string; expiresAt: Date }> {
    const binding = randomToken();
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + AUTH_REQUEST_TTL_MS);
    const secrets = { state: input.state, nonce: input.nonce, codeVerifier: input.codeVerifier };
    await this.deps.db.transaction((tx) =>
      insertRow(tx, AuthRequest, {
        id: newId(),
        bindingHash: sha256Hex(binding),
        kind: 'oidc',
        tenantId: input.connection.tenantId,
        connectionId: input.connection.connectionId,
        userId: null,
        data: { sealed: this.deps.secrets.seal(JSON.stringify(secrets)), returnTo: input.returnTo },
        expiresAt,
        consumedAt: null,
        createdAt: now,
      }),
    );
    return { binding, expiresAt };
  }

  /**
   * The callback's first step: the round trip this browser started, consumed so it can be used once
   * whatever happens next. No cookie, an unknown, expired or used binding: refused.
   */
  async takePendingSso(binding: string | undefined, ctx: SignInContext): Promise<PendingSso> {
    const attempt = this.attempt(ctx, { method: 'sso' });
    if (!binding) return this.refuse(attempt, 'missing_state_cookie');
    const { request, consumed } = await this.consume(binding, 'oidc');
    const known = {
      ...attempt,
      tenantId: request?.tenantId ?? null,
      connectionId: request?.connectionId ?? null,
    };
    if (!request || !consumed) return this.refuse(known, 'auth_request_invalid');
    const connection = await this.deps.db.manager.findOneBy(SsoConnection, {
      id: request.connectionId ?? '',
      tenantId: request.tenantId ?? '',
    });
    if (!connection?.enabled) return this.refuse(known, 'sso_not_enabled');
    const secrets = JSON.parse(this.deps.secrets.open(String(request.data.sealed))) as {
      state: string;
      nonce: string;
      codeVerifier: string;
    };
    return {
      requestId: request.id,
      connection: this.clientSettings(connection),
      ...secrets,
      returnTo: typeof request.data.returnTo === 'string' ? request.data.returnTo : '/',
    };
  }

  /**
   * The gateway reports why an SSO attempt failed on its side: the IdP unreachable, or its answer
   * failing validation (state, nonce, audience, signature, expiry…).
   */
  async rejectSso(
    pending: Pick<PendingSso, 'connection'>,
    reason: SignInFailureReason,
    ctx: SignInContext,
  ): Promise<never> {
    return this.refuse(
      this.attempt(ctx, {
        method: 'sso',
        tenantId: pending.connection.tenantId,
        connectionId: pending.connection.connectionId,
      }),
      reason,
    );
  }

  /**
   * Signs in the person the IdP vouched for (claims already validated by the OIDC client). Links by
   * the immutable (issuer, sub); a first sign-in links through the connection's claim to the SCIM
   * externalId, or — only if the connection allows it — an IdP-verified email inside its domains;
   * JIT creates a member. Never across tenants, never by an unverified email.
   */
  async completeSso(
    pending: PendingSso,
    { claims, idToken }: IdpAssertion,
    ctx: SignInContext,
  ): Promise<SignInOutcome> {
    const em = this.deps.db.manager;
    const connection = await em.findOneBy(SsoConnection, { id: pending.connection.connectionId });
    const tenant = await em.findOneBy(Tenant, { id: pending.connection.tenantId });
    const email = typeof claims.email === 'string' ? claims.email.trim().slice(0, 320) : null;
    const attempt = this.attempt(ctx, {
      method: 'sso',
      email,
      tenantId: pending.connection.tenantId,
      connectionId: pending.connection.connectionId,
    });
    if (!connection?.enabled || !tenant || !ssoSignInAllowed(tenant.settings)) {
      return this.refuse(attempt, 'sso_not_enabled');
    }
    const subject = claims.sub;
    if (typeof subject !== 'string' || subject.length === 0 || subject.length > 255) {
      return this.refuse(attempt, 'missing_claims');
    }
    const issuer = typeof claims.iss === 'string' ? claims.iss : connection.issuer;
    const resolved = await this.resolveSsoUser(connection, issuer, subject, claims, email);
    if ('refusal' in resolved) {
      return this.refuse({ ...attempt, userId: resolved.userId ?? null }, resolved.refusal);
    }
    if (resolved.kind !== 'create') {
      const problem = await this.admissionProblem(resolved.user, tenant, 'sso', ctx);
      if (problem) return this.refuse({ ...attempt, userId: resolved.user.id }, problem);
    } else if (!(await this.ipAllowlist.allows(tenant.id, ctx.ip))) {
      return this.refuse(attempt, 'ip_not_allowed');
    }
    const groups = claimedGroups(connection, claims);
    const outcome = await this.deps.db
      .transaction(async (tx): Promise<SsoSignIn> => {
        // Lock order of every membership write: the tenant, then the user's row, then the rows about
        // the user (see `addMembers`). The tenant only when the claim changes a membership.
        const known = resolved.kind === 'create' ? null : resolved.user.id;
        const syncing = groups !== null && (await this.claimChanges(tx, connection.tenantId, known, groups));
        if (syncing) await lockTenant(tx, connection.tenantId);
        let user: User;
        if (resolved.kind === 'create') {
          user = await this.createJitUser(tx, connection, claims, resolved.email);
        } else {
          // Admitted above, without a lock: a SCIM removal or deactivation may have committed since,
          // and one that comes after this read waits for this transaction, then ends what it wrote
          // (the memberships, the session). Locked as the session's UPDATE of the row would lock it,
          // so a mapped group's recompute of this user waits for the sign-in instead of the other way.
          user = await lockUserRow(tx, connection.tenantId, resolved.user.id);
          const problem = accountProblem(user);
          if (problem) return { refusal: problem, userId: user.id };
        }
        const now = this.deps.clock.now();
        if (resolved.kind === 'known') {
          await tx.update(UserIdentity, { id: resolved.identity.id }, { lastUsedAt: now });
        } else {
          await this.linkIdentity(
            tx,
            connection,
            user,
            issuer,
            subject,
            resolved.kind === 'link' ? resolved.via : 'jit',
          );
        }
        if (syncing) await this.applyGroupsClaim(tx, connection, user, groups);
        return { session: await this.startSession(tx, user, 'sso', ctx, connection.id, idToken) };
      })
      .catch((err: unknown) => {
        if (err instanceof Conflict) return null;
        throw err;
      });
    if (outcome === null) {
      // a concurrent first sign-in linked this subject, or created this address, first
      return this.refuse(
        attempt,
        resolved.kind === 'create' ? 'account_exists_unlinked' : 'identity_linked_elsewhere',
      );
    }
    if ('refusal' in outcome) return this.refuse({ ...attempt, userId: outcome.userId }, outcome.refusal);
    return { status: 'signed_in', returnTo: pending.returnTo, ...outcome.session };
  }

  // ---- email sign-in links ----

  /**
   * POST /auth/email/start: a 15-minute single-use link to every account of this address whose
   * tenant allows email sign-in. The caller answers the same whatever happened (no enumeration).
   */
  async startEmail(raw: unknown, ctx: SignInContext): Promise<void> {
    const { email, returnTo } = parseInput(SignInEmailInput, raw);
    const em = this.deps.db.manager;
    const accounts = await em.find(User, {
      where: { emailKey: foldKey(email), removedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: MAX_ACCOUNTS_PER_EMAIL,
    });
    const attempt = this.attempt(ctx, { method: 'email_link', email });
    if (accounts.length === 0) {
      await this.record(attempt, 'failure', 'unknown_account');
      return;
    }
    const messages: OutboxMessage[] = [];
    for (const user of accounts) {
      const tenant = await em.findOneByOrFail(Tenant, { id: user.tenantId });
      const problem = await this.admissionProblem(user, tenant, 'email_link', { ...ctx, ip: null }, false);
      if (problem) {
        await this.record({ ...attempt, tenantId: tenant.id, userId: user.id }, 'failure', problem);
        continue;
      }
      messages.push(
        await this.deps.db.transaction((tx) =>
          this.issueEmailLink(tx, user, tenant, ctx.publicUrl, ctx.ip, safeReturnTo(returnTo)),
        ),
      );
    }
    // Not awaited: an SMTP round trip would make the answer slower exactly when an account exists.
    void this.mail.dispatch(messages);
  }

  /**
   * Writes a fresh link for `user` (earlier unused links stop working) and its mail, inside `tx`.
   * The admin "send a sign-in link" action uses it too.
   */
  async issueEmailLink(
    tx: EntityManager,
    user: User,
    tenant: Tenant,
    publicUrl: string,
    requestedIp: string | null,
    returnTo = '/',
  ): Promise<OutboxMessage> {
    const now = this.deps.clock.now();
    await tx.delete(EmailSignInToken, { tenantId: user.tenantId, userId: user.id, usedAt: IsNull() });
    const token = randomToken(EMAIL_LINK_TOKEN_PREFIX);
    await insertRow(tx, EmailSignInToken, {
      id: newId(),
      tenantId: user.tenantId,
      userId: user.id,
      tokenHash: sha256Hex(token),
      expiresAt: new Date(now.getTime() + EMAIL_LINK_TTL_MS),
      usedAt: null,
      requestedIp: requestedIp?.slice(0, 64) ?? null,
      createdAt: now,
    });
    return this.mail.compose(tx, {
      tenantId: user.tenantId,
      to: user.email,
      template: 'sign_in_link',
      subject: `Your sign-in link for ${tenant.name}`,
      text: [
        `Sign in to ${tenant.name} on Gatehouse:`,
        '',
        signInLinkUrl(publicUrl, token, returnTo),
        '',
        'The link works once and expires in 15 minutes. If you did not ask for it, ignore this email.',
      ].join('\n'),
    });
  }

  /** POST /auth/email/verify: redeems a link (used or not, it is spent) and signs in or asks for the second factor. */
  async verifyEmailLink(raw: unknown, ctx: SignInContext): Promise<SignInOutcome> {
    const { token } = parseInput(LinkTokenInput, raw);
    const attempt = this.attempt(ctx, { method: 'email_link' });
    const { row, problem } = await this.deps.db.transaction(async (tx) => {
      const found = await tx.findOneBy(EmailSignInToken, { tokenHash: sha256Hex(token) });
      if (!found) return { row: null, problem: 'link_invalid' as const };
      if (found.usedAt) return { row: found, problem: 'link_used' as const };
      const now = this.deps.clock.now();
      if (found.expiresAt <= now) return { row: found, problem: 'link_expired' as const };
      const spent = await tx.update(EmailSignInToken, { id: found.id, usedAt: IsNull() }, { usedAt: now });
      return { row: found, problem: spent.affected === 1 ? null : ('link_used' as const) };
    });
    const known = { ...attempt, tenantId: row?.tenantId ?? null, userId: row?.userId ?? null };
    if (!row || problem) return this.refuse(known, problem ?? 'link_invalid');
    const { user, tenant } = await this.userAndTenant(row.tenantId, row.userId);
    const refusal = user ? await this.admissionProblem(user, tenant, 'email_link', ctx) : 'user_removed';
    if (!user || refusal)
      return this.refuse({ ...known, email: user?.email ?? null }, refusal ?? 'user_removed');
    return this.afterFirstFactor(user, tenant, 'email_link', ctx, {
      returnTo: '/',
      issueRecoveryCodes: false,
      attempt: { ...known, email: user.email },
    });
  }

  // ---- invitations ----

  /** POST /auth/invitations/accept: activates the account (UserService) and signs it in. */
  async acceptInvitation(raw: unknown, ctx: SignInContext): Promise<SignInOutcome> {
    const { token } = parseInput(LinkTokenInput, raw);
    const attempt = this.attempt(ctx, { method: 'invitation' });
    const invitation = await this.deps.db.manager.findOneBy(Invitation, { tokenHash: sha256Hex(token) });
    if (!invitation) return this.refuse(attempt, 'invitation_invalid');
    const known = {
      ...attempt,
      tenantId: invitation.tenantId,
      userId: invitation.userId,
      email: invitation.email,
    };
    if (!(await this.ipAllowlist.allows(invitation.tenantId, ctx.ip)))
      return this.refuse(known, 'ip_not_allowed');
    const accepted = await this.users.acceptInvitation(token).catch((err: unknown) => {
      if (err instanceof NotFound) return null;
      throw err;
    });
    if (!accepted) return this.refuse(known, 'invitation_invalid');
    const { user, tenant } = await this.userAndTenant(invitation.tenantId, invitation.userId);
    if (!user) return this.refuse(known, 'user_removed');
    if (!emailSignInAllowed(tenant.settings)) return { status: 'activated', method: 'sso' };
    const refusal = await this.admissionProblem(user, tenant, 'invitation', ctx);
    if (refusal) return this.refuse(known, refusal);
    return this.afterFirstFactor(user, tenant, 'invitation', ctx, {
      returnTo: '/',
      issueRecoveryCodes: true,
      attempt: known,
    });
  }

  // ---- owners' break-glass ----

  /**
   * POST /auth/recovery: an owner's email plus one single-use recovery code, for when SSO is required
   * and the IdP is out of reach. Audited; the second factor still applies when the owner has one.
   */
  async recover(raw: unknown, ctx: SignInContext): Promise<SignInOutcome> {
    const { email, code } = parseInput(RecoverySignInInput, raw);
    const em = this.deps.db.manager;
    const codeHash = this.recoveryCodes.hash(code);
    const candidates = await em.find(User, {
      where: { emailKey: foldKey(email), removedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: MAX_ACCOUNTS_PER_EMAIL,
    });
    const attempt = this.attempt(ctx, {
      method: 'recovery_code',
      email,
      tenantId: candidates.length === 1 ? (candidates[0]?.tenantId ?? null) : null,
    });
    let match: { user: User; code: RecoveryCode } | null = null;
    for (const user of candidates) {
      const found = await em.findOneBy(RecoveryCode, {
        tenantId: user.tenantId,
        userId: user.id,
        codeHash,
        usedAt: IsNull(),
      });
      if (found) {
        match = { user, code: found };
        break;
      }
    }
    if (!match) return this.refuse(attempt, 'recovery_code_invalid');
    const { user } = match;
    const tenant = await em.findOneByOrFail(Tenant, { id: user.tenantId });
    const known = { ...attempt, tenantId: tenant.id, userId: user.id };
    const refusal = await this.admissionProblem(user, tenant, 'recovery_code', ctx);
    if (refusal) return this.refuse(known, refusal);
    const actor = await this.admittedActor(user, ctx, known);
    if (!holdsAuthPolicy(actor)) return this.refuse(known, 'recovery_not_allowed');
    const spent = await this.deps.db.transaction(async (tx) => {
      const update = await tx.update(
        RecoveryCode,
        { id: match.code.id, usedAt: IsNull() },
        { usedAt: this.deps.clock.now() },
      );
      if (update.affected !== 1) return false;
      const remaining = await tx.count(RecoveryCode, {
        where: { tenantId: tenant.id, userId: user.id, usedAt: IsNull() },
      });
      await this.deps.audit.record(tx, actor, {
        action: 'user.recovery_code_used',
        targetType: 'user',
        targetId: user.id,
        change: { remaining },
      });
      return true;
    });
    if (!spent) return this.refuse(known, 'recovery_code_invalid');
    return this.afterFirstFactor(user, tenant, 'recovery_code', ctx, {
      returnTo: '/',
      issueRecoveryCodes: false,
      attempt: known,
    });
  }

  // ---- the second factor ----

  /**
   * While a sign-in waits for a second factor the account does not have yet (owners, when the
   * tenant requires it), sets up a new TOTP secret for it; the next verify confirms it.
   */
  async enrolPendingMfa(binding: string | undefined): Promise<{ secret: string; otpauthUrl: string }> {
    const pending = binding ? await this.pendingMfa(binding) : null;
    if (!pending || !pending.data.enrolment) throw new SignInRefused('mfa_pending_invalid');
    const { user, tenant } = await this.userAndTenant(
      pending.request.tenantId ?? '',
      pending.request.userId ?? '',
    );
    if (!user || user.mfaEnabledAt) throw new SignInRefused('mfa_pending_invalid');
    const secret = generateTotpSecret();
    await this.deps.db.transaction((tx) =>
      tx.update(User, { id: user.id }, { mfaSecretEncrypted: this.deps.secrets.seal(secret) }),
    );
    return { secret, otpauthUrl: otpauthUrl(secret, `${user.email} (${tenant.slug})`, TOTP_ISSUER) };
  }

  /** POST /auth/mfa/verify: the TOTP code completes the pending sign-in (and confirms an enrolment). */
  async verifyMfa(binding: string | undefined, raw: unknown, ctx: SignInContext): Promise<SignInOutcome> {
    const { code } = parseInput(MfaCodeInput, raw);
    const pending = binding ? await this.pendingMfa(binding) : null;
    if (!pending) return this.refuse(this.attempt(ctx, { method: 'email_link' }), 'mfa_pending_invalid');
    const { request, data } = pending;
    const { user, tenant } = await this.userAndTenant(request.tenantId ?? '', request.userId ?? '');
    const attempt = this.attempt(ctx, {
      method: data.method,
      tenantId: tenant.id,
      userId: request.userId,
      email: user?.email ?? null,
    });
    const refusal = user ? await this.admissionProblem(user, tenant, data.method, ctx) : 'user_removed';
    if (!user || refusal) return this.refuse(attempt, refusal ?? 'user_removed');
    if (!user.mfaSecretEncrypted) return this.refuse(attempt, 'mfa_not_enrolled');
    const now = this.deps.clock.now();
    const step = verifyTotp(this.deps.secrets.open(user.mfaSecretEncrypted), code, now);
    if (step === null) {
      const attempts = data.attempts + 1;
      const locked = attempts >= MFA_MAX_ATTEMPTS;
      await this.deps.db.transaction((tx) =>
        tx.update(
          AuthRequest,
          { id: request.id },
          { data: { ...data, attempts }, ...(locked ? { consumedAt: now } : {}) },
        ),
      );
      return this.refuse(attempt, locked ? 'mfa_locked' : 'mfa_invalid');
    }
    // RFC 6238 §5.2: a code is accepted once; remembered for as long as the drift window accepts it.
    const fresh = await this.limiter.hit(
      `totp-used:${user.id}:${step}`,
      1,
      (2 * TOTP_WINDOW + 2) * TOTP_STEP_SECONDS * 1000,
    );
    if (!fresh.allowed) return this.refuse(attempt, 'mfa_code_reused');
    const result = await this.underUserLock(user, async (tx, locked) => {
      const taken = await tx.update(
        AuthRequest,
        { id: request.id, consumedAt: IsNull() },
        { consumedAt: now },
      );
      if (taken.affected !== 1) return null;
      if (data.enrolment && !locked.mfaEnabledAt) {
        await tx.update(User, { id: locked.id }, { mfaEnabledAt: now });
        await this.deps.audit.record(tx, await this.selfActor(locked, ctx), {
          action: 'user.mfa_enabled',
          targetType: 'user',
          targetId: locked.id,
        });
      }
      return this.startSessionWithCodes(tx, locked, data.method, ctx, data.issueRecoveryCodes);
    });
    if ('refusal' in result) return this.refuse(attempt, result.refusal);
    if (!result.value) return this.refuse(attempt, 'mfa_pending_invalid');
    return { status: 'signed_in', returnTo: data.returnTo, ...result.value };
  }

  // ---- signing out and the current session ----

  /**
   * Ends the session behind `token`. For an SSO session, returns the connection it came through so
   * the gateway can offer the IdP's end-session endpoint, with the ID token it kept as the hint.
   */
  async signOut(
    token: string,
  ): Promise<{ connection: SsoClientSettings | null; idTokenHint: string | null }> {
    const em = this.deps.db.manager;
    const ended = await this.sessions.end(token);
    if (!ended || ended.session.method !== 'sso') return { connection: null, idTokenHint: null };
    const { session } = ended;
    const identity = await em.findOne(UserIdentity, {
      where: { tenantId: session.tenantId, userId: session.userId, lastUsedAt: Not(IsNull()) },
      order: { lastUsedAt: 'DESC', id: 'DESC' },
    });
    const connection = identity
      ? await em.findOneBy(SsoConnection, { id: identity.connectionId, tenantId: session.tenantId })
      : null;
    if (!connection?.enabled) return { connection: null, idTokenHint: null };
    const settings = this.clientSettings(connection);
    return { connection: settings, idTokenHint: hintFor(settings, ended.idToken) };
  }

  /** GET /auth/session: who the session belongs to. */
  async sessionUser(actor: ActorContext): Promise<{
    id: string;
    email: string;
    displayName: string | null;
    tenantId: string;
    mfaEnabled: boolean;
  }> {
    if (actor.kind !== 'user') throw new NotFound('user.not_found', 'No signed-in user.');
    const user = await this.deps.db.manager.findOneByOrFail(User, {
      tenantId: actor.tenantId,
      id: actor.userId,
    });
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      tenantId: user.tenantId,
      mfaEnabled: user.mfaEnabledAt !== null,
    };
  }

  // ---- internals ----

  private async afterFirstFactor(
    user: User,
    tenant: Tenant,
    method: SignInMethod,
    ctx: SignInContext,
    opts: { returnTo: string; issueRecoveryCodes: boolean; attempt: SignInAttempt },
  ): Promise<SignInOutcome> {
    const actor = await this.admittedActor(user, ctx, opts.attempt);
    const policyHolder = holdsAuthPolicy(actor);
    const issueRecoveryCodes = opts.issueRecoveryCodes && policyHolder;
    // Issue 5: "Optional TOTP second factor for email sign-in (required for owners when the tenant says so)".
    const needsMfa = user.mfaEnabledAt !== null || (tenant.settings.requireOwnerMfa && policyHolder);
    if (needsMfa) {
      const binding = randomToken();
      const now = this.deps.clock.now();
      const expiresAt = new Date(now.getTime() + AUTH_REQUEST_TTL_MS);
      const data: PendingMfaData = {
        method,
        enrolment: user.mfaEnabledAt === null,
        attempts: 0,
        returnTo: opts.returnTo,
        issueRecoveryCodes,
      };
      await this.deps.db.transaction((tx) =>
        insertRow(tx, AuthRequest, {
          id: newId(),
          bindingHash: sha256Hex(binding),
          kind: 'mfa',
          tenantId: tenant.id,
          connectionId: null,
          userId: user.id,
          data: { ...data },
          expiresAt,
          consumedAt: null,
          createdAt: now,
        }),
      );
      return { status: 'mfa_required', binding, enrolment: data.enrolment, expiresAt };
    }
    const result = await this.underUserLock(user, (tx, locked) =>
      this.startSessionWithCodes(tx, locked, method, ctx, issueRecoveryCodes),
    );
    if ('refusal' in result) return this.refuse(opts.attempt, result.refusal);
    return { status: 'signed_in', returnTo: opts.returnTo, ...result.value };
  }

  /**
   * The transaction that starts a session (every way but SSO, which locks in its own order): the
   * user's row is locked (`lockUserRow`) and read again before any write. Admitted without a lock, the
   * user may have been removed or deactivated since (SCIM, which ends their sessions in its own
   * transaction): they are refused as the admission check would refuse them, and nothing is written.
   * A removal that comes after this read waits for the commit, then ends the session written here.
   */
  private async underUserLock<T>(
    user: User,
    work: (tx: EntityManager, locked: User) => Promise<T>,
  ): Promise<UnderUserLock<T>> {
    return this.deps.db.transaction(async (tx): Promise<UnderUserLock<T>> => {
      const locked = await lockUserRow(tx, user.tenantId, user.id);
      const problem = accountProblem(locked);
      if (problem) return { refusal: problem };
      return { value: await work(tx, locked) };
    });
  }

  private async startSessionWithCodes(
    tx: EntityManager,
    user: User,
    method: SignInMethod,
    ctx: SignInContext,
    issueCodes: boolean,
  ): Promise<{ sessionToken: string; userId: string; tenantId: string; recoveryCodes?: string[] }> {
    const session = await this.startSession(tx, user, method, ctx, null);
    if (!issueCodes) return session;
    // Owners get their break-glass codes at set-up, once; later sets come from regeneration.
    const existing = await tx.count(RecoveryCode, { where: { tenantId: user.tenantId, userId: user.id } });
    if (existing > 0) return session;
    const recoveryCodes = await this.recoveryCodes.issue(tx, this.deps.clock, user.tenantId, user.id);
    await this.deps.audit.record(tx, await this.selfActor(user, ctx), {
      action: 'user.recovery_codes_generated',
      targetType: 'user',
      targetId: user.id,
      change: { count: recoveryCodes.length },
    });
    return { ...session, recoveryCodes };
  }

  /** Inside the sign-in transaction: rotation, the session, lastSignInAt and the success event. */
  private async startSession(
    tx: EntityManager,
    user: User,
    method: SignInMethod,
    ctx: SignInContext,
    connectionId: string | null,
    idToken: string | null = null,
  ): Promise<{ sessionToken: string; userId: string; tenantId: string }> {
    const now = this.deps.clock.now();
    if (ctx.previousSessionToken) {
      await tx.update(
        Session,
        { tokenHash: sha256Hex(ctx.previousSessionToken), revokedAt: IsNull() },
        sessionEnd(now, 'rotated'),
      );
    }
    const { token } = await this.sessions.start(tx, {
      tenantId: user.tenantId,
      userId: user.id,
      method,
      ip: ctx.ip?.slice(0, 64) ?? null,
      userAgent: ctx.userAgent?.slice(0, 512) ?? null,
      idToken,
    });
    await tx.update(User, { id: user.id }, { lastSignInAt: now });
    await recordSignInEvent(
      tx,
      this.deps.clock,
      this.attempt(ctx, {
        method,
        tenantId: user.tenantId,
        userId: user.id,
        email: user.email,
        connectionId,
      }),
      'success',
      null,
    );
    return { sessionToken: token, userId: user.id, tenantId: user.tenantId };
  }

  private async resolveSsoUser(
    connection: SsoConnection,
    issuer: string,
    subject: string,
    claims: Record<string, unknown>,
    email: string | null,
  ): Promise<SsoResolution | { refusal: SignInFailureReason; userId?: string }> {
    const em = this.deps.db.manager;
    const tenantId = connection.tenantId;
    const identity = await em.findOneBy(UserIdentity, { issuer, subject });
    if (identity) {
      // (issuer, sub) is unique across tenants: a subject linked elsewhere is never adopted here.
      if (identity.tenantId !== tenantId) return { refusal: 'identity_linked_elsewhere' };
      const user = await em.findOneBy(User, { tenantId, id: identity.userId });
      if (!user) return { refusal: 'user_removed', userId: identity.userId };
      return { kind: 'known', user, identity };
    }
    const linkValue = connection.linkClaim === 'sub' ? subject : claimString(claims, connection.linkClaim);
    let candidate: { user: User; via: 'link_claim' | 'verified_email' } | null = null;
    if (linkValue) {
      const user = await em.findOneBy(User, { tenantId, externalId: linkValue, removedAt: IsNull() });
      if (user) candidate = { user, via: 'link_claim' };
    }
    const inDomains = email !== null && withinDomains(email, connection.domains);
    if (!candidate && connection.linkByVerifiedEmail && email && inDomains && emailVerified(claims)) {
      const user = await findUserByEmail(em, tenantId, email);
      if (user) candidate = { user, via: 'verified_email' };
    }
    if (candidate) {
      const other = await em.findOneBy(UserIdentity, { tenantId, userId: candidate.user.id, issuer });
      if (other) return { refusal: 'account_linked_to_other_identity', userId: candidate.user.id };
      return { kind: 'link', ...candidate };
    }
    if (email !== null && !inDomains) return { refusal: 'email_outside_domains' };
    const existing = email ? await findUserByEmail(em, tenantId, email) : null;
    if (existing) return { refusal: 'account_exists_unlinked', userId: existing.id };
    if (!connection.jitEnabled) return { refusal: 'unknown_user' };
    if (!email) return { refusal: 'missing_claims' };
    return { kind: 'create', email };
  }

  private async linkIdentity(
    tx: EntityManager,
    connection: SsoConnection,
    user: User,
    issuer: string,
    subject: string,
    via: 'link_claim' | 'verified_email' | 'jit',
  ): Promise<void> {
    const now = this.deps.clock.now();
    await uniquely(
      () =>
        insertRow(tx, UserIdentity, {
          id: newId(),
          tenantId: user.tenantId,
          userId: user.id,
          connectionId: connection.id,
          issuer: issuer.slice(0, 512),
          subject,
          createdAt: now,
          lastUsedAt: now,
        }),
      'identity.linked',
      'This identity is already linked.',
    );
    await this.deps.audit.record(tx, systemActor(user.tenantId, `sso:${connection.name}`), {
      action: 'user.identity_linked',
      targetType: 'user',
      targetId: user.id,
      change: { connectionId: connection.id, issuer, subject, via },
    });
  }

  /** Issue 5: "JIT on → a member account is created". */
  private async createJitUser(
    tx: EntityManager,
    connection: SsoConnection,
    claims: Record<string, unknown>,
    email: string,
  ): Promise<User> {
    const now = this.deps.clock.now();
    const user: User = {
      id: newId(),
      tenantId: connection.tenantId,
      email,
      emailKey: foldKey(email),
      userName: email,
      userNameKey: foldKey(email),
      externalId: null,
      givenName: claimString(claims, 'given_name')?.slice(0, 200) ?? null,
      familyName: claimString(claims, 'family_name')?.slice(0, 200) ?? null,
      displayName: claimString(claims, 'name')?.slice(0, 300) ?? null,
      active: true,
      otherWorkEmails: false,
      tenantRole: 'member',
      mappedTenantRole: null,
      source: 'sso-jit',
      activatedAt: now,
      lastSignInAt: null,
      removedAt: null,
      scimAttributes: null,
      lastScimPayload: null,
      lastSyncedAt: null,
      mfaSecretEncrypted: null,
      mfaEnabledAt: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await uniquely(() => insertRow(tx, User, user), 'user.exists', `${email} already has an account.`);
    await createDraftsSpace(tx, user.tenantId, user.id, this.deps.clock);
    await this.deps.audit.record(tx, systemActor(user.tenantId, `sso:${connection.name}`), {
      action: 'user.created',
      targetType: 'user',
      targetId: user.id,
      change: { after: { email, tenantRole: 'member', source: 'sso-jit' } },
    });
    return user;
  }

  /**
   * Whether the claim would change the user's memberships (`userId` null: a user not created yet, in
   * no group), a group to create included. Read without locks, so that a sign-in that changes nothing
   * never takes the tenant's lock; `applyGroupsClaim` reads again under it.
   */
  private async claimChanges(
    tx: EntityManager,
    tenantId: string,
    userId: string | null,
    values: string[],
  ): Promise<boolean> {
    const { found, missing } = await this.groupsMatching(tx, tenantId, values);
    if (missing.length > 0) return true;
    const current = userId ? await this.groupsOf(tx, tenantId, userId) : new Set<string>();
    return found.size !== current.size || [...found].some((id) => !current.has(id));
  }

  /**
   * Issue 5: the connection's optional groups claim is "mapped like SCIM groups": at each sign-in the
   * claim is the person's group memberships (by group externalId, or name), groups it names that do
   * not exist yet are created, and the tenant's group mappings are re-applied to the user — the same
   * computation SCIM membership changes go through. The caller holds the tenant's lock, then the
   * user's row.
   */
  private async applyGroupsClaim(
    tx: EntityManager,
    connection: SsoConnection,
    user: User,
    values: string[],
  ): Promise<void> {
    const tenantId = user.tenantId;
    const wanted = await this.groupsNamed(tx, tenantId, values);
    const current = await this.groupsOf(tx, tenantId, user.id);
    const added = [...wanted].filter((id) => !current.has(id));
    const removed = [...current].filter((id) => !wanted.has(id));
    if (added.length === 0 && removed.length === 0) return;
    const now = this.deps.clock.now();
    await touchGroups(tx, tenantId, { groupIds: [...added, ...removed] }, now);
    if (removed.length > 0) await tx.delete(GroupMember, { tenantId, userId: user.id, groupId: In(removed) });
    if (added.length > 0) {
      await tx
        .createQueryBuilder()
        .insert()
        .into(GroupMember)
        .values(added.map((groupId) => ({ groupId, userId: user.id, tenantId, createdAt: now })))
        .orIgnore()
        .execute();
    }
    const actor = systemActor(tenantId, `sso:${connection.name}`);
    const cause = { source: 'sso_groups_claim', connectionId: connection.id };
    await this.deps.audit.record(tx, actor, {
      action: 'user.groups_synced',
      targetType: 'user',
      targetId: user.id,
      change: { added, removed, ...cause },
    });
    const changes = await recomputeMappedRoles(tx, tenantId, [user.id], this.deps.clock);
    await auditMappedRoleChanges(tx, this.deps.audit, actor, changes, cause);
  }

  private async groupsOf(tx: EntityManager, tenantId: string, userId: string): Promise<Set<string>> {
    return new Set((await tx.find(GroupMember, { where: { tenantId, userId } })).map((m) => m.groupId));
  }

  /** Groups matching claim values by externalId or by name, and the values no group matches. */
  private async groupsMatching(
    tx: EntityManager,
    tenantId: string,
    values: string[],
  ): Promise<{ found: Set<string>; missing: string[] }> {
    if (values.length === 0) return { found: new Set(), missing: [] };
    const found = await tx.find(Group, {
      where: [
        { tenantId, externalId: In(values) },
        { tenantId, displayNameKey: In(values.map(foldKey)) },
      ],
    });
    const missing = values.filter(
      (v) => !found.some((g) => g.externalId === v || g.displayNameKey === foldKey(v)),
    );
    return { found: new Set(found.map((g) => g.id)), missing };
  }

  /** Groups matching claim values by externalId or by name; the ones missing are created. */
  private async groupsNamed(tx: EntityManager, tenantId: string, values: string[]): Promise<Set<string>> {
    const { found, missing } = await this.groupsMatching(tx, tenantId, values);
    if (missing.length === 0) return found;
    const now = this.deps.clock.now();
    await tx
      .createQueryBuilder()
      .insert()
      .into(Group)
      .values(
        missing.map((value) => ({
          id: newId(),
          tenantId,
          displayName: value,
          displayNameKey: foldKey(value),
          externalId: value,
          lastScimPayload: null,
          version: 1,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .orIgnore() // a concurrent sign-in may create the same group first
      .execute();
    return (await this.groupsMatching(tx, tenantId, values)).found;
  }

  /** Why this account may not sign in this way now, or null. */
  private async admissionProblem(
    user: User,
    tenant: Tenant,
    method: SignInMethod,
    ctx: Pick<SignInContext, 'ip'>,
    checkIp = true,
  ): Promise<SignInFailureReason | null> {
    const problem = accountProblem(user);
    if (problem) return problem;
    if (!methodAllowed(tenant, method)) return 'method_not_allowed';
    if (checkIp && !(await this.ipAllowlist.allows(tenant.id, ctx.ip))) return 'ip_not_allowed';
    return null;
  }

  private async consume(
    binding: string,
    kind: AuthRequest['kind'],
  ): Promise<{ request: AuthRequest | null; consumed: boolean }> {
    return this.deps.db.transaction(async (tx) => {
      const request = await tx.findOneBy(AuthRequest, { bindingHash: sha256Hex(binding), kind });
      const now = this.deps.clock.now();
      if (!request || request.consumedAt || request.expiresAt <= now) return { request, consumed: false };
      const taken = await tx.update(
        AuthRequest,
        { id: request.id, consumedAt: IsNull() },
        { consumedAt: now },
      );
      return { request, consumed: taken.affected === 1 };
    });
  }

  private async pendingMfa(binding: string): Promise<{ request: AuthRequest; data: PendingMfaData } | null> {
    const request = await this.deps.db.manager.findOneBy(AuthRequest, {
      bindingHash: sha256Hex(binding),
      kind: 'mfa',
    });
    if (!request || request.consumedAt || request.expiresAt <= this.deps.clock.now()) return null;
    if (!request.tenantId || !request.userId) return null;
    return { request, data: request.data as unknown as PendingMfaData };
  }

  private async userAndTenant(
    tenantId: string,
    userId: string,
  ): Promise<{ user: User | null; tenant: Tenant }> {
    const em = this.deps.db.manager;
    const tenant = await em.findOneByOrFail(Tenant, { id: tenantId });
    return { user: await em.findOneBy(User, { tenantId, id: userId }), tenant };
  }

  private async realmOf(email: string): Promise<{ tenant: Tenant; connection: SsoConnection | null } | null> {
    const em = this.deps.db.manager;
    const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    const row = await em.findOneBy(SsoDomain, { domain });
    if (!row) return null;
    const tenant = await em.findOneBy(Tenant, { id: row.tenantId });
    if (!tenant) return null;
    const connection = await em.findOneBy(SsoConnection, { id: row.connectionId, tenantId: row.tenantId });
    return { tenant, connection };
  }

  private clientSettings(connection: SsoConnection): SsoClientSettings {
    return {
      connectionId: connection.id,
      tenantId: connection.tenantId,
      name: connection.name,
      issuer: connection.issuer,
      clientId: connection.clientId,
      clientSecret: this.deps.secrets.open(connection.clientSecretEncrypted),
      updatedAt: connection.updatedAt,
    };
  }

  /**
   * The actor of a user who passed the admission checks on an earlier read; refused, as those checks
   * would have refused them, when a deactivation or removal committed since (reading the actor then
   * finds no active user).
   */
  private async admittedActor(user: User, ctx: SignInContext, attempt: SignInAttempt): Promise<ActorContext> {
    try {
      return await this.actors.forUser(user.tenantId, user.id, ctx.ip);
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
      const now = await this.deps.db.manager.findOneByOrFail(User, { tenantId: user.tenantId, id: user.id });
      return this.refuse(attempt, accountProblem(now) ?? 'user_deactivated');
    }
  }

  private async selfActor(user: User, ctx: Pick<SignInContext, 'ip'>): Promise<ActorContext> {
    return { ...(await this.actors.forUser(user.tenantId, user.id, ctx.ip)), label: user.email };
  }

  private attempt(
    ctx: SignInContext,
    fields: Partial<SignInAttempt> & { method: SignInMethod },
  ): SignInAttempt {
    return {
      tenantId: null,
      userId: null,
      email: null,
      connectionId: null,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      ...fields,
    };
  }

  private async record(
    attempt: SignInAttempt,
    result: 'success' | 'failure',
    reason: string | null,
  ): Promise<void> {
    await this.deps.db.transaction((tx) => recordSignInEvent(tx, this.deps.clock, attempt, result, reason));
  }

  /** Records the failed attempt, then refuses it. */
  private async refuse(attempt: SignInAttempt, reason: SignInFailureReason): Promise<never> {
    await this.record(attempt, 'failure', reason);
    throw new SignInRefused(reason);
  }
}

/**
 * Owners in the seeds' sense: whoever may change how people sign in. They hold the break-glass codes
 * and are the "owners" a tenant's second-factor requirement names (the table decides who that is).
 */
export function holdsAuthPolicy(actor: ActorContext): boolean {
  return can(actor, 'authMethods:edit');
}

/**
 * The SPA page that POSTs the token; it rides in the fragment, which never reaches servers' logs. A
 * same-origin `returnTo` rides along for the page to go on to.
 */
export function signInLinkUrl(publicUrl: string, token: string, returnTo = '/'): string {
  const next = safeReturnTo(returnTo);
  const rest = next === '/' ? '' : `&returnTo=${encodeURIComponent(next)}`;
  return `${publicUrl}/sign-in/verify#token=${encodeURIComponent(token)}${rest}`;
}

/** Why the account itself may not sign in now, whatever the way, or null. */
function accountProblem(user: User): SignInFailureReason | null {
  if (user.removedAt) return 'user_removed';
  if (!user.active) return 'user_deactivated';
  if (!user.activatedAt) return 'invitation_pending';
  return null;
}

/**
 * The groups claim's values, or null (memberships stay as they are) when the connection reads no
 * claim, when the IdP left it out (Entra does past its group limit, "overage"), or when it names
 * more than MAX_CLAIMED_GROUPS groups: cut to the limit, it would take the person out of every group
 * past it at each sign-in.
 */
function claimedGroups(connection: SsoConnection, claims: Record<string, unknown>): string[] | null {
  if (!connection.groupsClaim) return null;
  const raw = claims[connection.groupsClaim];
  if (raw === undefined || raw === null) return null;
  const values = new Set(
    (Array.isArray(raw) ? raw : [raw])
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.trim())
      .filter((v) => v.length > 0 && v.length <= 255),
  );
  return values.size > MAX_CLAIMED_GROUPS ? null : [...values];
}

function methodAllowed(tenant: Tenant, method: SignInMethod): boolean {
  switch (method) {
    case 'sso':
      return ssoSignInAllowed(tenant.settings);
    case 'email_link':
    case 'invitation':
      return emailSignInAllowed(tenant.settings);
    case 'recovery_code':
      return true; // break-glass: exactly for when SSO is required and unavailable
  }
}

/**
 * The session's ID token as the hint for this connection's end-session endpoint, if it was issued to
 * this connection's client: a person who signed in through two connections is signed out at the one
 * their latest sign-in used, and a token issued to another client would be refused there. The token
 * was validated at sign-in; only its audience is read here.
 */
function hintFor(connection: SsoClientSettings, idToken: string | null): string | null {
  if (idToken === null) return null;
  try {
    const { aud } = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      aud?: unknown;
    };
    return (Array.isArray(aud) ? aud : [aud]).includes(connection.clientId) ? idToken : null;
  } catch {
    return null;
  }
}

function claimString(claims: Record<string, unknown>, name: string): string | null {
  const value = claims[name];
  if (typeof value === 'string' && value.length > 0) return value.slice(0, 255);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Some IdPs send the boolean as a string. Anything else is unverified. */
function emailVerified(claims: Record<string, unknown>): boolean {
  return claims.email_verified === true || claims.email_verified === 'true';
}

function withinDomains(email: string, domains: readonly string[]): boolean {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return domains.some((d) => d.toLowerCase() === domain);
}
