import {
  Conflict,
  Contention,
  InvalidInput,
  InvariantViolated,
  NotFound,
  PermissionDenied,
  PreconditionFailed,
  Unauthenticated,
  type DomainError,
} from '@gatehouse/domain';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { retryAfterOf, toApiError, toProblem, toScimError } from '../../src/http/errors.js';

type DomainErrorClass = new (code: string, message: string, details?: Record<string, unknown>) => DomainError;

/** What body-parser hands to the error middleware (an http-errors instance tagged with `type`). */
function bodyParserError(type: string, status: number, extra: object = {}): Error {
  return Object.assign(
    new Error(`body-parser says ${type}`),
    { type, status, statusCode: status, expose: true },
    extra,
  );
}

describe('toProblem', () => {
  const kinds: Array<{ ErrorClass: DomainErrorClass; status: number; kind: DomainError['kind'] }> = [
    { ErrorClass: InvalidInput, status: 400, kind: 'invalid' },
    { ErrorClass: PermissionDenied, status: 403, kind: 'denied' },
    { ErrorClass: NotFound, status: 404, kind: 'not-found' },
    { ErrorClass: Conflict, status: 409, kind: 'conflict' },
    { ErrorClass: InvariantViolated, status: 409, kind: 'invariant' },
    { ErrorClass: Contention, status: 503, kind: 'contention' },
  ];

  it.each(kinds)(
    'a $kind error answers $status with its code, message and details',
    ({ ErrorClass, status, kind }) => {
      const err = new ErrorClass('team.example', 'Something specific.', { teamId: 't1' });
      expect(toProblem(err)).toEqual({
        status,
        code: 'team.example',
        detail: 'Something specific.',
        kind,
        details: { teamId: 't1' },
      });
    },
  );

  it('a domain error without details has no details', () => {
    expect(toProblem(new NotFound('team.not_found', 'No such team.'))).not.toHaveProperty('details');
  });

  it('a failed schema parse is a 400 request.invalid naming each bad field', () => {
    const result = z.object({ name: z.string().min(1), age: z.number() }).safeParse({ name: '', age: 'x' });
    const problem = toProblem(result.error);
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('request.invalid');
    expect(problem.detail).toMatch(/^name: .+; age: .+$/);
    expect(problem.details).toEqual({
      issues: [
        expect.objectContaining({ path: ['name'], code: 'too_small' }),
        expect.objectContaining({ path: ['age'], code: 'invalid_type' }),
      ],
    });
  });

  it('malformed JSON is a 400 request.malformed_json', () => {
    expect(toProblem(bodyParserError('entity.parse.failed', 400))).toEqual({
      status: 400,
      code: 'request.malformed_json',
      detail: 'The request body is not valid JSON.',
    });
  });

  it('an oversized body is a 413 request.too_large stating the limit', () => {
    const problem = toProblem(bodyParserError('entity.too.large', 413, { limit: 1048576 }));
    expect(problem).toMatchObject({ status: 413, code: 'request.too_large' });
    expect(problem.detail).toContain('1048576 bytes');
  });

  it.each([
    ['encoding.unsupported', 'request.unsupported_encoding'],
    ['charset.unsupported', 'request.unsupported_charset'],
  ])('%s is a 415 %s', (type, code) => {
    expect(toProblem(bodyParserError(type, 415))).toMatchObject({ status: 415, code });
  });

  it('a client error Express raised keeps its status and exposed message', () => {
    const err = Object.assign(new URIError("Failed to decode param '%E0'"), { status: 400, expose: true });
    expect(toProblem(err)).toEqual({
      status: 400,
      code: 'request.rejected',
      detail: "Failed to decode param '%E0'",
    });
  });

  it.each([
    ['an Error', new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2')],
    ['a server-side http error', Object.assign(new Error('pool exhausted'), { status: 503, expose: false })],
    ['a thrown string', 'pool exhausted'],
    ['null', null],
  ])('%s is a 500 that does not carry its cause', (_name, err) => {
    const problem = toProblem(err);
    expect(problem).toEqual({ status: 500, code: 'internal', detail: 'Internal error.' });
    const body = JSON.stringify([toApiError(problem), toScimError(problem)]);
    expect(body).not.toMatch(/hunter2|ECONNREFUSED|pool exhausted/);
  });
});

describe('retryAfterOf', () => {
  it('a deadlock that outlasted its retries is a 503 with Retry-After, never a 500', () => {
    const problem = toProblem(
      new Contention('database.contention', 'Send the request again.', { retryAfterSeconds: 1 }),
    );
    expect(problem.status).toBe(503);
    expect(retryAfterOf(problem)).toBe('1');
    expect(toScimError(problem)).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '503',
      detail: 'Send the request again.',
    });
  });

  it('only a 429 or a 503 that says when carries Retry-After', () => {
    expect(retryAfterOf({ status: 429, code: 'x', detail: '', details: { retryAfterSeconds: 1.2 } })).toBe(
      '2',
    );
    expect(retryAfterOf({ status: 409, code: 'x', detail: '', details: { retryAfterSeconds: 1 } })).toBe(
      undefined,
    );
    expect(retryAfterOf({ status: 503, code: 'x', detail: '' })).toBe(undefined);
  });
});

describe('toApiError', () => {
  it('wraps the problem as { error: { code, message, details } }', () => {
    const problem = toProblem(
      new Conflict('team.name_taken', 'A team with this name exists.', { name: 'Ops' }),
    );
    expect(toApiError(problem)).toEqual({
      error: { code: 'team.name_taken', message: 'A team with this name exists.', details: { name: 'Ops' } },
    });
  });
});

describe('toScimError', () => {
  const schemas = ['urn:ietf:params:scim:api:messages:2.0:Error'];

  it.each([
    ['invalid input', new InvalidInput('scim.bad_value', 'active must be a boolean.'), '400', 'invalidValue'],
    ['a conflict', new Conflict('scim.user_name_taken', 'userName is taken.'), '409', 'uniqueness'],
    ['malformed JSON', bodyParserError('entity.parse.failed', 400), '400', 'invalidSyntax'],
  ])('%s answers status %s with scimType %s (RFC 7644 §3.12)', (_name, err, status, scimType) => {
    expect(toScimError(toProblem(err))).toEqual({ schemas, status, scimType, detail: toProblem(err).detail });
  });

  it.each([
    ['no token', new Unauthenticated('scim.unauthenticated', 'Send a token.'), '401', 'unauthorized'],
    ['an unknown id', new NotFound('scim.user_not_found', 'No such user.'), '404', 'notFound'],
    [
      'a stale version',
      new PreconditionFailed('scim.version_mismatch', 'Stale.'),
      '412',
      'preconditionFailed',
    ],
    ['a body too large', bodyParserError('entity.too.large', 413), '413', 'tooLarge'],
  ])(
    '%s (a status RFC 7644 has no keyword for) still answers %s with scimType %s',
    (_n, err, status, scimType) => {
      expect(toScimError(toProblem(err))).toEqual({
        schemas,
        status,
        scimType,
        detail: toProblem(err).detail,
      });
    },
  );
});
