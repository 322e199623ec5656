import { createHmac, hkdfSync } from 'node:crypto';
import { IsNull, type EntityManager } from 'typeorm';
import type { SessionPolicyMode, SignInMethod } from '../contracts/enums.js';
import { Session, Tenant, type TenantSettings } from '../entities/index.js';
import { constantTimeEqual, newId, randomToken, sha256Hex } from '../crypto.js';
import { NotFound } from '../errors.js';
import { forUpdate } from '../repositories/lock.js';
import { sessionEnd } from '../repositories/users.repository.js';
import { insertRow } from '../repositories/write.js';
import type { ActorService } from './actor.service.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';

/** Sane bounds for the tenant's session policy, in minutes (seed 000 "Managing session settings"). */
export const SESSION_POLICY_BOUNDS: Record<SessionPolicyMode, { min: number; max: number }> = {
  idle: { min: 5, max: 7 * 24 * 60 },
  fixed: { min: 15, max: 30 * 24 * 60 },
};

/** Activity refreshes an idle session at most this often: one write per minute, not per request. */
const TOUCH_INTERVAL_MS = 60_000;

export const SESSION_TOKEN_PREFIX = 'ghx_';

export interface ResolvedSession {
  session: Session;
  actor: ActorContext;
  /** Sent back in the X-CSRF-Token header on state-changing calls (double submit, bound to the session). */
  csrfToken: string;
}

export interface StartSessionInput {
  tenantId: string;
  userId: string;
  method: SignInMethod;
  ip: string | null;
  userAgent: string | null;
  /** The ID token of an SSO sign-in, kept sealed for sign-out's `id_token_hint`. */
  idToken?: string | null;
}

/** When a session ends under the tenant's policy, or null while it may go on. */
export function sessionExpiry(
  session: Pick<Session, 'createdAt' | 'lastSeenAt'>,
  policy: TenantSettings['sessionPolicy'],
): Date {
  const from = policy.mode === 'idle' ? session.lastSeenAt : session.createdAt;
  return new Date(from.getTime() + policy.minutes * 60_000);
}

/**
 * Server-side sessions: the cookie holds an opaque random token, the database only its hash, so
 * any replica serves any request and a database leak yields no usable session.
 */
export class SessionService {
  private readonly csrfKey: Buffer;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly actors: ActorService,
    encryptionKey: Buffer,
  ) {
    this.csrfKey = Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'gatehouse:csrf', 32));
  }

  /** Starts a session inside the caller's sign-in transaction; the token is returned once. */
  async start(tx: EntityManager, input: StartSessionInput): Promise<{ token: string; session: Session }> {
    const token = randomToken(SESSION_TOKEN_PREFIX);
    const now = this.deps.clock.now();
    const { idToken, ...columns } = input;
    const session: Session = {
      id: newId(),
      ...columns,
      tokenHash: sha256Hex(token),
      createdAt: now,
      lastSeenAt: now,
      revokedAt: null,
      revokedReason: null,
      idTokenSealed: idToken ? this.deps.secrets.seal(idToken) : null,
    };
    await insertRow(tx, Session, session);
    return { token, session };
  }

  /**
   * The session behind a cookie, if it is live under the tenant's current policy (a policy change
   * applies to existing sessions) and its user may still sign in; otherwise null.
   */
  async resolve(token: string, ip: string | null = null): Promise<ResolvedSession | null> {
    const em = this.deps.db.manager;
    const session = await em.findOne(Session, {
      where: { tokenHash: sha256Hex(token), revokedAt: IsNull() },
    });
    if (!session) return null;
    const tenant = await em.findOneBy(Tenant, { id: session.tenantId });
    const now = this.deps.clock.now();
    if (!tenant || sessionExpiry(session, tenant.settings.sessionPolicy) <= now) return null;
    const actor = await this.actors.forUser(session.tenantId, session.userId, ip).catch((err: unknown) => {
      if (err instanceof NotFound) return null; // deactivated or removed since sign-in
      throw err;
    });
    if (!actor) return null;
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
      await this.deps.db.transaction((tx) => tx.update(Session, { id: session.id }, { lastSeenAt: now }));
      session.lastSeenAt = now;
    }
    return { session, actor, csrfToken: this.csrfTokenFor(session) };
  }

  csrfTokenFor(session: Pick<Session, 'tokenHash'>): string {
    return createHmac('sha256', this.csrfKey).update(session.tokenHash).digest('base64url');
  }

  verifyCsrf(session: Pick<Session, 'tokenHash'>, presented: string | undefined): boolean {
    return typeof presented === 'string' && constantTimeEqual(this.csrfTokenFor(session), presented);
  }

  /**
   * Sign-out: ends the presented session and returns what it was, with the ID token it kept (null
   * when it had none, or when it was sealed under an instance key since replaced), or null when no
   * live session has that token.
   */
  async end(token: string): Promise<{ session: Session; idToken: string | null } | null> {
    return this.deps.db.transaction(async (tx) => {
      const session = await forUpdate(
        tx,
        tx
          .createQueryBuilder(Session, 's')
          .where('s.tokenHash = :hash AND s.revokedAt IS NULL', { hash: sha256Hex(token) }),
      ).getOne();
      if (!session) return null;
      await tx.update(Session, { id: session.id }, sessionEnd(this.deps.clock.now(), 'signed_out'));
      return { session, idToken: this.openIdToken(session) };
    });
  }

  private openIdToken(session: Session): string | null {
    if (session.idTokenSealed === null) return null;
    try {
      return this.deps.secrets.open(session.idTokenSealed);
    } catch {
      return null;
    }
  }

  /**
   * A user's own live sessions, most recently used first (seed 000 "Monitoring access"; users end
   * their own sessions): not ended, and not past the tenant's session policy, which `resolve` would
   * refuse.
   */
  async listOwn(actor: ActorContext): Promise<Session[]> {
    authorize(actor, 'session:listOwn');
    if (actor.kind !== 'user') return [];
    const em = this.deps.db.manager;
    const tenant = await em.findOneBy(Tenant, { id: actor.tenantId });
    if (!tenant) return [];
    const sessions = await em.find(Session, {
      where: { tenantId: actor.tenantId, userId: actor.userId, revokedAt: IsNull() },
      order: { lastSeenAt: 'DESC', id: 'DESC' },
    });
    const now = this.deps.clock.now();
    return sessions.filter((s) => sessionExpiry(s, tenant.settings.sessionPolicy) > now);
  }

  async endOwn(actor: ActorContext, sessionId: string): Promise<void> {
    authorize(actor, 'session:endOwn');
    await this.deps.db.transaction(async (tx) => {
      const userId = actor.kind === 'user' ? actor.userId : '';
      const session = await tx.findOne(Session, {
        where: { tenantId: actor.tenantId, userId, id: sessionId, revokedAt: IsNull() },
      });
      if (!session) throw new NotFound('session.not_found', 'No such session.');
      await tx.update(Session, { id: session.id }, sessionEnd(this.deps.clock.now(), 'ended_by_user'));
      await this.deps.audit.record(tx, actor, {
        action: 'session.ended',
        targetType: 'session',
        targetId: session.id,
      });
    });
  }
}
