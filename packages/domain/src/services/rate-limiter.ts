import { LessThan } from 'typeorm';
import { RateLimitCounter } from '../entities/index.js';
import { sha256Hex } from '../crypto.js';
import type { ServiceDeps } from './deps.js';

export interface RateLimitVerdict {
  allowed: boolean;
  /** Hits in the current window, this one included. */
  count: number;
  limit: number;
  /** Seconds until the window ends (the Retry-After of a refusal). */
  retryAfterSeconds: number;
}

// Keys end with the window start; the column holds 255 characters, so long subjects (a 320-character
// email) are hashed rather than cut, which could make two subjects share a budget.
const MAX_SUBJECT_LENGTH = 180;

/** How often a first hit in a window also sweeps expired counters (a sweep is one DELETE). */
const SWEEP_PROBABILITY = 0.02;

/**
 * Fixed-window counters in the database, shared by every gateway replica: a replica's memory would
 * let a client multiply its budget by the number of replicas.
 */
export class RateLimiter {
  constructor(private readonly deps: Pick<ServiceDeps, 'db' | 'clock'>) {}

  /** Counts one hit of `key` in the current window of `windowMs`; `allowed` while within `limit`. */
  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitVerdict> {
    const now = this.deps.clock.now().getTime();
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const expiresAt = new Date(windowStart + windowMs);
    const rowKey = `${subject(key)}@${windowStart}`;
    const count = await this.deps.db.transaction(async (tx) => {
      // Insert-if-absent, then increment under the row lock the UPDATE takes: concurrent hits on
      // PostgreSQL queue on that row instead of losing counts; SQLite has a single writer anyway.
      await tx
        .createQueryBuilder()
        .insert()
        .into(RateLimitCounter)
        .values({ key: rowKey, count: 0, expiresAt })
        .orIgnore()
        .execute();
      await tx
        .createQueryBuilder()
        .update(RateLimitCounter)
        .set({ count: () => '"count" + 1' })
        .where('key = :key', { key: rowKey })
        .execute();
      const row = await tx.findOneByOrFail(RateLimitCounter, { key: rowKey });
      if (row.count === 1 && Math.random() < SWEEP_PROBABILITY) {
        await tx.delete(RateLimitCounter, { expiresAt: LessThan(new Date(now)) });
      }
      return row.count;
    });
    return {
      allowed: count <= limit,
      count,
      limit,
      retryAfterSeconds: Math.max(1, Math.ceil((expiresAt.getTime() - now) / 1000)),
    };
  }

  /** Deletes counters whose window has ended. */
  async sweep(): Promise<number> {
    const result = await this.deps.db.transaction((tx) =>
      tx.delete(RateLimitCounter, { expiresAt: LessThan(this.deps.clock.now()) }),
    );
    return result.affected ?? 0;
  }
}

function subject(key: string): string {
  return key.length <= MAX_SUBJECT_LENGTH ? key : `${key.slice(0, 40)}#${sha256Hex(key)}`;
}
