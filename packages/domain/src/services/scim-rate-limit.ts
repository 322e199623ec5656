// Per-token SCIM rate limit on the shared `rate_limit_counters` table, so N gateway replicas do not
// give a token N budgets. Writing the shared row on every request would cost a write transaction per
// SCIM read; each replica instead adds its local count to the row every `syncEveryMs` (or sooner
// when the budget runs low) and decides from the last shared total plus what it has not yet written.
// The overshoot is bounded by one sync interval's traffic per replica.
import type { Clock } from '../clock.js';
import type { Database } from '../database.js';
import { Positional, positionalRows, rawRows } from '../repositories/positional.js';

export interface ScimRateLimitOptions {
  /** Requests per token per window. */
  limit: number;
  windowSeconds: number;
  syncEveryMs: number;
}

/** Generous: 100 requests per second per token sustained, well above what Entra ID or Okta send. */
export const DEFAULT_SCIM_RATE_LIMIT: ScimRateLimitOptions = {
  limit: 6_000,
  windowSeconds: 60,
  syncEveryMs: 250,
};

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface TokenWindow {
  window: number;
  shared: number;
  pending: number;
  lastSync: number;
  syncing?: Promise<void>;
}

export class ScimRateLimiter {
  private readonly windows = new Map<string, TokenWindow>();
  private lastSweep = 0;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    readonly options: ScimRateLimitOptions = DEFAULT_SCIM_RATE_LIMIT,
  ) {}

  /** Counts one request of `tokenId`; over the limit, says when the window ends (Retry-After). */
  async take(tokenId: string, cost = 1): Promise<RateDecision> {
    const now = this.clock.now().getTime();
    const windowMs = this.options.windowSeconds * 1000;
    const window = Math.floor(now / windowMs);
    let state = this.windows.get(tokenId);
    if (!state || state.window !== window) {
      state = { window, shared: 0, pending: 0, lastSync: 0 };
      this.windows.set(tokenId, state);
    }
    const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
    // A request counts when it arrives, refused or not (a fixed window). At most one write per token
    // per interval; requests arriving meanwhile decide from the last total plus what is not written.
    state.pending += cost;
    if (now - state.lastSync >= this.options.syncEveryMs) await this.trySync(tokenId, state, now);
    if (state.shared + state.pending <= this.options.limit) return { allowed: true };
    // Before refusing, write what this replica holds back and learn the real total.
    if (state.pending > 0) await this.trySync(tokenId, state, now);
    return state.shared + state.pending <= this.options.limit
      ? { allowed: true }
      : { allowed: false, retryAfterSeconds };
  }

  /**
   * A counter that cannot be written does not refuse requests: the limit protects the service, and
   * an unwritten count stays pending for the next sync.
   */
  private async trySync(tokenId: string, state: TokenWindow, now: number): Promise<void> {
    await this.sync(tokenId, state, now).catch(() => undefined);
  }

  /** Adds the pending count to the shared row and reads the total back (one statement). */
  private sync(tokenId: string, state: TokenWindow, now: number): Promise<void> {
    if (state.syncing) return state.syncing;
    const n = state.pending;
    state.pending = 0;
    state.lastSync = now;
    const windowMs = this.options.windowSeconds * 1000;
    const key = `scim:token:${tokenId}:${state.window}`;
    const expiresAt = new Date((state.window + 1) * windowMs);
    state.syncing = this.db
      .transaction(async (tx) => {
        // Positional: the count varies with every sync, and must not vary the statement's text.
        const p = new Positional(tx);
        const rows = await positionalRows<{ count: number | string }>(
          tx,
          `INSERT INTO rate_limit_counters (key, count, expires_at) VALUES (${p.add(key)}, ${p.add(n)}, ${p.time(expiresAt)})
           ON CONFLICT (key) DO UPDATE SET count = rate_limit_counters.count + excluded.count
           RETURNING count`,
          p.values,
        );
        state.shared = Number(rows[0]?.count ?? state.shared + n);
        if (now - this.lastSweep > windowMs) {
          this.lastSweep = now;
          await rawRows(
            tx,
            `DELETE FROM rate_limit_counters WHERE key LIKE 'scim:token:%' AND expires_at < :now`,
            {
              now: new Date(now),
            },
          );
        }
      })
      .catch((err: unknown) => {
        state.pending += n; // not written: counted again at the next sync
        throw err;
      })
      .finally(() => {
        state.syncing = undefined;
      });
    return state.syncing;
  }
}
