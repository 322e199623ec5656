import type {
  AiProvidersBody,
  AuditWebhookBody,
  BrandingBody,
  FeatureFlagsBody,
} from '@gatehouse/domain/contracts';
import { defineStore } from 'pinia';
import { call } from '../../shared/api/client';
import { useResource } from '../../shared/composables/use-resource';
import { useSessionStore } from '../auth/session.store';
import { settingsRoutes } from './settings.api';

/** The settings area: feature flags, AI providers, branding and integrations. */
export const useSettingsStore = defineStore('settings', () => {
  const flags = useResource(() => call(settingsRoutes.featureFlags));
  const ai = useResource(() => call(settingsRoutes.aiProviders));
  const branding = useResource(() => call(settingsRoutes.branding));
  const webhook = useResource(() => call(settingsRoutes.auditWebhook));
  const session = useSessionStore();

  async function saveFlags(body: FeatureFlagsBody): Promise<void> {
    flags.set(await call(settingsRoutes.setFeatureFlags, { body }));
    // The flags widen team roles (cases) and sharing choices: /api/me carries them for can().
    await session.load();
  }

  async function saveAi(body: AiProvidersBody): Promise<void> {
    ai.set(await call(settingsRoutes.setAiProviders, { body }));
  }

  async function saveBranding(body: BrandingBody): Promise<void> {
    branding.set(await call(settingsRoutes.setBranding, { body }));
  }

  async function saveWebhook(body: AuditWebhookBody) {
    const saved = await call(settingsRoutes.setAuditWebhook, { body });
    // The secret is shown once by the caller; the store keeps the view, field by field, without it.
    const { configured, url, enabled, secretSet, updatedAt, deliveries } = saved;
    webhook.set({ configured, url, enabled, secretSet, updatedAt, deliveries });
    return saved;
  }

  const testWebhook = () => call(settingsRoutes.testAuditWebhook);

  const usageKeys = useResource(() => call(settingsRoutes.usageKeys));
  async function createUsageKey(name: string) {
    const created = await call(settingsRoutes.createUsageKey, { body: { name } });
    usageKeys.set({ items: [created.item, ...(usageKeys.data.value?.items ?? [])] });
    return created;
  }
  async function revokeUsageKey(keyId: string): Promise<void> {
    await call(settingsRoutes.revokeUsageKey, { params: { keyId } });
    await usageKeys.load();
  }
  const setUsageLimit = (monthlyEventLimit: number | null) =>
    call(settingsRoutes.setUsageLimit, { body: { monthlyEventLimit } });

  return {
    flags,
    ai,
    branding,
    webhook,
    usageKeys,
    saveFlags,
    saveAi,
    saveBranding,
    saveWebhook,
    testWebhook,
    createUsageKey,
    revokeUsageKey,
    setUsageLimit,
  };
});
