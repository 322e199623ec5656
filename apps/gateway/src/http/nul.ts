// Characters no stored value may hold, refused in any request before it is served, alike on both
// databases:
// - U+0000. PostgreSQL text cannot hold it (SQLite stores it): a NUL that reached the database failed
//   the statement there, a 500 on one database and a stored value on the other. No identity field has
//   a use for it, and it is how truncation attacks on C strings start.
// - A lone UTF-16 surrogate, which JSON can escape (`"\ud83d"` without its pair) but which is no
//   Unicode character: UTF-8 cannot encode it, so PostgreSQL stored one U+FFFD in its place, SQLite
//   three (better-sqlite3 wrote its CESU-8 bytes), and PostgreSQL refused a batch's rows sent as JSON.
import type { IncomingMessage } from 'node:http';
import { InvalidInput } from '@gatehouse/domain';
import express, { type RequestHandler } from 'express';

// JSON can carry a NUL only as this escape (a raw control character is not valid JSON), and a URL
// only percent-encoded (node's parser refuses a raw one). A lone surrogate too reaches a parsed body
// only through an escape (`\ud800`–`\udfff`, in either case): raw bytes that are not UTF-8 decode to
// U+FFFD, and so do they in a URL.
const JSON_ESCAPES = ['\\u0000', '\\ud', '\\uD'].map((e) => Buffer.from(e));
const URL_ESCAPE = '%00';
const NOTED = Symbol('mayHoldUnstorable');
/** In a `u` regular expression a surrogate pair is one code point, so only lone ones are `Cs`. */
const LONE_SURROGATE = /\p{Cs}/u;

type Noted = IncomingMessage & { [NOTED]?: true };

export function nulRefused(): InvalidInput {
  return new InvalidInput(
    'request.nul_character',
    'The request carries a NUL character (U+0000), which no value may hold.',
  );
}

export const urlHoldsNul = (url: string | undefined): boolean => url?.includes(URL_ESCAPE) ?? false;

function loneSurrogateRefused(): InvalidInput {
  return new InvalidInput(
    'request.lone_surrogate',
    'The request carries a lone UTF-16 surrogate (an escape from \\ud800 to \\udfff without its pair), which is no Unicode character.',
  );
}

/**
 * body-parser's `verify`: notes a body whose JSON may decode to a NUL or a lone surrogate, so that only
 * such a body is walked (`bodyRefusal`); every other body costs three byte searches.
 */
export function noteEscapes(req: IncomingMessage, _res: unknown, raw: Buffer): void {
  if (JSON_ESCAPES.some((e) => raw.includes(e))) (req as Noted)[NOTED] = true;
}

/** Why the body parsed from `req` is refused: a NUL or a lone surrogate in a string or a key. */
export function bodyRefusal(req: IncomingMessage, body: unknown): InvalidInput | undefined {
  if ((req as Noted)[NOTED] !== true) return undefined;
  const texts = stringsOf(body);
  if (texts.some((t) => t.includes('\u0000'))) return nulRefused();
  if (texts.some((t) => LONE_SURROGATE.test(t))) return loneSurrogateRefused();
  return undefined;
}

/** Every string and key in a parsed JSON value. */
function stringsOf(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      into.push(k);
      stringsOf(v, into);
    }
  }
  return into;
}

/**
 * The JSON body parser of both listeners (the console's API and SCIM): JSON and SCIM's media type,
 * up to `limit`, each body noted for the escapes `bodyRefusal` looks into.
 */
export function jsonBodyParser(limit: string): RequestHandler {
  return express.json({ limit, type: ['application/json', 'application/scim+json'], verify: noteEscapes });
}

/** Whether a request carries a body (RFC 9112 §6.3: a length above zero, or a transfer coding). */
export function hasBody(req: IncomingMessage): boolean {
  const length = Number(req.headers['content-length'] ?? 0);
  return length > 0 || req.headers['transfer-encoding'] !== undefined;
}
