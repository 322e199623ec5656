// The one permission check. Services, API middleware and the SPA all ask it; nothing else compares roles.
import { TEAM_ROLES, type Actor, type Target, type TeamRole, type UserActor } from './roles.js';
import {
  TEAM_TABLE,
  TENANT_TABLE,
  isCreator,
  isProvisionerAction,
  isTenantAction,
  type Action,
  type Predicate,
  type RuleContext,
  type TeamAction,
  type TeamRow,
  type TenantAction,
  type TenantRow,
} from './table.js';

/** Who could take the denied action; the SPA may phrase its own hint from this. */
export type Requirement =
  | 'tenant owner'
  | 'tenant owner or manager'
  | 'team admin'
  | 'team admin or creator'
  /** One of several team roles; the reason names them. */
  | 'team role'
  | 'team member'
  | 'provisioner'
  | 'signed-in user';

export type Decision = { allowed: true } | { allowed: false; reason: string; requires: Requirement };

const ALLOWED: Decision = Object.freeze({ allowed: true });

const TEAM_ROLE_NAMES: Readonly<Record<TeamRole, string>> = {
  admin: 'team admin',
  editor: 'editor',
  viewer: 'viewer',
  case_manager: 'case manager',
  dashboard_manager: 'dashboard manager',
};

export function can(actor: Actor, action: Action, target: Target = {}): boolean {
  return explain(actor, action, target).allowed;
}

/** `can`, with a sentence saying who could do it when the answer is no. */
export function explain(actor: Actor, action: Action, target: Target = {}): Decision {
  switch (actor.kind) {
    case 'system':
      return ALLOWED;
    case 'provisioner':
      // the SCIM token speaks for the identity provider about accounts and groups, nothing more
      return isProvisionerAction(action)
        ? ALLOWED
        : deny('Provisioning tokens may only provision users and groups.', 'signed-in user');
    case 'user':
      return explainForUser(actor, action, target);
  }
}

function explainForUser(actor: UserActor, action: Action, target: Target): Decision {
  // SCIM is the identity provider's channel; people change accounts through the user:* actions
  if (isProvisionerAction(action)) {
    return deny("Requires the identity provider's provisioning token.", 'provisioner');
  }
  const context = { actor, target };
  return isTenantAction(action) ? explainTenantAction(action, context) : explainTeamAction(action, context);
}

function explainTenantAction(action: TenantAction, context: RuleContext): Decision {
  const row: TenantRow = TENANT_TABLE[action];
  if (holds(row[context.actor.tenantRole], context)) return ALLOWED;
  // 001: whatever is beyond a manager is escalated "to a tenant owner"
  return holds(row.manager, context)
    ? deny('Requires tenant owner or manager.', 'tenant owner or manager')
    : deny('Requires tenant owner.', 'tenant owner');
}

function explainTeamAction(action: TeamAction, context: RuleContext): Decision {
  const role = teamRoleOf(context.actor, context.target.teamId);
  if (role === undefined) return deny('Requires membership of this team.', 'team member');
  const row: TeamRow = TEAM_TABLE[action];
  return holds(row[role], context) ? ALLOWED : teamDenial(row);
}

function teamRoleOf(actor: UserActor, teamId: string | undefined): TeamRole | undefined {
  // 002: members reach only teams "they are a part of unless they are a tenant owner"; owners act as admin
  if (actor.tenantRole === 'owner') return 'admin';
  // own properties only, so a team id such as "constructor" cannot find something on Object.prototype
  if (teamId === undefined || !Object.hasOwn(actor.teamRoles, teamId)) return undefined;
  return actor.teamRoles[teamId];
}

function teamDenial(row: TeamRow): Decision {
  const admitted = TEAM_ROLES.flatMap((role) => whoIn(row, role));
  return deny(`Requires ${joinWithOr(admitted)}.`, teamRequirement(row));
}

function whoIn(row: TeamRow, role: TeamRole): string[] {
  const cell = row[role];
  if (cell === false) return [];
  return [cell === true ? TEAM_ROLE_NAMES[role] : cell.who];
}

function teamRequirement(row: TeamRow): Requirement {
  const beyondAdmin = TEAM_ROLES.filter((role) => role !== 'admin' && row[role] !== false);
  if (beyondAdmin.length === 0) return 'team admin';
  // 002: credential domains are "restricted to Team Admin or the credential creator"
  return beyondAdmin.every((role) => row[role] === isCreator) ? 'team admin or creator' : 'team role';
}

function holds(rule: boolean | Predicate, context: RuleContext): boolean {
  return typeof rule === 'function' ? rule(context) : rule;
}

function deny(reason: string, requires: Requirement): Decision {
  return { allowed: false, reason, requires };
}

/** ['a'] → 'a'; ['a', 'b', 'c'] → 'a, b or c'. */
function joinWithOr(words: readonly string[]): string {
  const last = words.at(-1) ?? '';
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${last}` : last;
}
