import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/**
 * Paths censored wherever they appear in a log line. pino's `*` matches one level only,
 * so the top-level key is listed next to its wildcard.
 */
const REDACT_PATHS = [
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  'token',
  '*.token',
  'clientSecret',
  '*.clientSecret',
  'password',
  '*.password',
  // TypeORM's QueryFailedError carries the statement's bound values (token hashes, emails…).
  'err.parameters',
];

/** JSON lines on stdout (or `destination`, for tests). */
export function createLogger(opts: { level: LogLevel }, destination?: DestinationStream): Logger {
  return pino(
    {
      level: opts.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
