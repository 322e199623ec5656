// What the gateway's SCIM adapter uses of the SCIM core.
export { DEFAULT_SCIM_LIMITS, isDeprovisioning, ScimHandler } from './handler.js';
export type { ScimHandlerOptions, ScimRequest, ScimResult } from './handler.js';
export { SCIM_TYPES, type ScimType } from './errors.js';
export { parseFilter, parsePatchPath } from './filter/parser.js';
export { printFilter } from './filter/printer.js';
export type { Filter } from './filter/ast.js';
export { normalizePatch, type CanonicalOp } from './patch/normalize.js';
