// What a replica remembers of a tenant's listings lasts a moment, and a tenant's own writes end it.
import { describe, expect, it } from 'vitest';
import { TenantMemo } from '../src/scim/repository/queries.js';

describe('TenantMemo', () => {
  it('keeps an entry for its time to live, per tenant, and forgets a tenant at once', () => {
    let now = 0;
    const memo = new TenantMemo<string>(10_000, 10, () => now);
    memo.set('t1', 'page 3', 'key-b');
    memo.set('t2', 'page 3', 'key-z');
    now = 9_999;
    expect(memo.get('t1', 'page 3')).toBe('key-b');
    memo.forget('t1');
    expect(memo.get('t1', 'page 3')).toBeUndefined();
    expect(memo.get('t2', 'page 3')).toBe('key-z');
    now = 10_000;
    // A write on another replica shows once the entry has expired.
    expect(memo.get('t2', 'page 3')).toBeUndefined();
  });

  it('keeps at most its bound per tenant, dropping the oldest first', () => {
    const memo = new TenantMemo<number>(10_000, 2, () => 0);
    memo.set('t', 'a', 1);
    memo.set('t', 'b', 2);
    memo.set('t', 'a', 3); // set again: now the newest
    memo.set('t', 'c', 4);
    expect([memo.get('t', 'a'), memo.get('t', 'b'), memo.get('t', 'c')]).toEqual([3, undefined, 4]);
  });
});
