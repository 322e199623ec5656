// Group commit's promises to its callers: each item gets its own outcome, batches form from what
// waits, and no more than `inFlight` batches of one key run at once.
import { describe, expect, it } from 'vitest';
import { GroupCommit, type Outcome } from '../src/services/group-commit.js';

/** A run that records its batches and finishes each one when the test says so. */
function controlled() {
  const batches: Array<{ key: string; items: number[]; finish(): void }> = [];
  let active = 0;
  let mostActive = 0;
  const run = (key: string, items: number[]) =>
    new Promise<Array<Outcome<number>>>((resolve) => {
      active += 1;
      mostActive = Math.max(mostActive, active);
      batches.push({
        key,
        items,
        finish: () => {
          active -= 1;
          resolve(
            items.map((i) =>
              i < 0 ? { ok: false, error: new Error(`bad ${i}`) } : { ok: true, value: i * 10 },
            ),
          );
        },
      });
    });
  return { batches, run, mostActive: () => mostActive };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('runs what waits as the next batch, one at a time by default, and settles each item alone', async () => {
    const c = controlled();
    const commit = new GroupCommit(c.run);
    const first = commit.submit('t', 1);
    await turn();
    const later = [commit.submit('t', 2), commit.submit('t', -3), commit.submit('t', 4)];
    await turn();
    expect(c.batches.map((b) => b.items)).toEqual([[1]]);
    c.batches[0]?.finish();
    await expect(first).resolves.toBe(10);
    await turn();
    expect(c.batches.map((b) => b.items)).toEqual([[1], [2, -3, 4]]);
    c.batches[1]?.finish();
    const settled = await Promise.allSettled(later);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : String(s.reason)))).toEqual([
      20,
      'Error: bad -3',
      40,
    ]);
    expect(c.mostActive()).toBe(1);
  });

  it('runs up to inFlight batches of one key at once, and other keys beside them', async () => {
    const c = controlled();
    const commit = new GroupCommit(c.run, { inFlight: 2 });
    const all = [commit.submit('a', 1)];
    await turn();
    all.push(commit.submit('a', 2));
    await turn();
    all.push(commit.submit('a', 3), commit.submit('a', 4), commit.submit('b', 5));
    await turn();
    // Two of key a running, the third waiting for either; key b not held up by them.
    expect(c.batches.map((b) => [b.key, b.items])).toEqual([
      ['a', [1]],
      ['a', [2]],
      ['b', [5]],
    ]);
    c.batches[1]?.finish();
    await turn();
    await turn();
    expect(c.batches.map((b) => b.items)).toEqual([[1], [2], [5], [3, 4]]);
    for (const b of c.batches) b.finish();
    await expect(Promise.all(all)).resolves.toEqual([10, 20, 30, 40, 50]);
    expect(c.mostActive()).toBe(3);
  });

  it('caps a batch at maxBatch items and gives a failed run’s error to each of its items', async () => {
    const runs: number[][] = [];
    const commit = new GroupCommit<number, number>(
      (_key, items) => {
        runs.push(items);
        return Promise.reject(new Error('the database went away'));
      },
      { maxBatch: 2 },
    );
    const settled = await Promise.allSettled([1, 2, 3].map((i) => commit.submit('t', i)));
    expect(runs).toEqual([[1, 2], [3]]);
    expect(settled.every((s) => s.status === 'rejected' && String(s.reason).includes('went away'))).toBe(
      true,
    );
  });
});
