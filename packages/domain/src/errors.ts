/**
 * Typed domain errors. They say what went wrong, never how to answer over HTTP:
 * the gateway maps `kind` to a status in one place (apps/gateway/src/http/errors.ts).
 * Browser-safe: no node built-ins.
 */
export type DomainErrorKind = 'invalid' | 'not-found' | 'denied' | 'conflict' | 'invariant';

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
