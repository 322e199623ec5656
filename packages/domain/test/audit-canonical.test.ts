// The audit chain's hash input (canonicalJson) must stay the same text byte for byte whatever its
// implementation: stored chains are verified by recomputing it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/services/audit.js';

/** The implementation the chains stored so far were hashed with. */
function hashedBefore(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(hashedBefore).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${hashedBefore(v)}`).join(',')}}`;
}

describe('canonicalJson', () => {
  it('writes any JSON value as the chains stored so far were hashed (keys in any script, escapes, nesting)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(hashedBefore(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves out undefined members and sorts keys by UTF-16 code units, integer-like keys too', () => {
    expect(canonicalJson({ b: 1, a: undefined, B: [true, null, 'é'], é: { z: 'x', '😀': 2, ａ: 3 } })).toBe(
      '{"B":[true,null,"é"],"b":1,"é":{"z":"x","😀":2,"ａ":3}}',
    );
    expect(canonicalJson({ b: 0, 10: 1, 9: 2, '': 3 })).toBe('{"":3,"10":1,"9":2,"b":0}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
  });
});
