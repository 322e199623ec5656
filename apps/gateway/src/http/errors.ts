// The only file that knows which HTTP status answers which error (STYLE §3). Services throw
// DomainErrors that say what went wrong; this file turns them, and the request-level failures
// of Express and body-parser, into one Problem, then into the JSON API or SCIM error body.
import { DomainError, NotFound } from '@gatehouse/domain';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../logger.js';

type Kind = DomainError['kind'];

export interface Problem {
  status: number;
  code: string;
  detail: string;
  kind?: Kind;
  details?: object;
}

export interface ApiError {
  error: { code: string; message: string; details?: object };
}

export interface ScimError {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'];
  status: string;
  scimType?: string;
  detail: string;
}

const STATUS = {
  invalid: 400,
  unauthenticated: 401,
  denied: 403,
  'not-found': 404,
  conflict: 409,
  invariant: 409,
  precondition: 412,
  'rate-limited': 429,
  // Concurrent changes kept colliding (a deadlock): nothing was written, and the same request can succeed.
  contention: 503,
} as const satisfies Record<Kind, number>;

// RFC 7644 §3.12 scimType values.
const SCIM_TYPE: Partial<Record<Kind, string>> = { invalid: 'invalidValue', conflict: 'uniqueness' };
// Refusals a domain error names by code rather than kind: a Bulk request over maxOperations is a 413
// (RFC 7644 §3.7.4), a body in a media type SCIM does not speak a 415 (RFC 7644 §3.1).
const CODE_STATUS: Readonly<Record<string, number>> = {
  'scim.bulk_too_many_operations': 413,
  'request.unsupported_media_type': 415,
};
// A body that is not JSON, or not the shape the schema asks for, is `invalidSyntax` (RFC 7644 §3.12).
const SCIM_SYNTAX_CODES = new Set(['request.malformed_json', 'request.invalid']);
// RFC 7644 Table 9 has keywords for 400 and 409 only; every other 4xx still carries a scimType (the
// issue's contract: one field for a client to branch on), named after its status.
const SCIM_TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  412: 'preconditionFailed',
  413: 'tooLarge',
  415: 'invalidSyntax',
  429: 'tooManyRequests',
};

type RequestProblem = Omit<Problem, 'kind' | 'details'>;

// body-parser (and raw-body underneath) tag their errors with `type`; the messages they carry
// are meant for developers, so each gets a stable code and our own wording.
const BODY_ERRORS: Record<string, RequestProblem> = {
  'entity.parse.failed': {
    status: 400,
    code: 'request.malformed_json',
    detail: 'The request body is not valid JSON.',
  },
  'entity.too.large': { status: 413, code: 'request.too_large', detail: 'The request body is too large.' },
  'encoding.unsupported': {
    status: 415,
    code: 'request.unsupported_encoding',
    detail: 'The request body uses an unsupported Content-Encoding.',
  },
  'charset.unsupported': {
    status: 415,
    code: 'request.unsupported_charset',
    detail: 'The request body uses an unsupported charset; send UTF-8.',
  },
  'request.aborted': {
    status: 400,
    code: 'request.aborted',
    detail: 'The request body was not received completely.',
  },
  'request.size.invalid': {
    status: 400,
    code: 'request.size_mismatch',
    detail: 'The request body length does not match its Content-Length.',
  },
};

const INTERNAL: RequestProblem = { status: 500, code: 'internal', detail: 'Internal error.' };

export function toProblem(err: unknown): Problem {
  if (err instanceof ZodError) {
    return {
      status: 400,
      code: 'request.invalid',
      detail: describeIssues(err),
      details: { issues: issuesOf(err) },
    };
  }
  if (err instanceof DomainError) {
    const problem: Problem = {
      status: CODE_STATUS[err.code] ?? STATUS[err.kind],
      code: err.code,
      detail: err.message,
      kind: err.kind,
    };
    return err.details ? { ...problem, details: err.details } : problem;
  }
  const bodyProblem = bodyParserProblem(err);
  if (bodyProblem) return bodyProblem;
  if (isExposedClientError(err)) return { status: err.status, code: 'request.rejected', detail: err.message };
  return { ...INTERNAL }; // the cause is logged with the request id, never sent
}

export function toApiError(p: Problem): ApiError {
  return { error: { code: p.code, message: p.detail, ...(p.details ? { details: p.details } : {}) } };
}

export function toScimError(p: Problem): ScimError {
  // A SCIM-specific error names its own scimType (invalidFilter, invalidPath, noTarget…) in its details.
  const declared = (p.details as { scimType?: unknown } | undefined)?.scimType;
  const scimType =
    typeof declared === 'string'
      ? declared
      : ((p.kind && SCIM_TYPE[p.kind]) ??
        (SCIM_SYNTAX_CODES.has(p.code) ? 'invalidSyntax' : SCIM_TYPE_BY_STATUS[p.status]));
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: String(p.status),
    ...(scimType ? { scimType } : {}),
    detail: p.detail,
  };
}

/**
 * The Retry-After header (RFC 9110 §10.2.3) of a 429 or 503 that says when to try again: Entra and
 * Okta back off by it and retry only the refused request.
 */
export function retryAfterOf(problem: Problem): string | undefined {
  const seconds = (problem.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if ((problem.status !== 429 && problem.status !== 503) || typeof seconds !== 'number') return undefined;
  return String(Math.ceil(seconds));
}

/** Mounted after the routes of a prefix (`/api`, `/scim`): no route matched, so the answer is a 404 in that API's format. */
export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new NotFound('route.not_found', `No route matches ${req.method} ${pathOf(req)}.`));
};

/** The last middleware: answers every error as a Problem, in SCIM format under /scim/. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const problem = toProblem(err);
    logProblem(logger, req, problem, err);
    // Part of the response is already on the wire; a second status line cannot follow it.
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const retryAfter = retryAfterOf(problem);
    if (retryAfter !== undefined) res.set('Retry-After', retryAfter);
    if (isScimPath(req.path)) {
      res.status(problem.status).type('application/scim+json').json(toScimError(problem));
      return;
    }
    res.status(problem.status).json(toApiError(problem));
  };
}

function logProblem(logger: Logger, req: Request, problem: Problem, err: unknown): void {
  const context = {
    reqId: req.id,
    method: req.method,
    path: pathOf(req),
    status: problem.status,
    code: problem.code,
  };
  if (problem.status >= 500) logger.error({ ...context, err }, 'Request failed');
  else logger.debug(context, 'Request rejected');
}

function isScimPath(path: string): boolean {
  return path === '/scim' || path.startsWith('/scim/');
}

function pathOf(req: Request): string {
  return req.originalUrl.split('?', 1)[0] ?? '/';
}

function describeIssues(err: ZodError): string {
  return err.issues
    .map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

function issuesOf(err: ZodError): Array<{ path: Array<string | number>; code: string; message: string }> {
  return err.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
    code: i.code,
    message: i.message,
  }));
}

function bodyParserProblem(err: unknown): Problem | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  const known = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
  if (!known) return undefined;
  const limit = (err as { limit?: unknown }).limit;
  if (type === 'entity.too.large' && typeof limit === 'number') {
    return { ...known, detail: `The request body is larger than the limit of ${limit} bytes.` };
  }
  return { ...known };
}

/**
 * Errors Express itself raises for a bad request (for example a path parameter that is not valid
 * percent-encoding) are http-errors with a 4xx status and `expose`, meaning the message is meant
 * for the client.
 */
function isExposedClientError(err: unknown): err is { status: number; message: string } {
  if (typeof err !== 'object' || err === null) return false;
  const { status, expose, message } = err as { status?: unknown; expose?: unknown; message?: unknown };
  return (
    typeof status === 'number' &&
    status >= 400 &&
    status < 500 &&
    expose === true &&
    typeof message === 'string'
  );
}
