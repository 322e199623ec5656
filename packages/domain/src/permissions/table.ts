// The one permission table, transcribed from the seeds in /work/shared/seeds:
//   000 what a tenant owner does; 001 what a tenant manager may and may not do; 002 team roles and sharing.
// Every cell is explicit: `true`, `false`, or a rule over the request. can.ts is the only reader.
import type { Target, TeamRole, TenantRole, UserActor } from './roles.js';

export interface RuleContext {
  actor: UserActor;
  target: Target;
}
export type Predicate = (context: RuleContext) => boolean;
/** A team cell that depends on the request; `who` names whoever it admits, for denial messages. */
export interface Condition {
  (context: RuleContext): boolean;
  readonly who: string;
}
export type TenantRow = Readonly<Record<TenantRole, boolean | Predicate>>;
export type TeamRow = Readonly<Record<TeamRole, boolean | Condition>>;

function condition(who: string, test: Predicate): Condition {
  return Object.assign((context: RuleContext) => test(context), { who });
}

/** 001: managers are "limited to the standard tenant-user role", on both the account and the role granted. */
const onlyMembers: Predicate = ({ target }) =>
  target.tenantRole === 'member' && (target.newRole ?? 'member') === 'member';
/** A member's own account: the one user record every member may see. */
const isSelf: Predicate = ({ actor, target }) => target.userId === actor.userId;
/** 002: credential domain changes "are restricted to Team Admin or the credential creator". */
export const isCreator = condition(
  "the credential's creator",
  ({ actor, target }) => target.createdBy === actor.userId,
);
/** 002: the case manager role "is only available to customers with cases enabled". */
const withCases = condition('case manager', ({ actor }) => actor.features?.cases === true);

// One row per line with aligned columns, so the table reads like the seeds' permission tables:
// prettier-ignore
export const TENANT_TABLE = {
  // 000: every user works inside the tenant; what they see of it is scoped by role below
  'tenant:view':           { owner: true, manager: true,        member: true },
  // one's own sessions are one's own to review; their policy is the owner's (000 "Managing session settings")
  'session:listOwn':       { owner: true, manager: true,        member: true },
  // signing oneself out takes authority from no one; session policy is the owner's (000)
  'session:endOwn':        { owner: true, manager: true,        member: true },
  // 002: members see only "teams that they are a part of unless they are a tenant owner"; the query scopes it
  'team:list':             { owner: true, manager: true,        member: true },
  // 001: managers "manage managed-group governance"; 000: owners oversee "how teams are structured"
  'team:create':           { owner: true, manager: true,        member: false },
  // 001: managers "open Management → Users"; a member sees only their own account
  'user:list':             { owner: true, manager: true,        member: isSelf },
  // 000: "Monitoring access"; 001: "Start on Management → Users … for role review"; members see themselves
  'user:view':             { owner: true, manager: true,        member: isSelf },
  // 001: managers "create and manage Tenant User accounts" and are "limited to the standard tenant-user role"
  'user:create':           { owner: true, manager: onlyMembers, member: false },
  // 000: "Inviting new users"; 001: "cannot assign or promote Tenant Owner", "cannot assign Tenant Manager"
  'user:invite':           { owner: true, manager: onlyMembers, member: false },
  // 001: managers help a tenant user who "misses a welcome email"
  'user:resendInvitation': { owner: true, manager: onlyMembers, member: false },
  // 001: managers "create and manage Tenant User accounts" — a pending invitation is one
  'user:revokeInvitation': { owner: true, manager: onlyMembers, member: false },
  // 001: "cannot manage owner accounts"; escalate when "the target account is already a manager or owner"
  'user:update':           { owner: true, manager: onlyMembers, member: false },
  // 001: escalate when "the requested role change would create or remove elevated authority"
  'user:changeRole':       { owner: true, manager: onlyMembers, member: false },
  // 000: "Removing users"; 001: manager workflows only when "the user being managed is a Tenant User"
  'user:deactivate':       { owner: true, manager: onlyMembers, member: false },
  // 001: manager workflows only when "the user being managed is a Tenant User"
  'user:reactivate':       { owner: true, manager: onlyMembers, member: false },
  // 000: "Removing users: When someone leaves the organization"; 001: managers only for Tenant Users
  'user:remove':           { owner: true, manager: onlyMembers, member: false },
  // 001: managers act when "the change is operational and reversible" and the user is a Tenant User
  'user:revokeSessions':   { owner: true, manager: onlyMembers, member: false },
  // 001: managers "reset MFA and password-help flows for eligible tenant users"
  'user:resetMfa':         { owner: true, manager: onlyMembers, member: false },
  // 001: managers help a tenant user who "needs a new password-reset path"
  'user:sendSignInLink':   { owner: true, manager: onlyMembers, member: false },
  // 000: "Monitoring security events: Through audit logs"; 001: managers "review tenant observability"
  'audit:view':            { owner: true, manager: true,        member: false },
  // 000: "view when users last signed in"; 001: managers review "access logs"
  'signIns:view':          { owner: true, manager: true,        member: false },
  // 000: "download sign-in activity logs"; 001: managers gather "evidence about access patterns"
  'signIns:export':        { owner: true, manager: true,        member: false },
  // 000: "Monitoring event usage"; 001: managers review "usage … and billing analytics"
  'usage:view':            { owner: true, manager: true,        member: false },
  // 001: "Use observability evidence before making broad user or governance changes"
  'provisioningLog:view':  { owner: true, manager: true,        member: false },
  // 001: managers "cannot edit owner-only tenant policy controls" — looking at them is not editing
  'settings:view':         { owner: true, manager: true,        member: false },
  // 000: "Configuring authentication"; 001: managers "cannot edit owner-only tenant policy controls"
  'authMethods:edit':      { owner: true, manager: false,       member: false },
  // 000: "Managing session settings: You can control how long users stay logged in"
  'sessionPolicy:edit':    { owner: true, manager: false,       member: false },
  // 000: "Setting up access controls: This includes IP allowlists"
  'ipAllowlist:edit':      { owner: true, manager: false,       member: false },
  // 000: "action egress controls, and other restrictions that determine what can happen within your tenant"
  'egress:edit':           { owner: true, manager: false,       member: false },
  // 000: "set up how users log in, whether that's through … single sign-on"
  'sso:manage':            { owner: true, manager: false,       member: false },
  // 000: owners set up how users arrive; 001: escalate when "the task requires tenant policy changes"
  'scim:manage':           { owner: true, manager: false,       member: false },
  // 001: mapping IdP groups to roles can "create or remove elevated authority"
  'groupMapping:manage':   { owner: true, manager: false,       member: false },
  // 000: "AI settings: Deciding which AI providers and models are available to your teams"
  'ai:edit':               { owner: true, manager: false,       member: false },
  // 000: "Feature flags: Enabling or disabling new features based on your organization's readiness"
  'featureFlags:edit':     { owner: true, manager: false,       member: false },
  // 000: "Custom branding: Setting up custom sender email addresses or login notices"
  'branding:edit':         { owner: true, manager: false,       member: false },
  // 000: "Integration settings: Configuring how Tines connects with your other tools"
  'integrations:edit':     { owner: true, manager: false,       member: false },
  // 002: "the tenant owner can provision story limits by team"; 000: "Setting team limits"
  'allocation:edit':       { owner: true, manager: false,       member: false },
  // 000: owners keep "an eye on who's doing what and when" — proving the log untampered is that duty
  'audit:verify':          { owner: true, manager: false,       member: false },
  // 000: "Monitoring event usage" is tenant-wide configuration once a key lets other tools read it
  'usageKey:manage':       { owner: true, manager: false,       member: false },
  // 000: "whether you're approaching any limits" — the tenant's monthly event limit is tenant-wide policy
  'usageLimit:edit':       { owner: true, manager: false,       member: false },
  // 001: delivery problems go past managers ("ask a Control Panel operator"); the outbox holds sign-in links
  'outbox:view':           { owner: true, manager: false,       member: false },
} as const satisfies Record<string, TenantRow>;

// One row per line with aligned columns, so the table reads like the seeds' permission tables:
// prettier-ignore
export const TEAM_TABLE = {
  // 002: "Team members will only be able to access the configuration items of teams that they are a part of"
  'team:view':              { admin: true, editor: true,      viewer: true,  case_manager: true,      dashboard_manager: true },
  // 002: Team Admin is for "admins or team managers"; the other roles work on objects, not on the team
  'team:rename':            { admin: true, editor: false,     viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: admins may "perform destructive actions on a team"
  'team:delete':            { admin: true, editor: false,     viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: Team Admin is for those "responsible to adding/removing users from a team"
  'team:addMember':         { admin: true, editor: false,     viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: "A team admin can change the role of a user or assign a role to a new user"
  'team:changeMemberRole':  { admin: true, editor: false,     viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: "Members can be removed from a team at any point by any team administrator or a tenant owner"
  'team:removeMember':      { admin: true, editor: false,     viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: Viewer has "read-only permission to most objects"; Case manager is kept from "stories"
  'story:read':             { admin: true, editor: true,      viewer: true,  case_manager: false,     dashboard_manager: false },
  // 002: Editor suits users "who simply want to create, edit and run stories"
  'story:create':           { admin: true, editor: true,      viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: Editor suits users "who simply want to create, edit and run stories"
  'story:edit':             { admin: true, editor: true,      viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: Editor suits users "who simply want to create, edit and run stories"
  'story:run':              { admin: true, editor: true,      viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: sharing a story is done by "selecting teams from the Access section" — an edit, not a deletion
  'story:editAccess':       { admin: true, editor: true,      viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: editors "cannot perform destructive actions on the team such as deleting stories"
  'story:delete':           { admin: true, editor: false,     viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: "pushing test changes to the live story (this action is reserved for team admins only)"
  'story:pushLive':         { admin: true, editor: false,     viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: Viewer has "read-only permission to most objects"; Case manager is kept from "resources"
  'resource:read':          { admin: true, editor: true,      viewer: true,  case_manager: false,     dashboard_manager: false },
  // 002: Editor has "read and write permissions to most objects on the team"
  'resource:create':        { admin: true, editor: true,      viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: Editor has "read and write permissions to most objects on the team"
  'resource:edit':          { admin: true, editor: true,      viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: resources are shared through "the 'Access' configuration options within the object"
  'resource:editAccess':    { admin: true, editor: true,      viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: editors "cannot perform destructive actions … such as deleting stories, resources or credentials"
  'resource:delete':        { admin: true, editor: false,     viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: Viewer has "read-only permission to most objects"; Case manager is kept from "credentials"
  'credential:read':        { admin: true, editor: true,      viewer: true,  case_manager: false,     dashboard_manager: false },
  // 002: Editor has "read and write permissions to most objects on the team"
  'credential:create':      { admin: true, editor: true,      viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: Editor has "read and write permissions to most objects on the team"
  'credential:edit':        { admin: true, editor: true,      viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: editors "cannot perform destructive actions … such as deleting stories, resources or credentials"
  'credential:delete':      { admin: true, editor: false,     viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: credential "Access (control where the credential can be used): changes are restricted to Team Admin"
  'credential:editAccess':  { admin: true, editor: false,     viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: credential "Domains …: changes are restricted to Team Admin or the credential creator"
  'credential:editDomains': { admin: true, editor: isCreator, viewer: false, case_manager: false,     dashboard_manager: false },
  // 002: Viewer reads "most objects"; Case manager has "read-write permissions to cases" when cases are on
  'case:read':              { admin: true, editor: true,      viewer: true,  case_manager: withCases, dashboard_manager: false },
  // 002: Case manager "gives the user read-write permissions to cases"; Editor writes "most objects"
  'case:create':            { admin: true, editor: true,      viewer: false, case_manager: withCases, dashboard_manager: false },
  // 002: Case manager "gives the user read-write permissions to cases"; Editor writes "most objects"
  'case:edit':              { admin: true, editor: true,      viewer: false, case_manager: withCases, dashboard_manager: false },
  // 002: editors lack "destructive actions"; case managers have "read-write permissions to cases"
  'case:delete':            { admin: true, editor: false,     viewer: false, case_manager: withCases, dashboard_manager: false },
  // 002: Dashboard manager "is inherited by Editors, and those with cases enabled also get" it; viewers read
  'dashboard:read':         { admin: true, editor: true,      viewer: true,  case_manager: withCases, dashboard_manager: true },
  // 002: Dashboard manager "gives the user read and write permissions to dashboards"; inherited as above
  'dashboard:create':       { admin: true, editor: true,      viewer: false, case_manager: withCases, dashboard_manager: true },
  // 002: Dashboard manager "gives the user read and write permissions to dashboards"; inherited as above
  'dashboard:edit':         { admin: true, editor: true,      viewer: false, case_manager: withCases, dashboard_manager: true },
  // 002: Dashboard manager "gives the user read and write permissions to dashboards"; inherited as above
  'dashboard:delete':       { admin: true, editor: true,      viewer: false, case_manager: withCases, dashboard_manager: true },
  // 002: Case managers "are still able to author stories in their drafts" — so is every other role
  'drafts:author':          { admin: true, editor: true,      viewer: true,  case_manager: true,      dashboard_manager: true },
  // 002: every role may "access objects … shared globally with all users" (All teams & drafts)
  'sharedObject:use':       { admin: true, editor: true,      viewer: true,  case_manager: true,      dashboard_manager: true },
} as const satisfies Record<string, TeamRow>;

/** Actions only the identity provider's SCIM token takes (the system actor may too). */
export const PROVISIONER_ACTIONS = ['user:provision', 'group:provision'] as const;

export type TenantAction = keyof typeof TENANT_TABLE;
export type TeamAction = keyof typeof TEAM_TABLE;
export type ProvisionerAction = (typeof PROVISIONER_ACTIONS)[number];
export type Action = TenantAction | TeamAction | ProvisionerAction;

/** Object.keys is typed string[]; these tables are literals, so their keys are exactly keyof T. */
function keysOf<T extends object>(object: T): (keyof T & string)[] {
  return Object.keys(object) as (keyof T & string)[];
}

export const ALL_ACTIONS: readonly Action[] = [
  ...keysOf(TENANT_TABLE),
  ...keysOf(TEAM_TABLE),
  ...PROVISIONER_ACTIONS,
];

export function isTenantAction(action: string): action is TenantAction {
  return Object.hasOwn(TENANT_TABLE, action);
}

export function isTeamAction(action: string): action is TeamAction {
  return Object.hasOwn(TEAM_TABLE, action);
}

export function isProvisionerAction(action: string): action is ProvisionerAction {
  return PROVISIONER_ACTIONS.some((provisionerAction) => provisionerAction === action);
}
