import { InvalidInput, NotFound, RateLimited } from '../errors.js';

/**
 * RFC 7644 §3.12 `scimType` keywords. The gateway's SCIM error body carries the one a DomainError
 * names in `details.scimType`; the domain never names an HTTP status.
 */
export const SCIM_TYPES = [
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
] as const;
export type ScimType = (typeof SCIM_TYPES)[number];

/** A request a SCIM client got wrong, tagged with the keyword RFC 7644 §3.12 gives that mistake. */
export function scimInvalid(
  scimType: ScimType,
  message: string,
  extra: Record<string, unknown> = {},
): InvalidInput {
  return new InvalidInput(`scim.${scimType}`, message, { scimType, ...extra });
}

export const userNotFound = (id: string): NotFound => new NotFound('user.not_found', `User ${id} not found.`);

export const groupNotFound = (id: string): NotFound =>
  new NotFound('group.not_found', `Group ${id} not found.`);

/** A token past its rate limit: the gateway answers 429 with `Retry-After`, a Bulk operation 429 alone. */
export const scimRateLimited = (retryAfterSeconds: number): RateLimited =>
  new RateLimited('scim.rate_limited', 'Too many SCIM requests for this token; retry later.', {
    retryAfterSeconds,
  });
