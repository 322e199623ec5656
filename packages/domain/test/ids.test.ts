import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { newId } from '../src/crypto.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millisOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('row ids', () => {
  afterEach(() => vi.useRealTimers());

  it('are RFC 9562 version 7 UUIDs that the API contracts accept', () => {
    for (let i = 0; i < 1_000; i += 1) {
      const id = newId();
      expect(id).toMatch(V7);
      expect(z.uuid().safeParse(id).success).toBe(true);
    }
  });

  it('carry the time they were made, so later ids sort after earlier ones', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00.000Z'));
    const first = newId();
    vi.setSystemTime(new Date('2026-12-06T10:00:00.001Z'));
    const second = newId();
    expect(millisOf(first)).toBe(Date.parse('2026-12-06T10:00:00.000Z'));
    expect(first < second).toBe(true);
  });

  it('made in one millisecond, sort in the order they were made', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00.000Z'));
    for (let round = 0; round < 50; round += 1) {
      const ids = Array.from({ length: 2_000 }, () => newId());
      expect(ids.every((id) => millisOf(id) === Date.now())).toBe(true);
      expect([...ids].sort()).toEqual(ids);
      vi.setSystemTime(Date.now() + 1);
    }
  });

  it('never repeat, across many pool refills', () => {
    const ids = new Set(Array.from({ length: 100_000 }, () => newId()));
    expect(ids.size).toBe(100_000);
  });
});
