// SQLite's WAL is checkpointed by a worker thread (wal-checkpointer.ts), never inside a commit of
// the gateway's own connection: after a burst of writes the worker has copied every frame back while
// the WAL stayed far below the connection's own threshold, and closing the database ends the worker
// and leaves no WAL behind. Read from the wal-index (`-shm`) header, as SQLite lays it out
// (https://sqlite.org/walformat.html): mxFrame at byte 16, nBackfill at byte 96, native byte order.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/database.js';
import { SAFETY_NET_PAGES } from '../src/wal-checkpointer.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function walIndex(file: string): { mxFrame: number; nBackfill: number } {
  const shm = readFileSync(`${file}-shm`);
  return { mxFrame: shm.readUInt32LE(16), nBackfill: shm.readUInt32LE(96) };
}

describe('SQLite WAL checkpoints', () => {
  it('a burst of commits is checkpointed by the worker, not by the writing connection', async () => {
    const file = join(dir, 'burst.db');
    const db = await createDatabase({ url: file });
    const [setting] = (await db.dataSource.query('PRAGMA wal_autocheckpoint')) as Array<
      Record<string, number>
    >;
    expect(Object.values(setting ?? {})).toEqual([SAFETY_NET_PAGES]);
    await db.dataSource.query('CREATE TABLE burst (body TEXT NOT NULL)');
    // 200 commits of two 4 KB rows each: several hundred frames, well under the safety net.
    for (let i = 0; i < 200; i += 1) {
      await db.transaction((tx) =>
        tx.query('INSERT INTO burst (body) VALUES (?), (?)', ['x'.repeat(4000), 'y'.repeat(4000)]),
      );
    }
    // Left to itself the connection would not checkpoint below SAFETY_NET_PAGES: nBackfill would stay 0.
    let index = walIndex(file);
    expect(index.mxFrame).toBeGreaterThan(0);
    expect(index.mxFrame).toBeLessThan(SAFETY_NET_PAGES);
    for (let i = 0; i < 40 && index.nBackfill < index.mxFrame; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      index = walIndex(file);
    }
    expect(index.nBackfill).toBeGreaterThan(0);
    expect(index.nBackfill).toBe(index.mxFrame);
    await db.close();
    // The last connection to close checkpoints and removes the WAL: the worker's ended first.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
