import type { EntityManager } from 'typeorm';
import {
  AuditWebhookBody,
  type AuditWebhookBody as AuditWebhookBodyType,
} from '../contracts/integrations.js';
import { IntegrationSetting, WebhookDelivery } from '../entities/index.js';
import { newId, randomToken } from '../crypto.js';
import { InvalidInput } from '../errors.js';
import { uniquely } from '../repositories/write.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';
import { DEFAULT_WEBHOOK_POLICY, postSigned, type PostOutcome } from './webhook.service.js';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

export interface DeliveryStats {
  pending: number;
  delivered: number;
  failed: number;
  lastDeliveredAt: Date | null;
  lastError: string | null;
}

export interface AuditWebhookState {
  configured: boolean;
  url: string | null;
  enabled: boolean;
  secretSet: boolean;
  updatedAt: Date | null;
  deliveries: DeliveryStats;
}

/**
 * Seed 000 "Integration settings: Configuring how Tines connects with your other tools": the audit
 * webhook. Its HMAC secret is generated here, sealed with the instance key and shown once.
 */
export class IntegrationService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async auditWebhook(actor: ActorContext): Promise<AuditWebhookState> {
    authorize(actor, 'settings:view');
    return this.state(this.deps.db.manager, actor.tenantId);
  }

  /** Saves URL and switch; the first save, or `rotateSecret`, issues a new secret (returned once). */
  async saveAuditWebhook(
    actor: ActorContext,
    raw: AuditWebhookBodyType,
  ): Promise<AuditWebhookState & { secret: string | null }> {
    const input = parseInput(AuditWebhookBody, raw);
    authorize(actor, 'integrations:edit');
    return this.deps.db.transaction(async (tx) => {
      const current = await findSetting(tx, actor.tenantId);
      const secret =
        !current?.secretEncrypted || input.rotateSecret ? randomToken(WEBHOOK_SECRET_PREFIX) : null;
      const now = this.deps.clock.now();
      const fields = {
        enabled: input.enabled,
        config: { url: input.url },
        secretEncrypted: secret ? this.deps.secrets.seal(secret) : (current?.secretEncrypted ?? null),
        updatedAt: now,
      };
      if (current) await tx.update(IntegrationSetting, { id: current.id }, fields);
      else {
        await uniquely(
          () =>
            tx.insert(IntegrationSetting, {
              id: newId(),
              tenantId: actor.tenantId,
              kind: 'audit_webhook',
              ...fields,
            }),
          'integration.concurrent_update',
          'The webhook was saved at the same time elsewhere; reload and try again.',
        );
      }
      await this.deps.audit.record(tx, actor, {
        action: 'integration.audit_webhook_saved',
        targetType: 'integration',
        targetId: actor.tenantId,
        change: {
          ...(current ? { before: { url: current.config.url ?? null, enabled: current.enabled } } : {}),
          after: { url: input.url, enabled: input.enabled },
          secretIssued: secret !== null,
        },
      });
      return { ...(await this.state(tx, actor.tenantId)), secret };
    });
  }

  /** Sends a signed `webhook.test` event now (not queued) and reports what the receiver answered. */
  async testAuditWebhook(actor: ActorContext): Promise<PostOutcome> {
    authorize(actor, 'integrations:edit');
    const setting = await findSetting(this.deps.db.manager, actor.tenantId);
    const url = setting?.config.url;
    if (!setting?.secretEncrypted || typeof url !== 'string') {
      throw new InvalidInput('integration.not_configured', 'Save the webhook URL before sending a test.');
    }
    const target = { url, secret: this.deps.secrets.open(setting.secretEncrypted) };
    const now = this.deps.clock.now();
    const deliveryId = newId();
    return postSigned(
      this.fetchImpl,
      target,
      { type: 'webhook.test', deliveryId, tenantId: actor.tenantId, sentAt: now.toISOString() },
      { 'X-Gatehouse-Delivery': deliveryId, 'X-Gatehouse-Event': 'webhook.test' },
      now,
      DEFAULT_WEBHOOK_POLICY.timeoutMs,
    );
  }

  private async state(em: EntityManager, tenantId: string): Promise<AuditWebhookState> {
    const setting = await findSetting(em, tenantId);
    const url = setting?.config.url;
    return {
      configured: setting !== null,
      url: typeof url === 'string' ? url : null,
      enabled: setting?.enabled ?? false,
      secretSet: Boolean(setting?.secretEncrypted),
      updatedAt: setting?.updatedAt ?? null,
      deliveries: await deliveryStats(em, tenantId),
    };
  }
}

function findSetting(em: EntityManager, tenantId: string): Promise<IntegrationSetting | null> {
  return em.findOneBy(IntegrationSetting, { tenantId, kind: 'audit_webhook' });
}

/** idx_webhook_deliveries_tenant_status serves the counts and both "latest" lookups. */
async function deliveryStats(em: EntityManager, tenantId: string): Promise<DeliveryStats> {
  const counts: Array<{ status: string; n: string | number }> = await em
    .createQueryBuilder(WebhookDelivery, 'd')
    .select('d.status', 'status')
    .addSelect('COUNT(*)', 'n')
    .where('d.tenantId = :tenantId', { tenantId })
    .groupBy('d.status')
    .getRawMany();
  const count = (status: string) => Number(counts.find((c) => c.status === status)?.n ?? 0);
  const delivered = await em.findOne(WebhookDelivery, {
    where: { tenantId, status: 'delivered' },
    order: { createdAt: 'DESC' },
  });
  const failing = await em
    .createQueryBuilder(WebhookDelivery, 'd')
    .where('d.tenantId = :tenantId AND d.lastError IS NOT NULL', { tenantId })
    .andWhere('d.status IN (:...open)', { open: ['pending', 'failed'] })
    .orderBy('d.createdAt', 'DESC')
    .getOne();
  return {
    pending: count('pending'),
    delivered: count('delivered'),
    failed: count('failed'),
    lastDeliveredAt: delivered?.deliveredAt ?? null,
    lastError: failing?.lastError ?? null,
  };
}
