// PostgreSQL text cannot hold U+0000 (SQLite stores it): a NUL that reached the database failed the
// statement there, a 500 on one database and a stored value on the other. No identity field has a use
// for it, so any request carrying one, in its URL or its JSON body, is refused before it is served,
// alike on both databases. It is also how truncation attacks on C strings start.
import type { IncomingMessage } from 'node:http';
import { InvalidInput } from '@gatehouse/domain';
import express, { type RequestHandler } from 'express';

// JSON can carry a NUL only as this escape (a raw control character is not valid JSON), and a URL
// only percent-encoded (node's parser refuses a raw one).
const JSON_ESCAPE = Buffer.from('\\u0000');
const URL_ESCAPE = '%00';
const NOTED = Symbol('mayHoldNul');

type Noted = IncomingMessage & { [NOTED]?: true };

export function nulRefused(): InvalidInput {
  return new InvalidInput(
    'request.nul_character',
    'The request carries a NUL character (U+0000), which no value may hold.',
  );
}

export const urlHoldsNul = (url: string | undefined): boolean => url?.includes(URL_ESCAPE) ?? false;

/**
 * body-parser's `verify`: notes a body whose JSON may decode to a NUL, so that only such a body is
 * walked (`bodyHoldsNul`); every other body costs one byte search.
 */
export function noteNulEscape(req: IncomingMessage, _res: unknown, raw: Buffer): void {
  if (raw.includes(JSON_ESCAPE)) (req as Noted)[NOTED] = true;
}

/** Whether the body parsed from `req` holds a NUL in any string or key (`"\\u0000"` is no NUL). */
export function bodyHoldsNul(req: IncomingMessage, body: unknown): boolean {
  return (req as Noted)[NOTED] === true && holdsNul(body);
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([k, v]) => k.includes('\u0000') || holdsNul(v));
  }
  return false;
}

/**
 * The JSON body parser of both listeners (the console's API and SCIM): JSON and SCIM's media type,
 * up to `limit`, each body noted for a NUL escape.
 */
export function jsonBodyParser(limit: string): RequestHandler {
  return express.json({ limit, type: ['application/json', 'application/scim+json'], verify: noteNulEscape });
}
