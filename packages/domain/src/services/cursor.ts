import { InvalidInput } from '../errors.js';

/** Lists page by keyset on (time, id) with an opaque cursor: base64url JSON of the last row's key. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const when = new Date(String(at));
    if (typeof at === 'string' && typeof id === 'string' && !Number.isNaN(when.getTime())) {
      return { at: when, id };
    }
  } catch {
    // falls through to the error below
  }
  throw new InvalidInput('cursor.invalid', 'The cursor is not valid; start from the first page.');
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** A page size within bounds; anything else is the default. */
export function pageLimit(limit: unknown): number {
  const n = Number(limit ?? DEFAULT_PAGE_SIZE);
  if (!Number.isInteger(n) || n < 1) return DEFAULT_PAGE_SIZE;
  return Math.min(n, MAX_PAGE_SIZE);
}
