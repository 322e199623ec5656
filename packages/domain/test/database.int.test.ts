// Database.transaction: one transaction per call; on PostgreSQL, one that PostgreSQL aborted to break
// a deadlock (or for a serialization failure) runs again, and only its last run's writes remain.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitCounter } from '../src/entities/index.js';
import { Contention, InvalidInput } from '../src/errors.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';

describe.each(DATABASES)('Database.transaction on $name', (target) => {
  let t: OpenedDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(target);
  });
  afterAll(() => t.close());

  /** Two counters of their own (rate_limit_counters: no foreign keys), each at 0. */
  async function counters(): Promise<[string, string]> {
    const keys: [string, string] = [`a-${randomUUID()}`, `b-${randomUUID()}`];
    const expiresAt = new Date(Date.now() + 3_600_000);
    await t.db.transaction((tx) =>
      tx.insert(
        RateLimitCounter,
        keys.map((key) => ({ key, count: 0, expiresAt })),
      ),
    );
    return keys;
  }
  const countOf = async (key: string) =>
    (await t.db.manager.findOneByOrFail(RateLimitCounter, { key })).count;
  /** One more on the counter, its row locked until the transaction ends. */
  const bump = (tx: EntityManager, key: string) => tx.increment(RateLimitCounter, { key }, 'count', 1);

  /** A transaction that bumps a counter of its own and then throws `error()`, on every run. */
  async function alwaysFailing(error: () => Error) {
    const [key] = await counters();
    let runs = 0;
    const done = t.db.transaction(async (tx) => {
      runs += 1;
      await bump(tx, key);
      throw error();
    });
    await done.catch(() => undefined);
    return { done, runs, written: await countOf(key) };
  }

  it('a transaction that fails on its own error runs once and leaves nothing written', async () => {
    const { done, runs, written } = await alwaysFailing(() => new InvalidInput('test.refused', 'Refused.'));
    await expect(done).rejects.toBeInstanceOf(InvalidInput);
    expect(runs).toBe(1);
    expect(written).toBe(0);
  });

  if (target.name === 'postgres') {
    it('of two transactions that deadlock, the one PostgreSQL aborts runs again: both commit, once each', async () => {
      const [a, b] = await counters();
      let runs = 0;
      let aLocked!: () => void;
      let bLocked!: () => void;
      const aHeld = new Promise<void>((resolve) => (aLocked = resolve));
      const bHeld = new Promise<void>((resolve) => (bLocked = resolve));
      // Each takes its first row, waits until the other has its own, then asks for the other's.
      const first = t.db.transaction(async (tx) => {
        runs += 1;
        await bump(tx, a);
        aLocked();
        await bHeld;
        await bump(tx, b);
      });
      const second = t.db.transaction(async (tx) => {
        runs += 1;
        await aHeld;
        await bump(tx, b);
        bLocked();
        await bump(tx, a);
      });
      await Promise.all([first, second]);
      expect(runs).toBe(3);
      expect([await countOf(a), await countOf(b)]).toEqual([2, 2]);
    });

    it('a transaction that keeps failing serialization runs three times, then fails as Contention', async () => {
      // What the driver raises when PostgreSQL cannot serialize the transaction.
      const { done, runs, written } = await alwaysFailing(() =>
        Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' }),
      );
      await expect(done).rejects.toBeInstanceOf(Contention);
      await expect(done).rejects.toMatchObject({
        code: 'database.contention',
        details: { retryAfterSeconds: 1 },
      });
      expect(runs).toBe(3);
      expect(written).toBe(0);
    });
  }
});
