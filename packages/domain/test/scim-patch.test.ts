import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../src/errors.js';
import { ENTERPRISE, PATCH_SCHEMAS, QUIRKS } from '../src/scim/__fixtures__/quirks.js';
import { planMembers } from '../src/scim/groups.js';
import { applyPatch } from '../src/scim/patch/apply.js';
import {
  coerceBooleanStrings,
  emptyManagerMeansRemove,
  expandPathless,
  lowerCaseOp,
  managerAsObject,
  memberFilterAsRemoval,
  normalizePatch,
  normalizeResource,
  nullMeansRemove,
  toPatchBody,
  wrapSingleValueForMultiValued,
} from '../src/scim/patch/normalize.js';
import { RESOURCE_TYPES } from '../src/scim/schemas.js';

const { User, Group } = RESOURCE_TYPES;
const patch = (...Operations: unknown[]) => ({ schemas: PATCH_SCHEMAS, Operations });

function scimTypeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidInput) return (err.details as { scimType?: string }).scimType;
    throw err;
  }
  return undefined;
}

describe('each IdP quirk is normalised by its named function, from its recorded request', () => {
  // The named functions, so a renamed or removed quirk handler fails here (the fixture keys name them).
  const handlers = {
    lowerCaseOp,
    coerceBooleanStrings,
    expandPathless,
    expandPathlessExtensionObject: expandPathless,
    oktaPathlessActive: expandPathless,
    oktaGroupRename: expandPathless,
    managerAsObject,
    managerAsArray: managerAsObject,
    emptyManagerMeansRemove,
    nullMeansRemove,
    memberFilterAsRemoval,
    memberValueListRemoval: memberFilterAsRemoval,
    wrapSingleValueForMultiValued,
  } satisfies Record<keyof typeof QUIRKS, unknown>;

  it.each(Object.entries(QUIRKS))('%s (%o)', (quirk, fixture) => {
    expect(typeof handlers[quirk as keyof typeof handlers]).toBe('function');
    expect(normalizePatch(fixture.body, RESOURCE_TYPES[fixture.resource])).toEqual(fixture.canonical);
  });
});

describe('the PATCH normaliser', () => {
  it('spells attribute names as the schema does (names are case-insensitive, RFC 7643 §2.1)', () => {
    expect(normalizePatch(patch({ op: 'replace', path: 'Name.GivenName', value: 'x' }), User)).toEqual([
      { op: 'replace', path: { path: { attr: 'name', sub: 'givenName' } }, value: 'x' },
    ]);
  });

  it('a remove without a path is noTarget', () => {
    expect(scimTypeOf(() => normalizePatch(patch({ op: 'remove' }), User))).toBe('noTarget');
  });

  it.each([
    [{ op: 'move', path: 'title' }, 'invalidSyntax'],
    [{ op: 'replace', path: 'nope', value: 1 }, 'invalidPath'],
    [{ op: 'replace', path: 'emails[type eq', value: 1 }, 'invalidPath'],
    [{ op: 'replace', path: 'title[type eq "a"]', value: 1 }, 'invalidPath'],
    [{ op: 'replace', path: 'emails[nope eq "a"].value', value: 1 }, 'invalidPath'],
    [{ op: 'replace', value: 'not an object' }, 'invalidValue'],
    [{ op: 'remove', path: 'members[display eq "x"]' }, 'invalidFilter'],
    // Without a value nothing says what to add or replace with (explicit `null` clears).
    [{ op: 'add', path: 'title' }, 'invalidValue'],
    [{ op: 'Replace', path: 'nickName' }, 'invalidValue'],
    [{ op: 'replace', path: 'members' }, 'invalidValue'],
    [{ op: 'add' }, 'invalidValue'],
  ])('%o is %s', (op, scimType) => {
    const type = String((op as { path?: string }).path).startsWith('members') ? Group : User;
    expect(scimTypeOf(() => normalizePatch(patch(op), type))).toBe(scimType);
  });

  it.each([[null], [[]], [{ Operations: [] }], [{ schemas: ['urn:wrong'], Operations: [{ op: 'add' }] }]])(
    'a body that is not a PatchOp (%j) is invalidSyntax',
    (body) => {
      expect(scimTypeOf(() => normalizePatch(body, User))).toBe('invalidSyntax');
    },
  );

  it('keeps attributes of extensions Gatehouse does not define, verbatim', () => {
    const custom = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
    expect(normalizePatch(patch({ op: 'add', value: { [custom]: { tag: '701984' } } }), User)).toEqual([
      { op: 'add', path: { path: { uri: custom, attr: 'tag' } }, value: '701984' },
    ]);
  });

  const ops = fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'Remove');
  const userPaths = fc.constantFrom(
    'title',
    'active',
    'name.givenName',
    'emails',
    'emails[type eq "work"].value',
    'emails[primary eq "True"]',
    `${ENTERPRISE}:manager`,
    `${ENTERPRISE}:department`,
    undefined,
  );
  const values = fc.oneof(
    fc.constantFrom('True', 'False', '', null, 'x', true, 7, [], [{ value: 'a', primary: 'true' }], {
      value: 'm',
    }),
    fc.dictionary(
      fc.constantFrom(
        'active',
        'title',
        'name.familyName',
        `${ENTERPRISE}:department`,
        ENTERPRISE,
        'schemas',
      ),
      fc.constantFrom('x', 'False', null, { department: 'd' }),
    ),
  );
  const operation = fc.record({ op: ops, path: userPaths, value: values }, { requiredKeys: ['op'] });

  it('is idempotent: normalising the PATCH a normalisation prints gives the same operations', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 5 }), (raw) => {
        const body = patch(
          ...raw.map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))),
        );
        let once;
        try {
          once = normalizePatch(body, User);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidInput);
          return;
        }
        expect(normalizePatch(toPatchBody(once), User)).toEqual(once);
      }),
      { numRuns: 1500 },
    );
  });

  it('member removals print back as the same removals', () => {
    const body = patch(
      { op: 'remove', path: 'members[value eq "a" or value eq "b"]' },
      { op: 'Remove', path: 'members', value: [{ value: 'c' }] },
    );
    const once = normalizePatch(body, Group);
    expect(normalizePatch(toPatchBody(once), Group)).toEqual(once);
  });
});

describe('resource bodies (POST, PUT) go through the same quirks', () => {
  it('drops read-only and write-only attributes, nulls and unknown core attributes', () => {
    expect(
      normalizeResource(
        {
          id: 'x',
          meta: {},
          userName: 'a',
          password: 'p',
          title: null,
          groups: [],
          nonsense: 1,
          active: 'False',
        },
        User,
      ),
    ).toEqual({ userName: 'a', active: false });
  });

  it('takes the manager as a bare id and an extension attribute as a URN-prefixed key', () => {
    expect(
      normalizeResource(
        { userName: 'a', [`${ENTERPRISE}:department`]: 'R&D', [ENTERPRISE]: { manager: 'm1' } },
        User,
      ),
    ).toEqual({
      userName: 'a',
      [ENTERPRISE]: { department: 'R&D', manager: { value: 'm1' } },
    });
  });
  it('keeps one primary value per attribute, the last one marked (RFC 7643 §2.4), as a PATCH does', () => {
    const body = {
      userName: 'a',
      emails: [
        { value: 'one@x.test', type: 'work', primary: true },
        { value: 'two@x.test', type: 'work', primary: 'True' },
        { value: 'three@x.test', type: 'home' },
      ],
      phoneNumbers: [{ value: '1', primary: true }],
    };
    expect(normalizeResource(body, User)).toMatchObject({
      emails: [
        { value: 'one@x.test', primary: false },
        { value: 'two@x.test', primary: true },
        { value: 'three@x.test' },
      ],
      phoneNumbers: [{ value: '1', primary: true }],
    });
    const ops = normalizePatch(patch({ op: 'replace', path: 'emails', value: body.emails }), User);
    const patched = applyPatch({ userName: 'a' }, ops, { type: User, id: 'u' });
    expect(patched['emails']).toEqual((normalizeResource(body, User) as { emails: unknown }).emails);
  });

  it('ignores read-only sub-attributes a client sends (the manager’s displayName, a member’s display)', () => {
    const manager = { value: 'm1', displayName: 'Forged', $ref: '../Users/m1' };
    expect(normalizeResource({ userName: 'a', [ENTERPRISE]: { manager } }, User)).toEqual({
      userName: 'a',
      [ENTERPRISE]: { manager: { value: 'm1', $ref: '../Users/m1' } },
    });
    expect(
      normalizeResource({ displayName: 'G', members: [{ value: 'u1', display: 'Forged' }] }, Group),
    ).toEqual({ displayName: 'G', members: [{ value: 'u1' }] });
    expect(
      normalizePatch(patch({ op: 'replace', path: `${ENTERPRISE}:manager`, value: manager }), User),
    ).toEqual([
      {
        op: 'replace',
        path: { path: { uri: ENTERPRISE, attr: 'manager' } },
        value: { value: 'm1', $ref: '../Users/m1' },
      },
    ]);
  });
});

describe('an attribute a PATCH empties', () => {
  it('leaves the document, and an emptied extension leaves it too (RFC 7643 §2.5)', () => {
    const doc = {
      userName: 'a',
      emails: [{ value: 'a@x.test', type: 'work' }],
      [ENTERPRISE]: { manager: { value: 'm1' } },
    };
    const ops = normalizePatch(
      patch(
        { op: 'remove', path: `${ENTERPRISE}:manager` },
        { op: 'remove', path: 'emails[type eq "work"]' },
      ),
      User,
    );
    expect(applyPatch(doc, ops, { type: User, id: 'u' })).toEqual({ userName: 'a' });
  });
});

describe('a resource body’s schemas', () => {
  it.each([
    [{ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], userName: 'a' }],
    [{ schemas: ['urn:bogus'], userName: 'a' }],
    [{ schemas: 'urn:ietf:params:scim:schemas:core:2.0:User', userName: 'a' }],
    [{ schemas: [], userName: 'a' }],
  ])('that do not list the type’s own (%j) are invalidSyntax', (body) => {
    expect(scimTypeOf(() => normalizeResource(body, User))).toBe('invalidSyntax');
  });

  it('may be absent, or list extensions and other URNs beside the type’s own, in any case', () => {
    expect(normalizeResource({ userName: 'a' }, User)).toMatchObject({ userName: 'a' });
    const entraGroup = {
      schemas: [
        'URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:GROUP',
        'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
      ],
      displayName: 'G',
    };
    expect(normalizeResource(entraGroup, Group)).toMatchObject({ displayName: 'G' });
  });
});

describe('applying PATCH operations (RFC 7644 §3.5.2)', () => {
  const base = {
    userName: 'bjensen',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    emails: [
      { value: 'bj@home.test', type: 'home' },
      { value: 'bj@work.test', type: 'work', primary: true },
    ],
    [ENTERPRISE]: { department: 'R&D', manager: { value: 'm1' } },
  };
  const apply = (...operations: unknown[]) =>
    applyPatch(base, normalizePatch(patch(...operations), User), { type: User, id: 'u1' });

  it('never changes the document it is given', () => {
    const before = structuredClone(base);
    apply({ op: 'remove', path: 'emails' });
    expect(base).toEqual(before);
  });

  it('replace on a complex attribute keeps the sub-attributes it does not name', () => {
    expect(apply({ op: 'replace', path: 'name', value: { givenName: 'Babs' } }).name).toEqual({
      givenName: 'Babs',
      familyName: 'Jensen',
    });
  });

  it('a filtered replace changes the matching elements only', () => {
    expect(
      apply({ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@work.test' }).emails,
    ).toEqual([
      { value: 'bj@home.test', type: 'home' },
      { value: 'new@work.test', type: 'work', primary: true },
    ]);
  });

  it('a filtered replace that matches nothing creates the element its equalities describe (Entra ID work email)', () => {
    expect(
      apply({ op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555' }).phoneNumbers,
    ).toEqual([{ type: 'mobile', value: '+1 555' }]);
  });

  it('a filtered replace that matches nothing and describes nothing is noTarget', () => {
    expect(scimTypeOf(() => apply({ op: 'replace', path: 'emails[value co "zz"].type', value: 'x' }))).toBe(
      'noTarget',
    );
  });

  it('add appends to a multi-valued attribute, and only one value stays primary', () => {
    const emails = apply({
      op: 'add',
      path: 'emails',
      value: [{ value: 'x@y.test', type: 'other', primary: true }],
    }).emails as unknown[];
    expect(emails).toHaveLength(3);
    expect(emails.filter((e) => (e as { primary?: boolean }).primary === true)).toEqual([
      { value: 'x@y.test', type: 'other', primary: true },
    ]);
  });

  it('remove with a filter takes the matching elements out', () => {
    expect(apply({ op: 'remove', path: 'emails[type eq "home"]' }).emails).toEqual([
      { value: 'bj@work.test', type: 'work', primary: true },
    ]);
  });

  it('removing the manager (as Entra ID does, with an empty value) clears it and keeps the rest of the extension', () => {
    expect(apply({ op: 'Replace', path: `${ENTERPRISE}:manager`, value: '' })[ENTERPRISE]).toEqual({
      department: 'R&D',
    });
  });

  it('the id is read-only, but Okta may "replace" it with its own value', () => {
    expect(apply({ op: 'replace', value: { id: 'u1', title: 'CTO' } }).title).toBe('CTO');
    expect(scimTypeOf(() => apply({ op: 'replace', path: 'id', value: 'u2' }))).toBe('mutability');
    expect(scimTypeOf(() => apply({ op: 'add', path: 'groups', value: [{ value: 'g' }] }))).toBe(
      'mutability',
    );
  });

  it('a password is accepted and never stored', () => {
    expect(apply({ op: 'replace', path: 'password', value: 'hunter2' })).not.toHaveProperty('password');
  });
});

describe('group member operations become set operations', () => {
  const plan = (...operations: unknown[]) => planMembers(normalizePatch(patch(...operations), Group));

  it('each id ends as its last operation left it: added then removed is removed, removed then added is added', () => {
    const p = plan(
      { op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
      { op: 'remove', path: 'members[value eq "b"]' },
      { op: 'remove', path: 'members[value eq "c"]' },
      { op: 'add', path: 'members', value: [{ value: 'c' }] },
    );
    expect([...p.add]).toEqual(['a', 'c']);
    // b may have been a member before the PATCH: the removal after its add takes it out.
    expect([...p.remove]).toEqual(['b']);
    // c's filter ran before anything touched c, so c must have been a member; b's found the add.
    expect([...p.mustExist]).toEqual(['c']);
    expect([...p.mustBeUsers]).toEqual(['b']);
    expect(p.replace).toBeUndefined();
  });

  it('a filtered removal of an id an earlier operation removed finds nothing (noTarget)', () => {
    expect(
      scimTypeOf(() =>
        plan(
          { op: 'remove', path: 'members', value: [{ value: 'a' }] },
          { op: 'remove', path: 'members[value eq "a"]' },
        ),
      ),
    ).toBe('noTarget');
  });

  it('a filtered removal must find its member; a listed removal need not', () => {
    expect([...plan({ op: 'remove', path: 'members[value eq "x"]' }).mustExist]).toEqual(['x']);
    expect([...plan({ op: 'Remove', path: 'members', value: [{ value: 'x' }] }).mustExist]).toEqual([]);
  });

  it('replace (Okta: path-less members) restarts from the given list', () => {
    expect(
      plan(
        { op: 'add', path: 'members', value: [{ value: 'a' }] },
        { op: 'replace', value: { members: [{ value: 'b' }] } },
      ).replace,
    ).toEqual(['b']);
    expect(plan({ op: 'remove', path: 'members' }).replace).toEqual([]);
  });

  it('a nested group as a member is refused, not dropped', () => {
    expect(
      scimTypeOf(() => plan({ op: 'add', path: 'members', value: [{ value: 'g', type: 'Group' }] })),
    ).toBe('invalidValue');
  });
});
