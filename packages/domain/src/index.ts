// The domain's server-side entry point. Browser code imports only `./contracts` and `./permissions`.
export * from './errors.js';
export {
  createDatabase,
  dialectOf,
  DEFAULT_SQLITE_PATH,
  type Database,
  type DatabaseOptions,
  type Dialect,
} from './database.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export * from './services/index.js';
export * from './permissions/index.js';
export * from './scim/index.js';
// Entity types for the gateway's mappers and tests; only services create or change them.
export type {
  AuditEvent,
  Group,
  Invitation,
  Session,
  SignInEvent,
  SsoConnection,
  ScimToken,
  Team,
  TeamMembership,
  Tenant,
  TenantSettings,
  User,
} from './entities/index.js';
