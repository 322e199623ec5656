// Keyset cursors and search patterns of the people-and-teams lists (STYLE §8: cursors decode what
// they encode; any string yields a cursor or InvalidInput, nothing else).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../src/errors.js';
import { decodeCursor, encodeCursor, likePattern, type KeysetOrder } from '../src/services/team-object.js';

const byDate: KeysetOrder = {
  signature: 'users:createdAt:desc',
  key: 'u.createdAt',
  id: 'u.id',
  direction: 'DESC',
  keyType: 'date',
};
const byLastSignIn: KeysetOrder = { ...byDate, signature: 'users:lastSignInAt:desc', nullable: true };
const byEmail: KeysetOrder = {
  signature: 'users:email:asc',
  key: 'u.emailKey',
  id: 'u.id',
  direction: 'ASC',
  keyType: 'string',
};

describe('keyset cursors', () => {
  it('decode what they encode, for dates, strings and (where allowed) nulls', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), fc.uuid(), (at, id) => {
        expect(decodeCursor(byDate, encodeCursor(byDate, at, id))).toEqual({
          s: byDate.signature,
          k: at.toISOString(),
          id,
        });
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 320 }), fc.uuid(), (email, id) => {
        expect(decodeCursor(byEmail, encodeCursor(byEmail, email, id))).toEqual({
          s: byEmail.signature,
          k: email,
          id,
        });
      }),
    );
    expect(decodeCursor(byLastSignIn, encodeCursor(byLastSignIn, null, 'x')).k).toBeNull();
  });

  it('any string is a cursor of this list or InvalidInput, nothing else', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        try {
          decodeCursor(byDate, raw);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidInput);
          expect((err as InvalidInput).code).toBe('cursor.invalid');
        }
      }),
    );
  });

  it('a cursor of another list or sort order is refused', () => {
    const cursor = encodeCursor(byEmail, 'a@b.test', 'id');
    expect(() => decodeCursor(byDate, cursor)).toThrow(InvalidInput);
  });

  it('a null key is refused where the sort key cannot be null, and a date key must be a date', () => {
    const nullKey = Buffer.from(JSON.stringify({ s: byDate.signature, k: null, id: 'x' })).toString(
      'base64url',
    );
    expect(() => decodeCursor(byDate, nullKey)).toThrow(InvalidInput);
    const forged = Buffer.from(JSON.stringify({ s: byDate.signature, k: 'yesterday', id: 'x' })).toString(
      'base64url',
    );
    expect(() => decodeCursor(byDate, forged)).toThrow(InvalidInput);
  });
});

describe('search patterns', () => {
  it('match the term case-insensitively as a substring, with LIKE wildcards taken literally', () => {
    expect(likePattern('Ada')).toBe('%ada%');
    expect(likePattern('100%_\\')).toBe('%100\\%\\_\\\\%');
  });
});
