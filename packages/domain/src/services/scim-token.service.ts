import { IsNull, Not } from 'typeorm';
import {
  CreateScimTokenInput,
  type CreateScimTokenInput as CreateScimTokenInputType,
} from '../contracts/inputs.js';
import { ScimToken, Tenant } from '../entities/index.js';
import { constantTimeEqual, newId, randomToken, sha256Hex } from '../crypto.js';
import { NotFound } from '../errors.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';

export const SCIM_TOKEN_PREFIX = 'ghs_';

/** How stale a token's `lastUsedAt` may get: the admin list shows minutes, not requests. */
const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * How long a replica trusts a token it has just resolved, with its tenant's SCIM IP policy. An IdP
 * sends bursts of requests with one token; a second of trust saves the queries on almost every one.
 * Revoking a token, or turning the IP allowlist on or off for SCIM, takes effect at once on this
 * replica (`revoke`, `forgetTenant`) and on other replicas within this time.
 */
const RESOLVED_TOKEN_TTL_MS = 1_000;
const RESOLVED_TOKEN_CACHE_SIZE = 1_000;
/** How long before its trust ends a token in use is read again, in the background. */
const REFRESH_AHEAD_MS = 200;

interface ResolvedToken {
  principal: ScimPrincipal;
  lastUsedAt: number;
  trustedUntil: number;
}

export interface ScimPrincipal {
  tenantId: string;
  tokenId: string;
  label: string;
  /** The tenant's `settings.ipAllowlistOnScim` when the token was resolved (IpAllowlistService.allowsScim). */
  ipAllowlistOnScim: boolean;
}

/** Named SCIM bearer tokens: several per tenant, stored hashed, shown once, revocable. */
export class ScimTokenService {
  private readonly resolved = new Map<string, ResolvedToken>();
  private readonly resolving = new Map<string, Promise<ResolvedToken | null>>();

  constructor(private readonly deps: ServiceDeps) {}

  async create(
    actor: ActorContext,
    raw: CreateScimTokenInputType,
  ): Promise<{ token: string; record: ScimToken }> {
    const { name } = parseInput(CreateScimTokenInput, raw);
    authorize(actor, 'scim:manage');
    const token = randomToken(SCIM_TOKEN_PREFIX);
    return this.deps.db.transaction(async (tx) => {
      const record = tx.create(ScimToken, {
        id: newId(),
        tenantId: actor.tenantId,
        name,
        tokenHash: sha256Hex(token),
        prefix: token.slice(0, 10),
        createdBy: actor.kind === 'user' ? actor.userId : null,
        createdAt: this.deps.clock.now(),
        lastUsedAt: null,
        revokedAt: null,
      });
      await tx.insert(ScimToken, record);
      await this.deps.audit.record(tx, actor, {
        action: 'scim_token.created',
        targetType: 'scim_token',
        targetId: record.id,
        change: { after: { name, prefix: record.prefix } },
      });
      return { token, record };
    });
  }

  async list(actor: ActorContext): Promise<ScimToken[]> {
    authorize(actor, 'scim:manage');
    return this.deps.db.manager.find(ScimToken, {
      where: { tenantId: actor.tenantId },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  async revoke(actor: ActorContext, tokenId: string): Promise<void> {
    authorize(actor, 'scim:manage');
    await this.deps.db.transaction(async (tx) => {
      const record = await tx.findOne(ScimToken, {
        where: { tenantId: actor.tenantId, id: tokenId, revokedAt: IsNull() },
      });
      if (!record) throw new NotFound('scim_token.not_found', 'No such SCIM token.');
      await tx.update(ScimToken, { id: record.id }, { revokedAt: this.deps.clock.now() });
      this.resolved.delete(record.tokenHash);
      await this.deps.audit.record(tx, actor, {
        action: 'scim_token.revoked',
        targetType: 'scim_token',
        targetId: record.id,
        change: { before: { name: record.name, prefix: record.prefix } },
      });
    });
  }

  /**
   * Resolves a bearer token to its tenant, or null; the stored hash is compared in constant time.
   * Last use is written at most once a minute per token, so IdP traffic does not turn reads into writes.
   */
  async authenticate(token: string): Promise<ScimPrincipal | null> {
    const hash = sha256Hex(token);
    const cached = this.resolved.get(hash);
    const now = performance.now();
    if (cached && cached.trustedUntil > now) {
      // A token in use is read again in the background just before its trust ends, so a busy IdP's
      // requests never wait for it; a revoked token is refused from the next request after that read.
      if (cached.trustedUntil - now < REFRESH_AHEAD_MS) void this.resolveOnce(hash).catch(() => undefined);
      await this.touch(cached);
      return cached.principal;
    }
    const entry = await this.resolveOnce(hash);
    if (!entry) return null;
    await this.touch(entry);
    return entry.principal;
  }

  /**
   * The tenant and name of a token that was revoked, or null: a request still bearing it is refused
   * as any unknown token is, and recorded in its tenant's provisioning log, so a sync that stopped
   * after a revocation shows why. Read only for a token `authenticate` refused.
   */
  async revokedPrincipal(
    token: string,
  ): Promise<Pick<ScimPrincipal, 'tenantId' | 'tokenId' | 'label'> | null> {
    const hash = sha256Hex(token);
    const record = await this.deps.db.manager.findOne(ScimToken, {
      select: { id: true, tenantId: true, name: true, tokenHash: true },
      where: { tokenHash: hash, revokedAt: Not(IsNull()) },
    });
    if (!record || !constantTimeEqual(record.tokenHash, hash)) return null;
    return { tenantId: record.tenantId, tokenId: record.id, label: record.name };
  }

  /**
   * An IdP sends dozens of requests at once: one of them reads the token and the others wait for
   * that answer instead of each querying the same rows.
   */
  private resolveOnce(hash: string): Promise<ResolvedToken | null> {
    let resolving = this.resolving.get(hash);
    if (!resolving) {
      resolving = this.resolve(hash).finally(() => this.resolving.delete(hash));
      this.resolving.set(hash, resolving);
    }
    return resolving;
  }

  private async resolve(hash: string): Promise<ResolvedToken | null> {
    const record = await this.deps.db.manager.findOne(ScimToken, {
      select: { id: true, tenantId: true, name: true, tokenHash: true, lastUsedAt: true },
      where: { tokenHash: hash, revokedAt: IsNull() },
    });
    if (!record || !constantTimeEqual(record.tokenHash, hash)) {
      this.resolved.delete(hash);
      return null;
    }
    const tenant = await this.deps.db.manager.findOne(Tenant, {
      select: { id: true, settings: true },
      where: { id: record.tenantId },
    });
    const entry: ResolvedToken = {
      principal: {
        tenantId: record.tenantId,
        tokenId: record.id,
        label: record.name,
        ipAllowlistOnScim: tenant?.settings.ipAllowlistOnScim ?? false,
      },
      lastUsedAt: record.lastUsedAt?.getTime() ?? 0,
      trustedUntil: performance.now() + RESOLVED_TOKEN_TTL_MS,
    };
    if (this.resolved.size >= RESOLVED_TOKEN_CACHE_SIZE) this.resolved.clear();
    this.resolved.set(hash, entry);
    return entry;
  }

  /** The tenant's SCIM policy changed: its tokens are resolved afresh on their next request here. */
  forgetTenant(tenantId: string): void {
    for (const [hash, entry] of this.resolved) {
      if (entry.principal.tenantId === tenantId) this.resolved.delete(hash);
    }
  }

  /** Records last use at most once a minute per token. */
  private async touch(entry: ResolvedToken): Promise<void> {
    const now = this.deps.clock.now();
    if (now.getTime() - entry.lastUsedAt < LAST_USED_RESOLUTION_MS) return;
    entry.lastUsedAt = now.getTime();
    await this.deps.db.transaction((tx) =>
      tx.update(ScimToken, { id: entry.principal.tokenId }, { lastUsedAt: now }),
    );
  }
}
