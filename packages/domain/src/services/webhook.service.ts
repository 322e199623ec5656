import { createHmac, randomInt } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditEvent, IntegrationSetting, WebhookDelivery } from '../entities/index.js';
import { newId } from '../crypto.js';
import type { Clock } from '../clock.js';
import type { AuditRecordHook } from './audit.js';
import type { ServiceDeps } from './deps.js';

// The audit webhook's delivery side. Every audit record of a tenant whose webhook is enabled is queued
// as a WebhookDelivery row in the record's own transaction (an event and its delivery commit or fail
// together); a worker in any replica claims due rows from the shared database, POSTs them signed, and
// retries failures with exponential backoff and jitter. Receivers may see an event more than once (a
// replica that dies mid-POST is retried after its lease) and out of order under retries: dedupe by
// `X-Gatehouse-Delivery` and order by the event's `seq`.

export const SIGNATURE_HEADER = 'X-Gatehouse-Signature';

export interface WebhookPolicy {
  /** Give up (status `failed`) after this many attempts. */
  maxAttempts: number;
  /** First retry delay; doubles per attempt up to `maxDelayMs`, each with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed delivery is reserved for its worker; after that any replica may retry it. */
  leaseMs: number;
  timeoutMs: number;
  batchSize: number;
}

export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = {
  maxAttempts: 8,
  baseDelayMs: 5_000,
  maxDelayMs: 60 * 60_000,
  leaseMs: 60_000,
  timeoutMs: 10_000,
  batchSize: 20,
};

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`: receivers recompute and compare. */
export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random, so retries spread out. */
export function retryDelayMs(
  attempt: number,
  policy: Pick<WebhookPolicy, 'baseDelayMs' | 'maxDelayMs'>,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const half = Math.floor(ceiling / 2);
  return half + randomInt(0, half + 1);
}

/**
 * The AuditLog hook: queues every record of an append for delivery when the tenant's webhook is on
 * (asked with the chain head's read, so a write of a tenant without one costs no statement here;
 * one INSERT for all the records when it is on).
 */
export function queueAuditWebhook(clock: Clock): AuditRecordHook {
  return {
    when: `EXISTS (SELECT 1 FROM integration_settings s WHERE s.tenant_id = h.tenant_id AND s.kind = 'audit_webhook' AND s.enabled = TRUE)`,
    run: async (tx, events) => {
      const tenantId = events[0]?.tenantId;
      if (tenantId === undefined) return;
      const now = clock.now();
      await tx.insert(
        WebhookDelivery,
        events.map((event) => ({
          id: newId(),
          tenantId,
          auditEventId: event.id,
          status: 'pending' as const,
          attempts: 0,
          nextAttemptAt: now,
          deliveredAt: null,
          lastStatus: null,
          lastError: null,
          createdAt: now,
        })),
      );
    },
  };
}

/** What one POST to a receiver came to. */
export interface PostOutcome {
  delivered: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** The JSON an audit event is delivered as (the record, hash included, so receivers can chain-check). */
export function auditEventPayload(event: AuditEvent, deliveryId: string): Record<string, unknown> {
  return {
    type: 'audit.event',
    deliveryId,
    tenantId: event.tenantId,
    event: {
      id: event.id,
      seq: event.seq,
      occurredAt: event.occurredAt.toISOString(),
      actor: { type: event.actorType, id: event.actorId, label: event.actorLabel },
      action: event.action,
      target: { type: event.targetType, id: event.targetId },
      teamId: event.teamId,
      change: event.change,
      ip: event.ip,
      prevHash: event.prevHash,
      hash: event.hash,
    },
  };
}

/** POSTs a signed JSON body; every failure is an outcome, never an exception. */
export async function postSigned(
  fetchImpl: typeof fetch,
  target: { url: string; secret: string },
  payload: Record<string, unknown>,
  headers: Record<string, string>,
  at: Date,
  timeoutMs: number,
): Promise<PostOutcome> {
  const body = JSON.stringify(payload);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await fetchImpl(target.url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Gatehouse-Webhook/1',
        [SIGNATURE_HEADER]: signWebhook(target.secret, body, at),
        ...headers,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    const delivered = res.status >= 200 && res.status < 300;
    return {
      delivered,
      status: res.status,
      error: delivered ? null : `The receiver answered HTTP ${res.status}.`,
      durationMs: elapsed(),
    };
  } catch (err) {
    return {
      delivered: false,
      status: null,
      error: describePostError(err, timeoutMs),
      durationMs: elapsed(),
    };
  }
}

/**
 * The `code` of the error a fetch that refuses private addresses puts in `cause` (the gateway's
 * outbound fetch), whose message then says why to whoever typed the URL.
 */
export const PRIVATE_ADDRESS_REFUSED = 'EPRIVATEADDRESS';

function describePostError(err: unknown, timeoutMs: number): string {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return `No answer within ${timeoutMs / 1000} seconds.`;
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  if (cause?.code === PRIVATE_ADDRESS_REFUSED && cause.message) return cause.message;
  const code = cause?.code;
  return code ? `The receiver could not be reached (${code}).` : 'The receiver could not be reached.';
}

interface Claimed {
  id: string;
  tenantId: string;
  auditEventId: string;
  /** Attempts including this one. */
  attempts: number;
}

/**
 * Claims due deliveries and delivers them. Claiming pushes `nextAttemptAt` out by a lease and counts
 * the attempt in one short transaction (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so replicas take
 * disjoint rows; SQLite: its single writer), then the POSTs run outside any transaction; each
 * outcome is written only if the row is still this claim's (same attempt count, still pending).
 */
export class WebhookDeliveryService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly policy: WebhookPolicy = DEFAULT_WEBHOOK_POLICY,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** One round: claim up to a batch of due deliveries and deliver them. Returns how many were tried. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim();
    await Promise.all(claimed.map((c) => this.deliver(c)));
    return claimed.length;
  }

  private async claim(): Promise<Claimed[]> {
    const now = this.deps.clock.now();
    const leaseUntil = new Date(now.getTime() + this.policy.leaseMs);
    if (this.deps.db.dialect === 'postgres') {
      const rows: Array<{ id: string; tenant_id: string; audit_event_id: string; attempts: number }> =
        await this.deps.db.transaction(async (tx) => {
          const [result] = (await tx.query(
            `UPDATE webhook_deliveries SET next_attempt_at = $1, attempts = attempts + 1
             WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $2
                          ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
             RETURNING id, tenant_id, audit_event_id, attempts`,
            [leaseUntil, now, this.policy.batchSize],
          )) as [Array<{ id: string; tenant_id: string; audit_event_id: string; attempts: number }>, number];
          return result;
        });
      return rows.map((r) => ({
        id: r.id,
        tenantId: r.tenant_id,
        auditEventId: r.audit_event_id,
        attempts: r.attempts,
      }));
    }
    return this.deps.db.transaction(async (tx) => {
      const due = await tx
        .createQueryBuilder(WebhookDelivery, 'd')
        .where('d.status = :pending AND d.nextAttemptAt <= :now', { pending: 'pending', now })
        .orderBy('d.nextAttemptAt', 'ASC')
        .limit(this.policy.batchSize)
        .getMany();
      for (const d of due) {
        await tx.update(
          WebhookDelivery,
          { id: d.id },
          { nextAttemptAt: leaseUntil, attempts: d.attempts + 1 },
        );
      }
      return due.map((d) => ({
        id: d.id,
        tenantId: d.tenantId,
        auditEventId: d.auditEventId,
        attempts: d.attempts + 1,
      }));
    });
  }

  private async deliver(claim: Claimed): Promise<void> {
    const em = this.deps.db.manager;
    const target = await webhookTarget(em, this.deps.secrets, claim.tenantId);
    const event = await em.findOneBy(AuditEvent, { tenantId: claim.tenantId, id: claim.auditEventId });
    if (!target || !event) {
      await this.settle(claim, {
        status: 'failed',
        lastError: target ? 'The audit event is gone.' : 'The webhook is off.',
      });
      return;
    }
    const outcome = await postSigned(
      this.fetchImpl,
      target,
      auditEventPayload(event, claim.id),
      { 'X-Gatehouse-Delivery': claim.id, 'X-Gatehouse-Event': 'audit.event' },
      this.deps.clock.now(),
      this.policy.timeoutMs,
    );
    const now = this.deps.clock.now();
    if (outcome.delivered) {
      await this.settle(claim, {
        status: 'delivered',
        deliveredAt: now,
        lastStatus: outcome.status,
        lastError: null,
      });
      return;
    }
    const exhausted = claim.attempts >= this.policy.maxAttempts;
    await this.settle(claim, {
      status: exhausted ? 'failed' : 'pending',
      nextAttemptAt: new Date(now.getTime() + retryDelayMs(claim.attempts, this.policy)),
      lastStatus: outcome.status,
      lastError: outcome.error,
    });
  }

  private async settle(claim: Claimed, changes: Partial<WebhookDelivery>): Promise<void> {
    await this.deps.db.transaction((tx) =>
      tx.update(WebhookDelivery, { id: claim.id, attempts: claim.attempts, status: 'pending' }, changes),
    );
  }
}

/** The tenant's enabled webhook with its signing secret opened, or null. */
export async function webhookTarget(
  em: EntityManager,
  secrets: ServiceDeps['secrets'],
  tenantId: string,
): Promise<{ url: string; secret: string } | null> {
  const setting = await em.findOneBy(IntegrationSetting, { tenantId, kind: 'audit_webhook', enabled: true });
  const url = setting?.config.url;
  if (!setting?.secretEncrypted || typeof url !== 'string') return null;
  return { url, secret: secrets.open(setting.secretEncrypted) };
}
