import { BlockList, isIP } from 'node:net';
import type { EntityManager } from 'typeorm';
import { IpAllowlistEntry, Tenant } from '../entities/index.js';
import { newId } from '../crypto.js';
import { InvalidInput, InvariantViolated, PermissionDenied } from '../errors.js';
import { lockTenant } from '../repositories/tenants.repository.js';
import { insertRow } from '../repositories/write.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import type { RateLimiter } from './rate-limiter.js';
import type { ScimPrincipal, ScimTokenService } from './scim-token.service.js';

type Family = 'ipv4' | 'ipv6';

export interface IpRange {
  /** Normalised `address/prefix`. */
  cidr: string;
  address: string;
  prefix: number;
  family: Family;
}

export const MAX_ALLOWLIST_ENTRIES = 500;

/** An IPv4/IPv6 address or CIDR range, normalised to `address/prefix`; null when it is neither. */
export function parseIpRange(raw: string): IpRange | null {
  const [address = '', prefixText, ...rest] = raw.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  const normalised = address.toLowerCase();
  return {
    cidr: `${normalised}/${prefix}`,
    address: normalised,
    prefix,
    family: version === 4 ? 'ipv4' : 'ipv6',
  };
}

/** The client address as a family and address; IPv4-mapped IPv6 (`::ffff:203.0.113.7`) counts as IPv4. */
export function parseClientIp(ip: string | null | undefined): { address: string; family: Family } | null {
  if (!ip) return null;
  const bare = ip.replace(/%.*$/, ''); // an IPv6 zone id names the interface, not the host
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  const address = mapped?.[1] ?? bare;
  const version = isIP(address);
  if (version === 0) return null;
  return { address, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** An empty list admits everyone; otherwise only a known client address inside one of the ranges. */
export function rangesAdmit(ranges: readonly IpRange[], ip: string | null | undefined): boolean {
  if (ranges.length === 0) return true;
  const client = parseClientIp(ip);
  if (!client) return false;
  const list = new BlockList();
  for (const r of ranges) list.addSubnet(r.address, r.prefix, r.family);
  return list.check(client.address, client.family);
}

export interface IpAllowlistState {
  entries: Array<{ id: string; cidr: string; label: string | null; createdAt: string }>;
  enforceOnScim: boolean;
  /** The acting user's address, as the gateway saw it. */
  currentIp: string | null;
  currentIpAllowed: boolean;
}

export interface ReplaceIpAllowlist {
  entries: ReadonlyArray<{ cidr: string; label?: string | null }>;
  /** Enforce the list on SCIM requests too; unchanged when omitted. */
  enforceOnScim?: boolean;
}

// A denied request is audited at most this often per user and address, so a client retrying
// in a loop cannot flood the tenant's audit chain.
const DENIAL_AUDIT_INTERVAL_MS = 5 * 60_000;

/**
 * Seed 000 "Setting up access controls: This includes IP allowlists". Enforced at sign-in, on every
 * admin API request of a session, and on SCIM when the owner chooses.
 */
export class IpAllowlistService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly limiter: RateLimiter,
    private readonly scimTokens: Pick<ScimTokenService, 'forgetTenant'>,
  ) {}

  async list(actor: ActorContext): Promise<IpAllowlistState> {
    authorize(actor, 'settings:view');
    const em = this.deps.db.manager;
    const tenant = await em.findOneByOrFail(Tenant, { id: actor.tenantId });
    return this.stateOf(await entriesOf(em, actor.tenantId), tenant, actor.ip ?? null);
  }

  /**
   * Replaces the whole list. A list that would not admit the acting owner's own address is refused
   * unless `confirmLockout` — saving it ends their access from here on the next request.
   */
  async replace(
    actor: ActorContext,
    input: ReplaceIpAllowlist,
    opts: { confirmLockout?: boolean } = {},
  ): Promise<IpAllowlistState> {
    authorize(actor, 'ipAllowlist:edit');
    const wanted = validateEntries(input.entries);
    const ranges = wanted.map((w) => w.range);
    const currentIp = actor.ip ?? null;
    if (!opts.confirmLockout && !rangesAdmit(ranges, currentIp)) {
      throw new InvariantViolated(
        'ip_allowlist.would_lock_out',
        `This list does not include your current address (${currentIp ?? 'unknown'}): saving it would lock you out. Confirm to save it anyway.`,
        { currentIp },
      );
    }
    const state = await this.deps.db.transaction(async (tx) => {
      const tenant = await lockTenant(tx, actor.tenantId);
      const before = await entriesOf(tx, actor.tenantId);
      const now = this.deps.clock.now();
      await tx.delete(IpAllowlistEntry, { tenantId: actor.tenantId });
      const after: IpAllowlistEntry[] = [];
      for (const [index, w] of wanted.entries()) {
        const row: IpAllowlistEntry = {
          id: newId(),
          tenantId: actor.tenantId,
          cidr: w.range.cidr,
          label: w.label,
          createdBy: actor.kind === 'user' ? actor.userId : null,
          // a millisecond apart, so the list reads back in the order it was saved
          createdAt: new Date(now.getTime() + index),
        };
        await insertRow(tx, IpAllowlistEntry, row);
        after.push(row);
      }
      const enforceBefore = tenant.settings.ipAllowlistOnScim;
      const enforceAfter = input.enforceOnScim ?? enforceBefore;
      const settings = { ...tenant.settings, ipAllowlistOnScim: enforceAfter };
      if (enforceAfter !== enforceBefore) {
        await tx.update(Tenant, { id: tenant.id }, { settings, updatedAt: now });
      }
      await this.deps.audit.record(tx, actor, {
        action: 'ip_allowlist.replaced',
        targetType: 'tenant',
        targetId: actor.tenantId,
        change: {
          before: { entries: before.map((e) => e.cidr), enforceOnScim: enforceBefore },
          after: { entries: after.map((e) => e.cidr), enforceOnScim: enforceAfter },
          ...(opts.confirmLockout && !rangesAdmit(ranges, currentIp) ? { lockoutConfirmed: true } : {}),
        },
      });
      return this.stateOf(after, { ...tenant, settings }, currentIp);
    });
    // SCIM principals carry the flag (ScimTokenService caches them for a second per replica).
    this.scimTokens.forgetTenant(actor.tenantId);
    return state;
  }

  /** Whether `ip` may reach the tenant (sign-in, admin API). */
  async allows(tenantId: string, ip: string | null): Promise<boolean> {
    return rangesAdmit(await rangesOf(this.deps.db.manager, tenantId), ip);
  }

  /**
   * For the SCIM adapter: the list applies to SCIM only when the owner turned that on. The flag comes
   * with the token's principal, so the common case (off) costs no query; a change made on another
   * replica applies here within ScimTokenService's second of trust.
   */
  async allowsScim(
    principal: Pick<ScimPrincipal, 'tenantId' | 'ipAllowlistOnScim'>,
    ip: string | null,
  ): Promise<boolean> {
    if (!principal.ipAllowlistOnScim) return true;
    return this.allows(principal.tenantId, ip);
  }

  /**
   * The admin API's check on every request of a signed-in session (the actor carries the request's
   * address). A denial is audited (throttled) and thrown as `ip.not_allowed`.
   */
  async assertAllowed(actor: ActorContext): Promise<void> {
    if (await this.allows(actor.tenantId, actor.ip ?? null)) return;
    const who = actor.kind === 'user' ? actor.userId : actor.kind;
    const first = await this.limiter.hit(
      `ip-denied:${actor.tenantId}:${who}:${actor.ip ?? '-'}`,
      1,
      DENIAL_AUDIT_INTERVAL_MS,
    );
    if (first.allowed) {
      await this.deps.db.transaction((tx) =>
        this.deps.audit.record(tx, actor, {
          action: 'ip_allowlist.request_denied',
          targetType: 'tenant',
          targetId: actor.tenantId,
          change: { ip: actor.ip ?? null },
        }),
      );
    }
    throw new PermissionDenied(
      'ip.not_allowed',
      `Your network address (${actor.ip ?? 'unknown'}) is not on this organisation’s IP allowlist.`,
      { ip: actor.ip ?? null },
    );
  }

  private stateOf(entries: IpAllowlistEntry[], tenant: Tenant, currentIp: string | null): IpAllowlistState {
    const ranges = entries.map((e) => parseIpRange(e.cidr)).filter((r): r is IpRange => r !== null);
    return {
      entries: entries.map((e) => ({
        id: e.id,
        cidr: e.cidr,
        label: e.label,
        createdAt: e.createdAt.toISOString(),
      })),
      enforceOnScim: tenant.settings.ipAllowlistOnScim,
      currentIp,
      currentIpAllowed: rangesAdmit(ranges, currentIp),
    };
  }
}

function validateEntries(
  entries: ReplaceIpAllowlist['entries'],
): Array<{ range: IpRange; label: string | null }> {
  if (!Array.isArray(entries) || entries.length > MAX_ALLOWLIST_ENTRIES) {
    throw new InvalidInput(
      'ip_allowlist.too_many',
      `An allowlist holds at most ${MAX_ALLOWLIST_ENTRIES} entries.`,
    );
  }
  const seen = new Set<string>();
  const out: Array<{ range: IpRange; label: string | null }> = [];
  entries.forEach((entry, index) => {
    const range = typeof entry?.cidr === 'string' ? parseIpRange(entry.cidr) : null;
    if (!range) {
      throw new InvalidInput(
        'ip_allowlist.invalid_entry',
        `Entry ${index + 1} ("${String(entry?.cidr ?? '')}") is not an IPv4/IPv6 address or CIDR range.`,
        { index },
      );
    }
    const label =
      typeof entry.label === 'string' && entry.label.trim() ? entry.label.trim().slice(0, 200) : null;
    if (seen.has(range.cidr)) return;
    seen.add(range.cidr);
    out.push({ range, label });
  });
  return out;
}

async function entriesOf(em: EntityManager, tenantId: string): Promise<IpAllowlistEntry[]> {
  return em.find(IpAllowlistEntry, { where: { tenantId }, order: { createdAt: 'ASC', id: 'ASC' } });
}

async function rangesOf(em: EntityManager, tenantId: string): Promise<IpRange[]> {
  const rows = await em.find(IpAllowlistEntry, { where: { tenantId }, select: { cidr: true } });
  return rows.map((r) => parseIpRange(r.cidr)).filter((r): r is IpRange => r !== null);
}
