import {
  AI_PROVIDERS,
  AiProvidersBody,
  type AiProvider,
  type AiProvidersBody as AiProvidersBodyType,
} from '../contracts/settings.js';
import { AiProviderSetting } from '../entities/index.js';
import { newId } from '../crypto.js';
import { InvalidInput } from '../errors.js';
import { uniquely } from '../repositories/write.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';

/** A provider's settings as the API shows them: whether a key is stored, never the key. */
export interface AiProviderState {
  provider: AiProvider;
  enabled: boolean;
  allowedModels: string[];
  apiKeySet: boolean;
  updatedAt: Date | null;
}

/**
 * Seed 000 "AI settings: Deciding which AI providers and models are available to your teams". API
 * keys are sealed with the instance key (AES-256-GCM) and never leave the service.
 */
export class AiProviderService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(actor: ActorContext): Promise<AiProviderState[]> {
    authorize(actor, 'settings:view');
    return this.read(actor.tenantId);
  }

  async update(actor: ActorContext, raw: AiProvidersBodyType): Promise<AiProviderState[]> {
    const { providers } = parseInput(AiProvidersBody, raw);
    authorize(actor, 'ai:edit');
    const named = providers.map((p) => p.provider);
    if (new Set(named).size !== named.length) {
      throw new InvalidInput('ai.duplicate_provider', 'Name each provider once.');
    }
    return this.deps.db.transaction(async (tx) => {
      const now = this.deps.clock.now();
      const changes: Array<{ before: object | null; after: object }> = [];
      for (const input of providers) {
        const current = await tx.findOne(AiProviderSetting, {
          where: { tenantId: actor.tenantId, provider: input.provider },
        });
        const apiKeyEncrypted =
          input.apiKey === undefined
            ? (current?.apiKeyEncrypted ?? null)
            : input.apiKey === null
              ? null
              : this.deps.secrets.seal(input.apiKey);
        if (input.enabled && apiKeyEncrypted === null) {
          throw new InvalidInput('ai.key_required', `Add an API key before enabling ${input.provider}.`);
        }
        const next = {
          enabled: input.enabled,
          allowedModels: [...new Set(input.allowedModels)],
          apiKeyEncrypted,
        };
        if (current) await tx.update(AiProviderSetting, { id: current.id }, { ...next, updatedAt: now });
        else {
          await uniquely(
            () =>
              tx.insert(AiProviderSetting, {
                id: newId(),
                tenantId: actor.tenantId,
                provider: input.provider,
                ...next,
                updatedAt: now,
              }),
            'ai.concurrent_update',
            'The AI settings changed at the same time; reload and try again.',
          );
        }
        changes.push({
          before: current ? auditView(current) : null,
          after: {
            ...auditView({ provider: input.provider, ...next }),
            apiKeyReplaced: typeof input.apiKey === 'string',
          },
        });
      }
      await this.deps.audit.record(tx, actor, {
        action: 'ai_providers.changed',
        targetType: 'ai_provider',
        targetId: actor.tenantId,
        change: { providers: changes },
      });
      return this.read(actor.tenantId, tx);
    });
  }

  private async read(tenantId: string, em = this.deps.db.manager): Promise<AiProviderState[]> {
    const rows = await em.find(AiProviderSetting, { where: { tenantId } });
    const byProvider = new Map(rows.map((r) => [r.provider, r]));
    return AI_PROVIDERS.map((provider) => {
      const row = byProvider.get(provider);
      return {
        provider,
        enabled: row?.enabled ?? false,
        allowedModels: row?.allowedModels ?? [],
        apiKeySet: Boolean(row?.apiKeyEncrypted),
        updatedAt: row?.updatedAt ?? null,
      };
    });
  }
}

/** The audit's view: whether a key is stored, never the key (sealed or not). */
const auditView = (
  s: Pick<AiProviderSetting, 'provider' | 'enabled' | 'allowedModels' | 'apiKeyEncrypted'>,
) => ({
  provider: s.provider,
  enabled: s.enabled,
  allowedModels: s.allowedModels,
  apiKeySet: s.apiKeyEncrypted !== null,
});
