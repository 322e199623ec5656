/**
 * Typed domain errors. They say what went wrong, never how to answer over HTTP:
 * the gateway maps `kind` to a status in one place (apps/gateway/src/http/errors.ts).
 * Browser-safe: no node built-ins.
 */
export type DomainErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'not-found'
  | 'denied'
  | 'conflict'
  | 'invariant'
  | 'rate-limited'
  | 'precondition'
  | 'contention';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input is malformed or breaks a validation rule. */
export class InvalidInput extends DomainError {
  readonly kind = 'invalid' as const;
}

/** The target does not exist, belongs to another tenant, or the actor may not see it. */
export class NotFound extends DomainError {
  readonly kind = 'not-found' as const;
}

/** The actor can see the target but may not perform the action; `message` says who could. */
export class PermissionDenied extends DomainError {
  readonly kind = 'denied' as const;
}

/** A uniqueness rule would be broken (duplicate slug, email, name…). */
export class Conflict extends DomainError {
  readonly kind = 'conflict' as const;
}

/** A cross-row rule would be broken (last owner, last team member, allocation limit…). */
export class InvariantViolated extends DomainError {
  readonly kind = 'invariant' as const;
}

/** No valid credential (session, token) came with the request. */
export class Unauthenticated extends DomainError {
  readonly kind = 'unauthenticated' as const;
}

/** Too many requests; `details.retryAfterSeconds` says when to try again. */
export class RateLimited extends DomainError {
  readonly kind = 'rate-limited' as const;
}

/** A precondition the client set does not hold (e.g. an If-Match version). */
export class PreconditionFailed extends DomainError {
  readonly kind = 'precondition' as const;
}

/**
 * Concurrent changes kept colliding (a deadlock, a serialization failure) however often the change
 * was run again; nothing was written, and the same request may succeed when sent again
 * (`details.retryAfterSeconds`).
 */
export class Contention extends DomainError {
  readonly kind = 'contention' as const;
}
