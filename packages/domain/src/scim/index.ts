// What the gateway's SCIM adapter uses of the SCIM core.
export { DEFAULT_SCIM_LIMITS, isDeprovisioning, ScimHandler } from './handler.js';
export type { ScimHandlerOptions, ScimRequest, ScimResult } from './handler.js';
export { scimRateLimited } from './errors.js';
