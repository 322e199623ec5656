// Tenant settings (seed 000 "Security configuration" and "Configuration and customization"). Owners
// and managers may look (`settings:view`); changing any of them is owner-only policy (seed 001).
import {
  AiProvidersBody,
  AiProvidersView,
  AuditWebhookBody,
  AuditWebhookView,
  AuthMethodsBody,
  AuthMethodsView,
  BrandingBody,
  BrandingView,
  FeatureFlagsBody,
  FeatureFlagsView,
  IpAllowlistBody,
  IpAllowlistView,
  SavedAuditWebhook,
  SessionPolicyBody,
  SessionPolicyView,
  UsageLimitBody,
  WebhookTestResult,
  type AuditWebhookView as AuditWebhookViewBody,
} from '@gatehouse/domain/contracts';
import type {
  AiProviderState,
  AuditWebhookState,
  AuthMethodsState,
  BrandingState,
  IpAllowlistState,
  Services,
  SessionPolicyState,
} from '@gatehouse/domain';
import { defineRoute, type Route } from '../http/define-route.js';

const TAG = 'settings';

export function settingsRoutes(services: Services): Route[] {
  return [
    ...securityPolicyRoutes(services),
    ...configurationRoutes(services),
    ...integrationRoutes(services),
  ];
}

function securityPolicyRoutes(services: Services): Route[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/settings/auth-methods',
        tag: TAG,
        summary: 'How people sign in: email, SSO, SSO required, second factor for owners',
        response: AuthMethodsView,
        action: 'settings:view',
      },
      async ({ actor }) => toAuthMethodsView(await services.tenantSettings.authMethods(actor)),
    ),
    defineRoute(
      {
        method: 'put',
        path: '/settings/auth-methods',
        tag: TAG,
        summary: 'Change the sign-in methods (SSO-only needs an enabled SSO connection)',
        body: AuthMethodsBody,
        response: AuthMethodsView,
        action: 'authMethods:edit',
      },
      async ({ actor, body }) =>
        toAuthMethodsView(await services.tenantSettings.updateAuthMethods(actor, body)),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/settings/session-policy',
        tag: TAG,
        summary: 'Idle timeout or fixed session duration, with the allowed bounds',
        response: SessionPolicyView,
        action: 'settings:view',
      },
      async ({ actor }) => toSessionPolicyView(await services.tenantSettings.sessionPolicy(actor)),
    ),
    defineRoute(
      {
        method: 'put',
        path: '/settings/session-policy',
        tag: TAG,
        summary: 'Set the session policy; it applies to existing sessions at once',
        body: SessionPolicyBody,
        response: SessionPolicyView,
        action: 'sessionPolicy:edit',
      },
      async ({ actor, body }) =>
        toSessionPolicyView(await services.tenantSettings.updateSessionPolicy(actor, body)),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/settings/ip-allowlist',
        tag: TAG,
        summary: 'The IP allowlist, with the caller’s current address and whether the list admits it',
        response: IpAllowlistView,
        action: 'settings:view',
      },
      async ({ actor }) => toIpAllowlistView(await services.ipAllowlist.list(actor)),
    ),
    defineRoute(
      {
        method: 'put',
        path: '/settings/ip-allowlist',
        tag: TAG,
        summary:
          'Replace the IP allowlist; a list that would lock the caller out needs "confirmLockout": true',
        body: IpAllowlistBody,
        response: IpAllowlistView,
        action: 'ipAllowlist:edit',
      },
      async ({ actor, body }) => {
        const { confirmLockout, ...list } = body;
        return toIpAllowlistView(await services.ipAllowlist.replace(actor, list, { confirmLockout }));
      },
    ),
  ];
}

function configurationRoutes(services: Services): Route[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/settings/feature-flags',
        tag: TAG,
        summary: 'Feature flags (custom object sharing, cases)',
        response: FeatureFlagsView,
        action: 'settings:view',
      },
      async ({ actor }) => ({ flags: await services.featureFlags.get(actor) }),
    ),
    defineRoute(
      {
        method: 'put',
        path: '/settings/feature-flags',
        tag: TAG,
        summary: 'Turn the named feature flags on or off; flags not named keep their value',
        body: FeatureFlagsBody,
        response: FeatureFlagsView,
        action: 'featureFlags:edit',
      },
      async ({ actor, body }) => ({ flags: await services.featureFlags.update(actor, body) }),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/settings/ai-providers',
        tag: TAG,
        summary: 'AI providers and allowed models; whether an API key is set, never the key',
        response: AiProvidersView,
        action: 'settings:view',
      },
      async ({ actor }) => ({ providers: (await services.aiProviders.list(actor)).map(toProviderView) }),
    ),
    defineRoute(
      {
        method: 'put',
        path: '/settings/ai-providers',
        tag: TAG,
        summary: 'Enable providers, choose models, set or remove API keys (write-only, stored encrypted)',
        body: AiProvidersBody,
        response: AiProvidersView,
        action: 'ai:edit',
      },
      async ({ actor, body }) => ({
        providers: (await services.aiProviders.update(actor, body)).map(toProviderView),
      }),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/settings/branding',
        tag: TAG,
        summary: 'Custom sender email and name, and the sign-in page’s login notice',
        response: BrandingView,
        action: 'settings:view',
      },
      async ({ actor }) => toBrandingView(await services.branding.get(actor)),
    ),
    defineRoute(
      {
        method: 'put',
        path: '/settings/branding',
        tag: TAG,
        summary: 'Set the sender email and name and the login notice',
        body: BrandingBody,
        response: BrandingView,
        action: 'branding:edit',
      },
      async ({ actor, body }) => toBrandingView(await services.branding.update(actor, body)),
    ),
    defineRoute(
      {
        method: 'put',
        path: '/settings/usage-limit',
        tag: TAG,
        summary: 'Set the tenant’s monthly event limit (null: unlimited); warnings come at 80% and 100%',
        body: UsageLimitBody,
        response: UsageLimitBody,
        action: 'usageLimit:edit',
      },
      async ({ actor, body }) => services.usage.setLimit(actor, body),
    ),
  ];
}

function integrationRoutes(services: Services): Route[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/settings/integrations/audit-webhook',
        tag: TAG,
        summary: 'The audit webhook: URL, switch, whether a secret is set, delivery counts',
        response: AuditWebhookView,
        action: 'settings:view',
      },
      async ({ actor }) => toWebhookView(await services.integrations.auditWebhook(actor)),
    ),
    defineRoute(
      {
        method: 'put',
        path: '/settings/integrations/audit-webhook',
        tag: TAG,
        summary:
          'Save the audit webhook; the first save (or rotateSecret) returns the HMAC signing secret, once',
        body: AuditWebhookBody,
        response: SavedAuditWebhook,
        action: 'integrations:edit',
      },
      async ({ actor, body }) => {
        const saved = await services.integrations.saveAuditWebhook(actor, body);
        return { ...toWebhookView(saved), secret: saved.secret };
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/settings/integrations/audit-webhook/test',
        tag: TAG,
        summary: 'Send a signed test event now and report the receiver’s answer',
        response: WebhookTestResult,
        action: 'integrations:edit',
      },
      async ({ actor }) => {
        const outcome = await services.integrations.testAuditWebhook(actor);
        return {
          delivered: outcome.delivered,
          status: outcome.status,
          error: outcome.error,
          durationMs: outcome.durationMs,
        };
      },
    ),
  ];
}

function toProviderView(p: AiProviderState) {
  return {
    provider: p.provider,
    enabled: p.enabled,
    allowedModels: p.allowedModels,
    apiKeySet: p.apiKeySet,
    updatedAt: p.updatedAt?.toISOString() ?? null,
  };
}

function toBrandingView(b: BrandingState) {
  return {
    senderEmail: b.senderEmail,
    senderName: b.senderName,
    loginNotice: b.loginNotice,
    updatedAt: b.updatedAt?.toISOString() ?? null,
  };
}

function toWebhookView(w: AuditWebhookState): AuditWebhookViewBody {
  return {
    configured: w.configured,
    url: w.url,
    enabled: w.enabled,
    secretSet: w.secretSet,
    updatedAt: w.updatedAt?.toISOString() ?? null,
    deliveries: {
      pending: w.deliveries.pending,
      delivered: w.deliveries.delivered,
      failed: w.deliveries.failed,
      lastDeliveredAt: w.deliveries.lastDeliveredAt?.toISOString() ?? null,
      lastError: w.deliveries.lastError,
    },
  };
}

function toAuthMethodsView(a: AuthMethodsState) {
  return { authMethods: a.authMethods, ssoRequired: a.ssoRequired, requireOwnerMfa: a.requireOwnerMfa };
}

function toSessionPolicyView(p: SessionPolicyState) {
  return {
    mode: p.mode,
    minutes: p.minutes,
    bounds: {
      idle: { min: p.bounds.idle.min, max: p.bounds.idle.max },
      fixed: { min: p.bounds.fixed.min, max: p.bounds.fixed.max },
    },
  };
}

function toIpAllowlistView(l: IpAllowlistState) {
  return {
    entries: l.entries.map((e) => ({ id: e.id, cidr: e.cidr, label: e.label, createdAt: e.createdAt })),
    enforceOnScim: l.enforceOnScim,
    currentIp: l.currentIp,
    currentIpAllowed: l.currentIpAllowed,
  };
}
