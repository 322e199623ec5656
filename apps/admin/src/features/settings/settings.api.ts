import type {
  AiProvidersBody,
  AiProvidersView,
  AuditWebhookBody,
  AuditWebhookView,
  CreateApiKeyBody,
  CreatedApiKey,
  ApiKeyList,
  UsageLimitBody,
  BrandingBody,
  BrandingView,
  FeatureFlagsBody,
  FeatureFlagsView,
  SavedAuditWebhook,
  WebhookTestResult,
} from '@gatehouse/domain/contracts';
import { route } from '../../shared/api/client';

/** Tenant-wide configuration (seed 000 "Configuration and customization"). */
export const settingsRoutes = {
  featureFlags: route<FeatureFlagsView>('GET', '/api/settings/feature-flags'),
  setFeatureFlags: route<FeatureFlagsView, { body: FeatureFlagsBody }>('PUT', '/api/settings/feature-flags'),
  aiProviders: route<AiProvidersView>('GET', '/api/settings/ai-providers'),
  setAiProviders: route<AiProvidersView, { body: AiProvidersBody }>('PUT', '/api/settings/ai-providers'),
  branding: route<BrandingView>('GET', '/api/settings/branding'),
  setBranding: route<BrandingView, { body: BrandingBody }>('PUT', '/api/settings/branding'),
  auditWebhook: route<AuditWebhookView>('GET', '/api/settings/integrations/audit-webhook'),
  setAuditWebhook: route<SavedAuditWebhook, { body: AuditWebhookBody }>(
    'PUT',
    '/api/settings/integrations/audit-webhook',
  ),
  testAuditWebhook: route<WebhookTestResult>('POST', '/api/settings/integrations/audit-webhook/test'),
  usageKeys: route<ApiKeyList>('GET', '/api/usage/keys'),
  createUsageKey: route<CreatedApiKey, { body: CreateApiKeyBody }>('POST', '/api/usage/keys'),
  revokeUsageKey: route<undefined, { params: { keyId: string } }>('DELETE', '/api/usage/keys/:keyId'),
  setUsageLimit: route<UsageLimitBody, { body: UsageLimitBody }>('PUT', '/api/settings/usage-limit'),
};
