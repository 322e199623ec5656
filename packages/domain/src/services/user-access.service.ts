import { In, IsNull } from 'typeorm';
import type { IdentityCardView } from '../contracts/auth.js';
import { Session, SsoConnection, Tenant, User, UserIdentity } from '../entities/index.js';
import { InvalidInput, InvariantViolated, NotFound } from '../errors.js';
import { can } from '../permissions/index.js';
import { getUser, lockUser, revokeUserSessions } from '../repositories/users.repository.js';
import { authorize, type ActorContext } from './context.js';
import { effectiveTenantRole } from './roles.js';
import type { ServiceDeps } from './deps.js';
import type { MailService } from './mail.service.js';
import type { SignInService } from './sign-in.service.js';
import { emailSignInAllowed } from './tenant-settings.service.js';

/**
 * What owners and managers do about another person's access (seed 000 "Monitoring access", seed
 * 001 "reset MFA and password-help flows for eligible tenant users"); managers only for members.
 */
export class UserAccessService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly signIn: SignInService,
    private readonly mail: MailService,
  ) {}

  /** SCIM id and externalId, linked SSO subjects, last sync, last sign-in. */
  async identityCard(actor: ActorContext, userId: string): Promise<IdentityCardView> {
    const em = this.deps.db.manager;
    const user = await getUser(em, actor.tenantId, userId);
    // A member may not see other accounts at all: for them another user's card does not exist.
    if (!can(actor, 'user:view', { userId: user.id, tenantRole: effectiveTenantRole(user) })) {
      throw new NotFound('user.not_found', 'No such user.');
    }
    const identities = await em.find(UserIdentity, {
      where: { tenantId: actor.tenantId, userId: user.id },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const connectionIds = [...new Set(identities.map((i) => i.connectionId))];
    const connections = connectionIds.length
      ? await em.find(SsoConnection, { where: { tenantId: actor.tenantId, id: In(connectionIds) } })
      : [];
    const names = new Map(connections.map((c) => [c.id, c.name]));
    const activeSessions = await em.count(Session, {
      where: { tenantId: actor.tenantId, userId: user.id, revokedAt: IsNull() },
    });
    return {
      userId: user.id,
      email: user.email,
      source: user.source,
      scim: {
        id: user.id,
        externalId: user.externalId,
        lastSyncedAt: user.lastSyncedAt?.toISOString() ?? null,
      },
      identities: identities.map((i) => ({
        connectionId: i.connectionId,
        connectionName: names.get(i.connectionId) ?? null,
        issuer: i.issuer,
        subject: i.subject,
        linkedAt: i.createdAt.toISOString(),
        lastUsedAt: i.lastUsedAt?.toISOString() ?? null,
      })),
      lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
      mfaEnabled: user.mfaEnabledAt !== null,
      // not-yet-expired rows: the policy is applied when a session is next used
      activeSessions,
    };
  }

  /** Ends every session of the user now (their next request is signed out). */
  async revokeSessions(actor: ActorContext, userId: string): Promise<{ revoked: number }> {
    return this.deps.db.transaction(async (tx) => {
      const user = await lockUser(tx, actor.tenantId, userId);
      authorize(actor, 'user:revokeSessions', { userId: user.id, tenantRole: effectiveTenantRole(user) });
      const revoked = await revokeUserSessions(
        tx,
        actor.tenantId,
        user.id,
        'revoked_by_admin',
        this.deps.clock,
      );
      await this.deps.audit.record(tx, actor, {
        action: 'user.sessions_revoked',
        targetType: 'user',
        targetId: user.id,
        change: { revoked },
      });
      return { revoked };
    });
  }

  /** Seed 001: a manager resets the second factor of a member who lost their authenticator. */
  async resetMfa(actor: ActorContext, userId: string): Promise<{ reset: boolean }> {
    return this.deps.db.transaction(async (tx) => {
      const user = await lockUser(tx, actor.tenantId, userId);
      authorize(actor, 'user:resetMfa', { userId: user.id, tenantRole: effectiveTenantRole(user) });
      const had = user.mfaEnabledAt !== null || user.mfaSecretEncrypted !== null;
      await tx.update(User, { id: user.id }, { mfaSecretEncrypted: null, mfaEnabledAt: null });
      await this.deps.audit.record(tx, actor, {
        action: 'user.mfa_reset',
        targetType: 'user',
        targetId: user.id,
        change: { before: { mfaEnabled: user.mfaEnabledAt !== null }, after: { mfaEnabled: false } },
      });
      return { reset: had };
    });
  }

  /** Seed 001: help a user who "needs a new … path" in: a fresh 15-minute sign-in link by email. */
  async sendSignInLink(
    actor: ActorContext,
    userId: string,
    links: { publicUrl: string },
  ): Promise<{ sent: true; transport: 'smtp' | 'outbox' }> {
    const message = await this.deps.db.transaction(async (tx) => {
      const user = await lockUser(tx, actor.tenantId, userId);
      authorize(actor, 'user:sendSignInLink', { userId: user.id, tenantRole: effectiveTenantRole(user) });
      if (!user.active || !user.activatedAt) {
        throw new InvalidInput(
          'user.not_active',
          user.active
            ? 'This user has not accepted their invitation yet: resend it instead.'
            : 'This user is deactivated.',
        );
      }
      const tenant = await tx.findOneByOrFail(Tenant, { id: actor.tenantId });
      if (!emailSignInAllowed(tenant.settings)) {
        throw new InvariantViolated(
          'auth_methods.email_disabled',
          'This organisation does not allow email sign-in; its people sign in through SSO.',
        );
      }
      const issued = await this.signIn.issueEmailLink(tx, user, tenant, links.publicUrl, actor.ip ?? null);
      await this.deps.audit.record(tx, actor, {
        action: 'user.sign_in_link_sent',
        targetType: 'user',
        targetId: user.id,
        change: { to: user.email },
      });
      return issued;
    });
    await this.mail.dispatch([message]);
    return { sent: true, transport: this.mail.transport };
  }
}
