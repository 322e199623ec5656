// PostgreSQL races made deterministic. A third connection holds a lock that the first write reaches
// once it has done the work the race is about; the second write starts once the first waits there,
// and both go on once the second waits too (for the same lock, or for a row the first holds).
import type { QueryRunner } from 'typeorm';
import { expect } from 'vitest';
import type { Database } from '../src/database.js';

/** What the third connection locks, inside its transaction. */
export type Hold = (q: QueryRunner) => Promise<void>;

/** The tenant's audit chain head: every write takes it last, just before its commit. */
export const auditHead =
  (tenantId: string): Hold =>
  async (q) => {
    const held = (await q.query('SELECT 1 FROM audit_chain_heads WHERE tenant_id = $1 FOR UPDATE', [
      tenantId,
    ])) as unknown[];
    expect(held).toHaveLength(1);
  };

/** Backends waiting, directly or through another waiter, for the backend `pid`. */
export async function waitingFor(db: Database, pid: number): Promise<number> {
  const [row] = (await db.dataSource.query(
    `WITH RECURSIVE waiting (pid) AS (
       SELECT pid FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))
       UNION SELECT a.pid FROM pg_stat_activity a JOIN waiting w ON w.pid = ANY (pg_blocking_pids(a.pid)))
     SELECT count(*) AS n FROM waiting`,
    [pid],
  )) as [{ n: string }];
  return Number(row.n);
}

/**
 * Runs `first`, then `second` once `first` waits on what `hold` locked, and lets both go on (the
 * holder rolls back) once `second` waits too.
 */
export async function race<A, B>(
  db: Database,
  hold: Hold,
  first: () => Promise<A>,
  second: () => Promise<B>,
): Promise<[A, B]> {
  const holder = db.dataSource.createQueryRunner();
  await holder.connect();
  await holder.startTransaction();
  try {
    const [{ pid }] = (await holder.query('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
    await hold(holder);
    const one = first();
    await expect.poll(() => waitingFor(db, pid), { timeout: 5000, interval: 20 }).toBe(1);
    const two = second();
    await expect.poll(() => waitingFor(db, pid), { timeout: 5000, interval: 20 }).toBe(2);
    await holder.rollbackTransaction();
    return [await one, await two];
  } finally {
    if (holder.isTransactionActive) await holder.rollbackTransaction();
    await holder.release();
  }
}
