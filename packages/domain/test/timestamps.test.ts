// PostgreSQL's `timestamp` text read as UTC (database.ts parseUtcTimestamp) agrees with the Date
// parser it replaced, on every form PostgreSQL writes.
import { describe, expect, it } from 'vitest';
import { parseUtcTimestamp } from '../src/database.js';

const viaIso = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);

describe('PostgreSQL timestamps', () => {
  it.each([
    '2026-12-06 18:01:02',
    '2026-12-06 18:01:02.3',
    '2026-12-06 18:01:02.34',
    '2026-12-06 18:01:02.345',
    '2026-12-06 18:01:02.345678',
    '2024-02-29 23:59:59.999999',
    '1970-01-01 00:00:00',
    '0999-01-01 00:00:00',
    '0050-06-01 12:00:00',
    '9999-12-31 23:59:59.999',
    'infinity',
    '-infinity',
  ])('%s', (text) => {
    expect(parseUtcTimestamp(text).getTime()).toEqual(viaIso(text).getTime());
  });

  it('agrees with the Date parser on random instants, also those with microseconds', () => {
    for (let i = 0; i < 5_000; i += 1) {
      const at = new Date(Math.floor(Math.random() * 4_102_444_800_000));
      const micros = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
      const text = `${at.toISOString().slice(0, 23).replace('T', ' ')}${i % 2 ? micros : ''}`;
      expect(parseUtcTimestamp(text).getTime(), text).toBe(viaIso(text).getTime());
    }
  });
});
