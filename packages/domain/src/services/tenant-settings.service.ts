import {
  AUTH_METHODS,
  SESSION_POLICY_MODES,
  type AuthMethod,
  type SessionPolicyMode,
} from '../contracts/enums.js';
import { SsoConnection, Tenant, type TenantSettings } from '../entities/index.js';
import { InvalidInput, InvariantViolated } from '../errors.js';
import { lockTenant } from '../repositories/tenants.repository.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { SESSION_POLICY_BOUNDS } from './session.service.js';

export interface SessionPolicyState {
  mode: SessionPolicyMode;
  minutes: number;
  /** Allowed minutes per mode, for the form's inline validation. */
  bounds: typeof SESSION_POLICY_BOUNDS;
}

export interface AuthMethodsState {
  authMethods: AuthMethod[];
  ssoRequired: boolean;
  requireOwnerMfa: boolean;
}

/** Whether a tenant lets people sign in by email link (SSO required leaves only the owners' break-glass). */
export const emailSignInAllowed = (s: TenantSettings): boolean =>
  s.authMethods.includes('email') && !s.ssoRequired;

export const ssoSignInAllowed = (s: TenantSettings): boolean =>
  s.authMethods.includes('sso') || s.ssoRequired;

/** Seed 000 "Security configuration": how people sign in and for how long — owner-only policy (001). */
export class TenantSettingsService {
  constructor(private readonly deps: ServiceDeps) {}

  async get(actor: ActorContext): Promise<TenantSettings> {
    authorize(actor, 'settings:view');
    const tenant = await this.deps.db.manager.findOneByOrFail(Tenant, { id: actor.tenantId });
    return tenant.settings;
  }

  async sessionPolicy(actor: ActorContext): Promise<SessionPolicyState> {
    const settings = await this.get(actor);
    return { ...settings.sessionPolicy, bounds: SESSION_POLICY_BOUNDS };
  }

  async authMethods(actor: ActorContext): Promise<AuthMethodsState> {
    const { authMethods, ssoRequired, requireOwnerMfa } = await this.get(actor);
    return { authMethods, ssoRequired, requireOwnerMfa };
  }

  /**
   * Seed 000 "Managing session settings": an idle timeout or a fixed duration, within bounds. The
   * policy is read on every request, so the change applies to existing sessions at once.
   */
  async updateSessionPolicy(
    actor: ActorContext,
    input: { mode: SessionPolicyMode; minutes: number },
  ): Promise<SessionPolicyState> {
    authorize(actor, 'sessionPolicy:edit');
    if (!SESSION_POLICY_MODES.includes(input?.mode)) {
      throw new InvalidInput('session_policy.mode', 'Choose an idle timeout or a fixed duration.');
    }
    const bounds = SESSION_POLICY_BOUNDS[input.mode];
    if (!Number.isInteger(input.minutes) || input.minutes < bounds.min || input.minutes > bounds.max) {
      throw new InvalidInput(
        'session_policy.out_of_bounds',
        `A ${input.mode === 'idle' ? 'idle timeout' : 'fixed duration'} is between ${bounds.min} and ${bounds.max} minutes.`,
        { bounds },
      );
    }
    const sessionPolicy = { mode: input.mode, minutes: input.minutes };
    await this.deps.db.transaction(async (tx) => {
      const tenant = await lockTenant(tx, actor.tenantId);
      const before = tenant.settings.sessionPolicy;
      await tx.update(
        Tenant,
        { id: tenant.id },
        { settings: { ...tenant.settings, sessionPolicy }, updatedAt: this.deps.clock.now() },
      );
      await this.deps.audit.record(tx, actor, {
        action: 'tenant.session_policy_changed',
        targetType: 'tenant',
        targetId: tenant.id,
        change: { before, after: sessionPolicy },
      });
    });
    return { ...sessionPolicy, bounds: SESSION_POLICY_BOUNDS };
  }

  /**
   * Seed 000 "Configuring authentication": email, SSO or both; "SSO required" (owners keep a
   * break-glass by recovery code); second factor required for owners. A tenant is never left with
   * SSO as its only way in while it has no enabled SSO connection.
   */
  async updateAuthMethods(actor: ActorContext, input: AuthMethodsState): Promise<AuthMethodsState> {
    authorize(actor, 'authMethods:edit');
    const methods = [...new Set(input?.authMethods ?? [])];
    if (methods.length === 0 || methods.some((m) => !AUTH_METHODS.includes(m))) {
      throw new InvalidInput('auth_methods.invalid', 'Allow email, SSO or both.');
    }
    if (typeof input.ssoRequired !== 'boolean' || typeof input.requireOwnerMfa !== 'boolean') {
      throw new InvalidInput('auth_methods.invalid', 'ssoRequired and requireOwnerMfa are true or false.');
    }
    // "SSO required" means SSO is allowed, whatever the list says.
    const authMethods: AuthMethod[] =
      input.ssoRequired && !methods.includes('sso') ? [...methods, 'sso'] : methods;
    const next = { authMethods, ssoRequired: input.ssoRequired, requireOwnerMfa: input.requireOwnerMfa };
    await this.deps.db.transaction(async (tx) => {
      const tenant = await lockTenant(tx, actor.tenantId);
      const settings: TenantSettings = { ...tenant.settings, ...next };
      if (!emailSignInAllowed(settings)) {
        const connections = await tx.count(SsoConnection, {
          where: { tenantId: tenant.id, enabled: true },
        });
        if (connections === 0) {
          throw new InvariantViolated(
            'auth_methods.no_sso_connection',
            'Set up an SSO connection before making single sign-on the only way in.',
          );
        }
      }
      const before: AuthMethodsState = {
        authMethods: tenant.settings.authMethods,
        ssoRequired: tenant.settings.ssoRequired,
        requireOwnerMfa: tenant.settings.requireOwnerMfa,
      };
      await tx.update(Tenant, { id: tenant.id }, { settings, updatedAt: this.deps.clock.now() });
      await this.deps.audit.record(tx, actor, {
        action: 'tenant.auth_methods_changed',
        targetType: 'tenant',
        targetId: tenant.id,
        change: { before: { ...before }, after: { ...next } },
      });
    });
    return next;
  }
}
