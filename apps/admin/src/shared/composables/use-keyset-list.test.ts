import { describe, expect, it } from 'vitest';
import { useKeysetList, type KeysetPage } from './use-keyset-list';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('useKeysetList', () => {
  it('appends the next page with the cursor the last page gave', async () => {
    const asked: Array<string | null> = [];
    const list = useKeysetList<number, object>(async (_f, cursor) => {
      asked.push(cursor);
      return cursor ? { items: [3, 4], nextCursor: null } : { items: [1, 2], nextCursor: 'c2' };
    });

    await list.loadFirst({});
    await list.loadMore();

    expect(list.items.value).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([null, 'c2']);
    expect(list.nextCursor.value).toBeNull();
  });

  it('drops the answer to a superseded search, so an older result never shows last', async () => {
    const slow = deferred<KeysetPage<string>>();
    const list = useKeysetList<string, { q: string }>((f) =>
      f.q === 'a' ? slow.promise : Promise.resolve({ items: ['ada'], nextCursor: null }),
    );

    const first = list.loadFirst({ q: 'a' });
    await list.loadFirst({ q: 'ada' });
    slow.resolve({ items: ['alan', 'ada'], nextCursor: null });
    await first;

    expect(list.items.value).toEqual(['ada']);
  });

  it('keeps the loaded rows when a later page fails, with its own error to retry', async () => {
    const list = useKeysetList<number, object>(async (_f, cursor) => {
      if (cursor) throw new Error('offline');
      return { items: [1], nextCursor: 'c2' };
    });
    await list.loadFirst({});
    await list.loadMore();

    expect(list.items.value).toEqual([1]);
    expect(list.status.value).toBe('ready');
    expect(list.moreError.value).toBeInstanceOf(Error);
  });
});
