import { IsNull } from 'typeorm';
import { CreateApiKeyBody } from '../contracts/usage.js';
import { ApiKey } from '../entities/index.js';
import { constantTimeEqual, newId, randomToken, sha256Hex } from '../crypto.js';
import { NotFound, Unauthenticated } from '../errors.js';
import { uniquely } from '../repositories/write.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';

export const API_KEY_PREFIX = 'ghk_';

/** What a valid API key stands for: its tenant, nothing more. */
export interface ApiKeyPrincipal {
  tenantId: string;
  keyId: string;
  name: string;
}

/** Usage reports are frequent; `lastUsedAt` is refreshed at most this often per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Tenant API keys for the workflow runtime (usage reports, egress checks): stored as SHA-256, shown
 * once, revocable; managed by owners (`usageKey:manage`).
 */
export class ApiKeyService {
  constructor(private readonly deps: ServiceDeps) {}

  async create(actor: ActorContext, raw: { name: string }): Promise<{ key: string; record: ApiKey }> {
    const { name } = parseInput(CreateApiKeyBody, raw);
    authorize(actor, 'usageKey:manage');
    const key = randomToken(API_KEY_PREFIX);
    return this.deps.db.transaction(async (tx) => {
      const record = tx.create(ApiKey, {
        id: newId(),
        tenantId: actor.tenantId,
        name,
        keyHash: sha256Hex(key),
        prefix: key.slice(0, 10),
        createdBy: actor.kind === 'user' ? actor.userId : null,
        createdAt: this.deps.clock.now(),
        lastUsedAt: null,
        revokedAt: null,
      });
      await uniquely(() => tx.insert(ApiKey, record), 'api_key.duplicate', 'Try again.');
      await this.deps.audit.record(tx, actor, {
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: record.id,
        change: { after: { name, prefix: record.prefix } },
      });
      return { key, record };
    });
  }

  async list(actor: ActorContext): Promise<ApiKey[]> {
    authorize(actor, 'usageKey:manage');
    return this.deps.db.manager.find(ApiKey, {
      where: { tenantId: actor.tenantId },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  async revoke(actor: ActorContext, keyId: string): Promise<void> {
    authorize(actor, 'usageKey:manage');
    await this.deps.db.transaction(async (tx) => {
      const record = await tx.findOne(ApiKey, {
        where: { tenantId: actor.tenantId, id: keyId, revokedAt: IsNull() },
      });
      if (!record) throw new NotFound('api_key.not_found', 'No such API key.');
      await tx.update(ApiKey, { id: record.id }, { revokedAt: this.deps.clock.now() });
      await this.deps.audit.record(tx, actor, {
        action: 'api_key.revoked',
        targetType: 'api_key',
        targetId: record.id,
        change: { before: { name: record.name, prefix: record.prefix } },
      });
    });
  }

  /** The tenant behind a presented key, or Unauthenticated; the stored hash is compared in constant time. */
  async authenticate(key: string): Promise<ApiKeyPrincipal> {
    const hash = sha256Hex(key);
    const record = await this.deps.db.manager.findOne(ApiKey, {
      where: { keyHash: hash, revokedAt: IsNull() },
    });
    if (!record || !constantTimeEqual(record.keyHash, hash)) {
      throw new Unauthenticated(
        'api_key.invalid',
        'Send a valid tenant API key as "Authorization: Bearer <key>".',
      );
    }
    const now = this.deps.clock.now();
    if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      await this.deps.db.transaction((tx) => tx.update(ApiKey, { id: record.id }, { lastUsedAt: now }));
    }
    return { tenantId: record.tenantId, keyId: record.id, name: record.name };
  }
}
