// Entry point `@gatehouse/domain/permissions`. The SPA imports it: no node built-ins, no typeorm.
export { TENANT_ROLES, TEAM_ROLES } from './roles.js';
export type { Actor, Features, Target, TeamRole, TenantRole, UserActor } from './roles.js';
export {
  ALL_ACTIONS,
  PROVISIONER_ACTIONS,
  TEAM_TABLE,
  TENANT_TABLE,
  isProvisionerAction,
  isTeamAction,
  isTenantAction,
} from './table.js';
export type { Action, ProvisionerAction, TeamAction, TenantAction } from './table.js';
export { can, explain } from './can.js';
export type { Decision, Requirement } from './can.js';
