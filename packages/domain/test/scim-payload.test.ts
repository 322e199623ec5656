// What a SCIM write keeps about its request: the raw payload without any password, and the short
// diff the provisioning log and audit show.
import { describe, expect, it } from 'vitest';
import { redactedPayload, shortDiff } from '../src/scim/users.js';

describe('redactedPayload', () => {
  it('keeps a body that names no password as its JSON', () => {
    const body = { schemas: ['x'], Operations: [{ op: 'Add', path: 'members', value: [{ value: 'a' }] }] };
    expect(redactedPayload(body)).toBe(JSON.stringify(body));
  });

  it.each([
    [{ userName: 'a', password: 's3cret' }, '{"userName":"a","password":"[redacted]"}'],
    [{ userName: 'a', Password: 's3cret' }, '{"userName":"a","Password":"[redacted]"}'],
    [
      { Operations: [{ op: 'replace', value: { PASSWORD: 's3cret', active: true } }] },
      '{"Operations":[{"op":"replace","value":{"PASSWORD":"[redacted]","active":true}}]}',
    ],
    [
      { Operations: [{ op: 'replace', path: 'password', value: 's3cret' }] },
      '{"Operations":[{"op":"replace","path":"password","value":"[redacted]"}]}',
    ],
    [
      {
        Operations: [
          { Op: 'Replace', Path: 'urn:ietf:params:scim:schemas:core:2.0:User:Password', Value: 's' },
        ],
      },
      '{"Operations":[{"Op":"Replace","Path":"urn:ietf:params:scim:schemas:core:2.0:User:Password","Value":"[redacted]"}]}',
    ],
    [
      {
        Operations: [
          { op: 'add', value: { 'urn:ietf:params:scim:schemas:core:2.0:User:password': 's', title: 'T' } },
        ],
      },
      '{"Operations":[{"op":"add","value":{"urn:ietf:params:scim:schemas:core:2.0:User:password":"[redacted]","title":"T"}}]}',
    ],
    [
      { Operations: [{ op: 'replace', path: 'title', value: 'password reset' }] },
      '{"Operations":[{"op":"replace","path":"title","value":"password reset"}]}',
    ],
  ])('redacts a password wherever a body carries one, in any case and at any depth: %j', (body, kept) => {
    expect(redactedPayload(body)).toBe(kept);
  });
});

describe('shortDiff', () => {
  it('names each changed leaf by its dotted path, before and after, and nothing unchanged', () => {
    expect(
      shortDiff(
        { userName: 'a', name: { givenName: 'A', familyName: 'B' }, emails: [{ value: 'a@x' }], title: 'T' },
        {
          userName: 'a',
          name: { givenName: 'Z', familyName: 'B' },
          emails: [{ value: 'z@x' }],
          active: false,
        },
      ),
    ).toEqual({
      'name.givenName': ['A', 'Z'],
      emails: [[{ value: 'a@x' }], [{ value: 'z@x' }]],
      title: ['T', null],
      active: [null, false],
    });
  });

  it('never carries a password', () => {
    expect(shortDiff({}, { password: 'x', nested: { password: 'y' }, userName: 'u' })).toEqual({
      userName: [null, 'u'],
    });
  });
});
