import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../src/contracts/auth.js';

describe('safeReturnTo', () => {
  it.each([
    ['/teams', '/teams'],
    ['/users?status=active#top', '/users?status=active#top'],
    ['/a/../b', '/b'],
  ])('keeps the same-origin path %j as %j', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });

  it.each([
    'https://evil.example/',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    'javascript:alert(1)',
    'evil.example',
    '/.//evil.example',
    '',
    undefined,
    42,
    `/${'a'.repeat(2000)}`,
  ])('sends %j home', (input) => {
    expect(safeReturnTo(input)).toBe('/');
  });

  it('whatever the input, the answer is a path on our own origin', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.string().map((s) => `/${s}`),
        ),
        (input) => {
          const out = safeReturnTo(input);
          expect(out.startsWith('/')).toBe(true);
          expect(out.startsWith('//')).toBe(false);
          expect(out).not.toMatch(/\\/);
          expect(new URL(out, 'https://gatehouse.test').origin).toBe('https://gatehouse.test');
        },
      ),
    );
  });
});
