import { systemClock, type Clock } from '../clock.js';
import { SecretBox } from '../crypto.js';
import type { Database } from '../database.js';
import { ActorService } from './actor.service.js';
import { AuditLog } from './audit.js';
import { AuditService } from './audit.service.js';
import { ScimTokenService } from './scim-token.service.js';
import { SessionService } from './session.service.js';
import { SsoConnectionService } from './sso-connection.service.js';
import { TeamService } from './team.service.js';
import { TenantService } from './tenant.service.js';
import { UserService } from './user.service.js';

export interface Services {
  db: Database;
  clock: Clock;
  actors: ActorService;
  sessions: SessionService;
  tenants: TenantService;
  users: UserService;
  teams: TeamService;
  scimTokens: ScimTokenService;
  ssoConnections: SsoConnectionService;
  audit: AuditService;
}

/** Wires every service by hand from the database, the clock and the instance key. */
export function createServices(db: Database, opts: { encryptionKey: Buffer; clock?: Clock }): Services {
  const clock = opts.clock ?? systemClock;
  const deps = { db, clock, audit: new AuditLog(clock), secrets: new SecretBox(opts.encryptionKey) };
  const actors = new ActorService(deps);
  return {
    db,
    clock,
    actors,
    sessions: new SessionService(deps, actors, opts.encryptionKey),
    tenants: new TenantService(deps),
    users: new UserService(deps),
    teams: new TeamService(deps),
    scimTokens: new ScimTokenService(deps),
    ssoConnections: new SsoConnectionService(deps),
    audit: new AuditService(deps),
  };
}

export type { ActorContext } from './context.js';
export { authorize, systemActor } from './context.js';
export type { ChainVerdict } from './audit.js';
export { userStatus } from './user.service.js';
export { highestTeamRole } from './roles.js';
export { verifyAuditChain, hashAuditEvent, canonicalJson } from './audit.js';
export type { AddMemberResult } from './team.service.js';
export type { CreatedTenant } from './tenant.service.js';
export type { ScimPrincipal } from './scim-token.service.js';
export { loadEncryptionKey } from './instance-secrets.js';
export {
  SESSION_POLICY_BOUNDS,
  sessionExpiry,
  type ResolvedSession,
  type StartSessionInput,
} from './session.service.js';
