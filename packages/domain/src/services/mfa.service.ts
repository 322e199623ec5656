import { IsNull } from 'typeorm';
import { RecoveryCode, Tenant, User } from '../entities/index.js';
import { Conflict, InvalidInput, InvariantViolated, PermissionDenied } from '../errors.js';
import { lockUser } from '../repositories/users.repository.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RecoveryCodes } from './recovery-codes.js';
import { holdsAuthPolicy } from './sign-in.service.js';
import { generateTotpSecret, otpauthUrl, TOTP_STEP_SECONDS, TOTP_WINDOW, verifyTotp } from './totp.js';

type UserActor = Extract<ActorContext, { kind: 'user' }>;

/** A person's own second factor and break-glass codes; they act on their own account only. */
export class MfaService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly limiter: RateLimiter,
    private readonly recoveryCodes: RecoveryCodes,
  ) {}

  async status(actor: ActorContext): Promise<{ enabled: boolean; enabledAt: string | null }> {
    const self = ownAccount(actor);
    const user = await this.deps.db.manager.findOneByOrFail(User, {
      tenantId: self.tenantId,
      id: self.userId,
    });
    return { enabled: user.mfaEnabledAt !== null, enabledAt: user.mfaEnabledAt?.toISOString() ?? null };
  }

  /** Starts (or restarts) an enrolment: a new secret, active once `confirm` sees a code from it. */
  async enrol(actor: ActorContext): Promise<{ secret: string; otpauthUrl: string }> {
    const self = ownAccount(actor);
    const secret = generateTotpSecret();
    const { email, slug } = await this.deps.db.transaction(async (tx) => {
      const user = await lockUser(tx, self.tenantId, self.userId);
      if (user.mfaEnabledAt) {
        throw new Conflict('mfa.already_enabled', 'A second factor is already set up; turn it off first.');
      }
      await tx.update(User, { id: user.id }, { mfaSecretEncrypted: this.deps.secrets.seal(secret) });
      const tenant = await tx.findOneByOrFail(Tenant, { id: self.tenantId });
      return { email: user.email, slug: tenant.slug };
    });
    return { secret, otpauthUrl: otpauthUrl(secret, `${email} (${slug})`, 'Gatehouse') };
  }

  async confirm(actor: ActorContext, code: string): Promise<{ enabled: true }> {
    const self = ownAccount(actor);
    const user = await this.deps.db.manager.findOneByOrFail(User, {
      tenantId: self.tenantId,
      id: self.userId,
    });
    if (user.mfaEnabledAt) throw new Conflict('mfa.already_enabled', 'A second factor is already set up.');
    if (!user.mfaSecretEncrypted) throw new InvalidInput('mfa.not_enrolled', 'Start the set-up first.');
    await this.checkCode(user, code);
    await this.deps.db.transaction(async (tx) => {
      await tx.update(User, { id: user.id }, { mfaEnabledAt: this.deps.clock.now() });
      await this.deps.audit.record(tx, actor, {
        action: 'user.mfa_enabled',
        targetType: 'user',
        targetId: user.id,
      });
    });
    return { enabled: true };
  }

  /** Turning one's own factor off takes a current code, and is refused where the tenant requires it. */
  async disable(actor: ActorContext, code: string): Promise<{ enabled: false }> {
    const self = ownAccount(actor);
    const em = this.deps.db.manager;
    const user = await em.findOneByOrFail(User, { tenantId: self.tenantId, id: self.userId });
    if (!user.mfaEnabledAt || !user.mfaSecretEncrypted) {
      throw new InvalidInput('mfa.not_enabled', 'No second factor is set up.');
    }
    const tenant = await em.findOneByOrFail(Tenant, { id: self.tenantId });
    if (tenant.settings.requireOwnerMfa && holdsAuthPolicy(actor)) {
      throw new InvariantViolated(
        'mfa.required',
        'Your organisation requires owners to keep a second factor.',
      );
    }
    await this.checkCode(user, code);
    await this.deps.db.transaction(async (tx) => {
      await tx.update(User, { id: user.id }, { mfaEnabledAt: null, mfaSecretEncrypted: null });
      await this.deps.audit.record(tx, actor, {
        action: 'user.mfa_disabled',
        targetType: 'user',
        targetId: user.id,
      });
    });
    return { enabled: false };
  }

  /** Issue 5: recovery codes are "regenerable"; the old set stops working; shown once. */
  async regenerateRecoveryCodes(actor: ActorContext): Promise<{ codes: string[] }> {
    authorize(actor, 'authMethods:edit'); // the owners who hold break-glass (see holdsAuthPolicy)
    const self = ownAccount(actor);
    const codes = await this.deps.db.transaction(async (tx) => {
      await lockUser(tx, self.tenantId, self.userId);
      const issued = await this.recoveryCodes.issue(tx, this.deps.clock, self.tenantId, self.userId);
      await this.deps.audit.record(tx, actor, {
        action: 'user.recovery_codes_regenerated',
        targetType: 'user',
        targetId: self.userId,
        change: { count: issued.length },
      });
      return issued;
    });
    return { codes };
  }

  async recoveryCodesLeft(actor: ActorContext): Promise<{ remaining: number }> {
    const self = ownAccount(actor);
    const remaining = await this.deps.db.manager.count(RecoveryCode, {
      where: { tenantId: self.tenantId, userId: self.userId, usedAt: IsNull() },
    });
    return { remaining };
  }

  private async checkCode(user: User, code: string): Promise<void> {
    const step =
      typeof code === 'string' && user.mfaSecretEncrypted
        ? verifyTotp(this.deps.secrets.open(user.mfaSecretEncrypted), code.trim(), this.deps.clock.now())
        : null;
    if (step === null)
      throw new InvalidInput('mfa.invalid_code', 'That code is not right; try the current one.');
    const fresh = await this.limiter.hit(
      `totp-used:${user.id}:${step}`,
      1,
      (2 * TOTP_WINDOW + 2) * TOTP_STEP_SECONDS * 1000,
    );
    if (!fresh.allowed)
      throw new InvalidInput('mfa.code_reused', 'That code was just used; wait for the next one.');
  }
}

function ownAccount(actor: ActorContext): UserActor {
  if (actor.kind !== 'user') {
    throw new PermissionDenied(
      'permission.denied',
      'Only a signed-in person manages their own second factor.',
    );
  }
  return actor;
}
