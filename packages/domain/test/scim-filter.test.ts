import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../src/errors.js';
import type { AttrPath, CompValue, Filter } from '../src/scim/filter/ast.js';
import { COMPARE_OPS } from '../src/scim/filter/ast.js';
import { parseFilter, parsePatchPath } from '../src/scim/filter/parser.js';
import { printFilter, printPatchPath } from '../src/scim/filter/printer.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const cmp = (attr: string, op: string, value: CompValue, extra: Partial<AttrPath> = {}): Filter =>
  ({ type: 'compare', path: { attr, ...extra }, op, value }) as Filter;

function scimTypeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidInput) return (err.details as { scimType?: string }).scimType;
    throw err;
  }
  return undefined;
}

describe('SCIM filter grammar (RFC 7644 §3.4.2.2)', () => {
  it.each(COMPARE_OPS)('the %s operator compares an attribute with a value', (op) => {
    expect(parseFilter(`userName ${op} "bjensen"`)).toEqual(cmp('userName', op, 'bjensen'));
  });

  it('operators and keywords are case-insensitive', () => {
    expect(parseFilter('userName EQ "a" AND title Pr')).toEqual({
      type: 'and',
      left: cmp('userName', 'eq', 'a'),
      right: { type: 'present', path: { attr: 'title' } },
    });
  });

  it('values are strings, numbers, true, false and null', () => {
    expect(parseFilter('a eq true')).toEqual(cmp('a', 'eq', true));
    expect(parseFilter('a eq false')).toEqual(cmp('a', 'eq', false));
    expect(parseFilter('a eq null')).toEqual(cmp('a', 'eq', null));
    expect(parseFilter('a gt -1.5e2')).toEqual(cmp('a', 'gt', -150));
    expect(parseFilter('a eq "quote \\" and \\\\ unicode \\u00e9"')).toEqual(
      cmp('a', 'eq', 'quote " and \\ unicode é'),
    );
  });

  it('and binds tighter than or, not tighter than and', () => {
    expect(parseFilter('a pr or b pr and not (c pr)')).toEqual({
      type: 'or',
      left: { type: 'present', path: { attr: 'a' } },
      right: {
        type: 'and',
        left: { type: 'present', path: { attr: 'b' } },
        right: { type: 'not', filter: { type: 'present', path: { attr: 'c' } } },
      },
    });
  });

  it('parentheses group', () => {
    expect(parseFilter('(a pr or b pr) and c pr')).toMatchObject({ type: 'and', left: { type: 'or' } });
  });

  it('sub-attributes and URN-qualified attributes are attribute paths', () => {
    expect(parseFilter('name.familyName co "O\'Malley"')).toEqual(
      cmp('name', 'co', "O'Malley", { sub: 'familyName' }),
    );
    expect(parseFilter(`${ENTERPRISE}:manager.value eq "26118915"`)).toEqual(
      cmp('manager', 'eq', '26118915', { uri: ENTERPRISE, sub: 'value' }),
    );
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"')).toEqual(
      cmp('userName', 'sw', 'J', { uri: 'urn:ietf:params:scim:schemas:core:2.0:User' }),
    );
  });

  it('a value path filters the elements of a multi-valued attribute', () => {
    expect(parseFilter('emails[type eq "work" and value co "@example.com"]')).toEqual({
      type: 'valuePath',
      path: { attr: 'emails' },
      filter: { type: 'and', left: cmp('type', 'eq', 'work'), right: cmp('value', 'co', '@example.com') },
    });
  });

  it('Entra ID’s `emails[type eq "work"].value eq "…"` keeps the comparison after the bracket', () => {
    expect(parseFilter('emails[type eq "work"].value eq "a@b.c"')).toEqual({
      type: 'valuePath',
      path: { attr: 'emails' },
      filter: cmp('type', 'eq', 'work'),
      then: { sub: 'value', op: 'eq', value: 'a@b.c' },
    });
  });

  it.each([
    ['', 'empty'],
    ['userName', 'no operator'],
    ['userName eq', 'no value'],
    ['userName eq bjensen', 'unquoted string'],
    ['userName xx "a"', 'unknown operator'],
    ['userName eq "a" and', 'dangling and'],
    ['(userName eq "a"', 'unclosed parenthesis'],
    ['emails[type eq "work"', 'unclosed bracket'],
    ['emails[addresses[type eq "a"]]', 'nested value path'],
    ['userName eq "unterminated', 'unterminated string'],
    ['a.b.c eq "x"', 'two sub-attributes'],
    ['foo:bar eq "x"', 'not a URN'],
    ['userName eq "a" garbage', 'trailing text'],
    ['not userName eq "a"', 'not without parentheses'],
    [`${'('.repeat(200)}a pr${')'.repeat(200)}`, 'nested too deeply'],
    ['a eq 1e999', 'number out of range'],
    ['x'.repeat(5000), 'too long'],
  ])('%j is invalidFilter (%s)', (text) => {
    expect(scimTypeOf(() => parseFilter(text))).toBe('invalidFilter');
  });

  it('any string parses to a filter or is refused as invalidFilter, never anything else', () => {
    const pieces = fc.constantFrom(
      'userName',
      'emails',
      '[',
      ']',
      '(',
      ')',
      '.value',
      ' eq ',
      ' co ',
      ' pr',
      ' and ',
      ' or ',
      'not ',
      '"x"',
      '"',
      '\\',
      '1',
      '-',
      'true',
      'null',
      ' ',
      'urn:a:b:',
      ':',
      '$ref',
      'é',
      '\u0000',
    );
    const inputs = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.array(pieces, { maxLength: 25 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(inputs, (text) => {
        const scimType = scimTypeOf(() => parseFilter(text));
        return scimType === undefined || scimType === 'invalidFilter';
      }),
      { numRuns: 3000 },
    );
  });
});

// ---- Printer round trip ------------------------------------------------------------------------

const name = fc
  .stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/)
  .filter((n) => !/^(and|or|not|pr|eq|ne|co|sw|ew|gt|ge|lt|le|true|false|null)$/i.test(n));
const attrPath: fc.Arbitrary<AttrPath> = fc.record(
  { attr: name, sub: name, uri: fc.constantFrom(ENTERPRISE, 'urn:ietf:params:scim:schemas:core:2.0:User') },
  { requiredKeys: ['attr'] },
);
const value: fc.Arbitrary<CompValue> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
);
const op = fc.constantFrom(...COMPARE_OPS);
const leafOf = (path: fc.Arbitrary<AttrPath>): fc.Arbitrary<Filter> =>
  fc.oneof(
    fc.record({ type: fc.constant('compare' as const), path, op, value }),
    fc.record({ type: fc.constant('present' as const), path }),
  );
const valueFilter: fc.Arbitrary<Filter> = fc.letrec<{ f: Filter }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafOf(name.map((attr) => ({ attr }))),
    fc.record({ type: fc.constantFrom('and' as const, 'or' as const), left: tie('f'), right: tie('f') }),
    fc.record({ type: fc.constant('not' as const), filter: tie('f') }),
  ),
})).f;
const filter: fc.Arbitrary<Filter> = fc.letrec<{ f: Filter }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafOf(attrPath),
    fc.record(
      {
        type: fc.constant('valuePath' as const),
        path: name.map((attr) => ({ attr })),
        filter: valueFilter,
        then: fc.record({ sub: name, op, value }),
      },
      { requiredKeys: ['type', 'path', 'filter'] },
    ),
    fc.record({ type: fc.constantFrom('and' as const, 'or' as const), left: tie('f'), right: tie('f') }),
    fc.record({ type: fc.constant('not' as const), filter: tie('f') }),
  ),
})).f;

describe('SCIM filter printer', () => {
  it('parsing a printed filter gives the same filter back', () => {
    fc.assert(
      fc.property(filter, (f) => {
        expect(parseFilter(printFilter(f))).toEqual(f);
      }),
      { numRuns: 2000 },
    );
  });

  it('prints only the parentheses precedence needs', () => {
    expect(printFilter(parseFilter('(a pr and b pr) or (c pr or d pr)'))).toBe(
      'a pr and b pr or (c pr or d pr)',
    );
    expect(printFilter(parseFilter('a pr and (b pr or c pr)'))).toBe('a pr and (b pr or c pr)');
  });
});

describe('SCIM PATCH paths (RFC 7644 §3.5.2)', () => {
  it.each([
    ['userName', { path: { attr: 'userName' } }],
    ['name.givenName', { path: { attr: 'name', sub: 'givenName' } }],
    [`${ENTERPRISE}:employeeNumber`, { path: { uri: ENTERPRISE, attr: 'employeeNumber' } }],
    ['members[value eq "2819c223"]', { path: { attr: 'members' }, filter: cmp('value', 'eq', '2819c223') }],
    [
      'emails[type eq "work"].value',
      { path: { attr: 'emails' }, filter: cmp('type', 'eq', 'work'), sub: 'value' },
    ],
  ])('%s parses to a typed path and prints back', (text, parsed) => {
    expect(parsePatchPath(text)).toEqual(parsed);
    expect(printPatchPath(parsePatchPath(text))).toBe(text);
  });

  it.each([
    '',
    'emails[type eq "work"',
    'emails[type eq "work"]value',
    'name.givenName[type eq "x"]',
    'a b',
    'emails[]',
  ])('%j is invalidPath', (text) => {
    expect(scimTypeOf(() => parsePatchPath(text))).toBe('invalidPath');
  });
});
