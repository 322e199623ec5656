import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
// pino-http declares `IncomingMessage.id`, which this middleware fills before pino-http runs.
import type {} from 'pino-http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

// An id from a proxy or client is kept so logs can be joined across hops; anything longer or
// with other characters is replaced, so it cannot forge log lines or bloat them.
const VALID_ID = /^[A-Za-z0-9\-_.]{1,128}$/;

/** A valid incoming X-Request-Id, else a random UUID. */
export function requestIdOf(incoming: string | undefined): string {
  return incoming !== undefined && VALID_ID.test(incoming) ? incoming : randomUUID();
}

/** Sets `req.id` from a valid incoming X-Request-Id, else a random UUID, and echoes it. */
export const requestId: RequestHandler = (req, res, next) => {
  const id = requestIdOf(req.get(REQUEST_ID_HEADER));
  req.id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
};
