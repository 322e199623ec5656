// The permission matrix, written by hand from the seeds (000 tenant owner, 001 tenant manager, 002 teams).
// Expectations come from the seeds' sentences, never from TENANT_TABLE / TEAM_TABLE; the last block checks
// that these rules decide every action for every role, so a new action cannot ship without a rule here.
import { describe, expect, it } from 'vitest';
import {
  ALL_ACTIONS,
  TEAM_ROLES,
  TENANT_ROLES,
  can,
  explain,
  isTeamAction,
  type Action,
  type Actor,
  type Features,
  type Target,
  type TeamRole,
  type TenantRole,
} from './index.js';

type Row = [TenantRole, TeamRole | null, Action, Target, boolean];

const ME = 'user-me';
const TEAM = 'team-1';
const CASES_ON: Features = { cases: true, customObjectSharing: false };
const CASES_OFF: Features = { cases: false, customObjectSharing: false };

/** `teamRole` is the role in TEAM; null means none there (but admin of another team, which must not leak). */
function userActor(tenantRole: TenantRole, teamRole: TeamRole | null, features?: Features): Actor {
  const teamRoles: Record<string, TeamRole> = teamRole ? { [TEAM]: teamRole } : { 'team-2': 'admin' };
  return {
    kind: 'user',
    tenantId: 'tenant-1',
    userId: ME,
    tenantRole,
    teamRoles,
    ...(features && { features }),
  };
}

const covered: Array<{ tenantRole: TenantRole; teamRole: TeamRole | null; action: Action }> = [];

/** A rule from the seeds, and the rows that show it. */
function rule(name: string, rows: Row[], features?: Features): void {
  covered.push(...rows.map(([tenantRole, teamRole, action]) => ({ tenantRole, teamRole, action })));
  describe(name, () => {
    it.each(rows)('%s / %s: %s %o → %s', (tenantRole, teamRole, action, target, allowed) => {
      expect(can(userActor(tenantRole, teamRole, features), action, target)).toBe(allowed);
    });
  });
}

/** One expectation for several actions, each listed by hand below. */
function rows(
  tenantRole: TenantRole,
  teamRole: TeamRole | null,
  actions: readonly Action[],
  target: Target,
  allowed: boolean,
): Row[] {
  return actions.map((action) => [tenantRole, teamRole, action, target, allowed]);
}

// Accounts acted on, by their current tenant role and the tenant role being granted.
const aMember: Target = { userId: 'user-member', tenantRole: 'member' };
const aManager: Target = { userId: 'user-manager', tenantRole: 'manager' };
const anOwner: Target = { userId: 'user-owner', tenantRole: 'owner' };
const memberToManager: Target = { ...aMember, newRole: 'manager' };
const memberToOwner: Target = { ...aMember, newRole: 'owner' };
const managerToMember: Target = { ...aManager, newRole: 'member' };
const myself: Target = { userId: ME, tenantRole: 'member' };
const everyAccountKind = [aMember, aManager, anOwner, memberToManager, memberToOwner, managerToMember];

// Objects in TEAM.
const inTeam: Target = { teamId: TEAM };
const myCredential: Target = { teamId: TEAM, createdBy: ME };
const someoneElsesCredential: Target = { teamId: TEAM, createdBy: 'user-other' };

// ---- tenant actions, grouped as the seeds group them ----
const EVERYONES: Action[] = ['tenant:view', 'session:listOwn', 'session:endOwn', 'team:list'];
const ACCOUNT_OPERATIONS: Action[] = [
  'user:create',
  'user:invite',
  'user:resendInvitation',
  'user:revokeInvitation',
  'user:update',
  'user:changeRole',
  'user:deactivate',
  'user:reactivate',
  'user:remove',
  'user:revokeSessions',
  'user:resetMfa',
  'user:sendSignInLink',
];
const OBSERVABILITY: Action[] = [
  'audit:view',
  'signIns:view',
  'signIns:export',
  'usage:view',
  'provisioningLog:view',
  'settings:view',
];
const OWNER_POLICY: Action[] = [
  'authMethods:edit',
  'sessionPolicy:edit',
  'ipAllowlist:edit',
  'egress:edit',
  'sso:manage',
  'scim:manage',
  'groupMapping:manage',
  'ai:edit',
  'featureFlags:edit',
  'branding:edit',
  'integrations:edit',
  'allocation:edit',
  'audit:verify',
  'usageKey:manage',
  'usageLimit:edit',
  'outbox:view',
];
const PROVISIONING: Action[] = ['user:provision', 'group:provision'];

// ---- team actions ----
const EVERY_ROLES: Action[] = ['team:view', 'drafts:author', 'sharedObject:use'];
const TEAM_MANAGEMENT: Action[] = [
  'team:rename',
  'team:delete',
  'team:addMember',
  'team:changeMemberRole',
  'team:removeMember',
];
const READS: Action[] = ['story:read', 'resource:read', 'credential:read'];
const WRITES: Action[] = [
  'story:create',
  'story:edit',
  'story:run',
  'story:editAccess',
  'resource:create',
  'resource:edit',
  'resource:editAccess',
  'credential:create',
  'credential:edit',
];
const DELETIONS: Action[] = ['story:delete', 'resource:delete', 'credential:delete'];
const ADMIN_RESERVED: Action[] = ['story:pushLive', 'credential:editAccess'];
const CASES: Action[] = ['case:read', 'case:create', 'case:edit', 'case:delete'];
const CASE_WRITES: Action[] = ['case:create', 'case:edit'];
const DASHBOARDS: Action[] = ['dashboard:read', 'dashboard:create', 'dashboard:edit', 'dashboard:delete'];
const DASHBOARD_WRITES: Action[] = ['dashboard:create', 'dashboard:edit', 'dashboard:delete'];
const EVERY_TEAM_ACTION: Action[] = [
  ...EVERY_ROLES,
  ...TEAM_MANAGEMENT,
  ...READS,
  ...WRITES,
  ...DELETIONS,
  ...ADMIN_RESERVED,
  'credential:editDomains',
  ...CASES,
  ...DASHBOARDS,
];

describe('tenant roles (seeds 000 and 001)', () => {
  rule('every user may see the tenant, review and end their own sessions, and list their teams', [
    ...rows('owner', null, EVERYONES, {}, true),
    ...rows('manager', null, EVERYONES, {}, true),
    ...rows('member', null, EVERYONES, {}, true),
  ]);

  rule('owners and managers may create teams; a member may not (001: "manage managed-group governance")', [
    ['owner', null, 'team:create', {}, true],
    ['manager', null, 'team:create', {}, true],
    ['member', null, 'team:create', {}, false],
  ]);

  rule('owners and managers may list and view every account (001: "open Management → Users")', [
    ['owner', null, 'user:list', {}, true],
    ['owner', null, 'user:view', anOwner, true],
    ['owner', null, 'user:view', aMember, true],
    ['manager', null, 'user:list', {}, true],
    ['manager', null, 'user:view', anOwner, true],
    ['manager', null, 'user:view', aManager, true],
    ['manager', null, 'user:view', aMember, true],
  ]);

  rule('a member may see only their own account', [
    ['member', null, 'user:view', myself, true],
    ['member', null, 'user:list', myself, true],
    ['member', null, 'user:view', aMember, false],
    ['member', null, 'user:view', anOwner, false],
    ['member', null, 'user:list', {}, false],
  ]);

  rule(
    'an owner manages every account, whatever its role and whatever role it is given (000: "Assigning roles")',
    everyAccountKind.flatMap((target) => rows('owner', null, ACCOUNT_OPERATIONS, target, true)),
  );

  rule(
    'a manager manages plain member accounts (001: "create and manage Tenant User accounts")',
    rows('manager', null, ACCOUNT_OPERATIONS, aMember, true),
  );

  rule(
    'a manager cannot act on another manager (001: escalate when "the target account is already a manager")',
    rows('manager', null, ACCOUNT_OPERATIONS, aManager, false),
  );

  rule(
    'a manager cannot manage owner accounts (001: "cannot manage owner accounts")',
    rows('manager', null, ACCOUNT_OPERATIONS, anOwner, false),
  );

  rule(
    'a manager cannot promote a member to manager (001: "cannot assign Tenant Manager")',
    rows('manager', null, ACCOUNT_OPERATIONS, memberToManager, false),
  );

  rule(
    'a manager cannot promote a member to owner (001: "cannot assign or promote Tenant Owner")',
    rows('manager', null, ACCOUNT_OPERATIONS, memberToOwner, false),
  );

  rule(
    'a manager cannot demote a manager (001: a change that would "remove elevated authority")',
    rows('manager', null, ACCOUNT_OPERATIONS, managerToMember, false),
  );

  rule(
    'a manager cannot invite or create anyone but a plain member (001: "limited to the standard tenant-user role")',
    [
      ['manager', null, 'user:invite', { tenantRole: 'manager' }, false],
      ['manager', null, 'user:invite', { tenantRole: 'owner' }, false],
      ['manager', null, 'user:create', { tenantRole: 'manager' }, false],
      ['manager', null, 'user:invite', { tenantRole: 'member' }, true],
      ['manager', null, 'user:create', { tenantRole: 'member' }, true],
    ],
  );

  rule("a manager is refused when the account's role is not known (fail closed: it may be elevated)", [
    ['manager', null, 'user:update', { userId: 'user-unknown' }, false],
    ['manager', null, 'user:changeRole', { newRole: 'member' }, false],
  ]);

  rule(
    "a member manages no account, not another member's (001: account work is for managers and owners)",
    rows('member', null, ACCOUNT_OPERATIONS, aMember, false),
  );

  rule('a member cannot change their own role or account state', [
    ['member', null, 'user:changeRole', { ...myself, newRole: 'manager' }, false],
    ['member', null, 'user:resetMfa', myself, false],
    ['member', null, 'user:remove', myself, false],
  ]);

  rule(
    'owners and managers review observability; members do not (001: managers "review tenant observability")',
    [
      ...rows('owner', null, OBSERVABILITY, {}, true),
      ...rows('manager', null, OBSERVABILITY, {}, true),
      ...rows('member', null, OBSERVABILITY, {}, false),
    ],
  );

  rule('only an owner edits tenant policy (001: managers "cannot edit owner-only tenant policy controls")', [
    ...rows('owner', null, OWNER_POLICY, {}, true),
    ...rows('manager', null, OWNER_POLICY, {}, false),
    ...rows('member', null, OWNER_POLICY, {}, false),
  ]);

  rule("no signed-in user provisions through SCIM; that is the identity provider's token", [
    ...rows('owner', null, PROVISIONING, {}, false),
    ...rows('manager', null, PROVISIONING, {}, false),
    ...rows('member', null, PROVISIONING, {}, false),
  ]);
});

describe('team roles (seed 002)', () => {
  rule(
    'a team admin may do everything in its team (002: "unrestricted read and write permissions to all objects")',
    [
      ...rows('member', 'admin', EVERY_TEAM_ACTION, inTeam, true),
      ['member', 'admin', 'credential:editDomains', someoneElsesCredential, true],
    ],
    CASES_ON,
  );

  rule(
    'a tenant owner acts as team admin in a team they are not in (002: "unless they are a tenant owner")',
    [
      ...rows('owner', null, EVERY_TEAM_ACTION, inTeam, true),
      ['owner', null, 'credential:editDomains', someoneElsesCredential, true],
    ],
    CASES_ON,
  );

  rule(
    'without a role on the team a member or manager may do nothing there (002: only "teams that they are a part of")',
    [
      ...rows('member', null, EVERY_TEAM_ACTION, inTeam, false),
      ...rows('manager', null, EVERY_TEAM_ACTION, inTeam, false),
    ],
    CASES_ON,
  );

  rule('a team role applies to its own team only', [
    ['member', 'admin', 'story:read', { teamId: 'team-3' }, false],
    ['member', 'admin', 'story:read', {}, false],
    ['manager', 'editor', 'story:edit', { teamId: 'team-3' }, false],
  ]);

  rule(
    'every team role may view the team, author in its drafts and use objects shared with all teams (002)',
    TEAM_ROLES.flatMap((role) => rows('member', role, EVERY_ROLES, inTeam, true)),
    CASES_ON,
  );

  rule(
    'an editor reads, creates, edits and runs stories, resources and credentials (002: "create, edit and run stories")',
    [...rows('member', 'editor', READS, inTeam, true), ...rows('member', 'editor', WRITES, inTeam, true)],
  );

  rule('an editor cannot delete stories, resources or credentials (002: no "destructive actions")', [
    ...rows('member', 'editor', DELETIONS, inTeam, false),
  ]);

  rule(
    'an editor cannot push test changes live or change where a credential is used (002: "reserved for team admins")',
    rows('member', 'editor', ADMIN_RESERVED, inTeam, false),
  );

  rule(
    'an editor cannot manage the team or its members (002: admins are "responsible to adding/removing users")',
    rows('member', 'editor', TEAM_MANAGEMENT, inTeam, false),
  );

  rule(
    'an editor may change a credential\'s domains only if they created it (002: "Team Admin or the credential creator")',
    [
      ['member', 'editor', 'credential:editDomains', myCredential, true],
      ['member', 'editor', 'credential:editDomains', someoneElsesCredential, false],
      ['member', 'editor', 'credential:editDomains', inTeam, false],
    ],
  );

  rule(
    'an editor works on cases and dashboards but deletes no case (002: Dashboard manager "is inherited by Editors")',
    [
      ['member', 'editor', 'case:read', inTeam, true],
      ...rows('member', 'editor', CASE_WRITES, inTeam, true),
      ['member', 'editor', 'case:delete', inTeam, false],
      ...rows('member', 'editor', DASHBOARDS, inTeam, true),
    ],
    CASES_ON,
  );

  rule('a viewer reads stories, resources, credentials, cases and dashboards (002: "read-only permission")', [
    ...rows('member', 'viewer', READS, inTeam, true),
    ['member', 'viewer', 'case:read', inTeam, true],
    ['member', 'viewer', 'dashboard:read', inTeam, true],
  ]);

  rule(
    'a viewer changes nothing (002: oversight "without the ability to alter it")',
    [
      ...rows('member', 'viewer', WRITES, inTeam, false),
      ...rows('member', 'viewer', DELETIONS, inTeam, false),
      ...rows('member', 'viewer', ADMIN_RESERVED, inTeam, false),
      ...rows('member', 'viewer', TEAM_MANAGEMENT, inTeam, false),
      ...rows('member', 'viewer', CASE_WRITES, inTeam, false),
      ['member', 'viewer', 'case:delete', inTeam, false],
      ...rows('member', 'viewer', DASHBOARD_WRITES, inTeam, false),
    ],
    CASES_ON,
  );

  rule('a viewer who created a credential still cannot change its domains (the viewer role is read-only)', [
    ['member', 'viewer', 'credential:editDomains', myCredential, false],
    ['member', 'viewer', 'credential:editDomains', someoneElsesCredential, false],
  ]);

  rule(
    'with cases enabled a case manager reads and writes cases and dashboards (002: "also get Dashboard manager")',
    [
      ...rows('member', 'case_manager', CASES, inTeam, true),
      ...rows('member', 'case_manager', DASHBOARDS, inTeam, true),
    ],
    CASES_ON,
  );

  rule(
    'without cases a case manager gets neither cases nor dashboards (002: "only available to customers with cases enabled")',
    [
      ...rows('member', 'case_manager', CASES, inTeam, false),
      ...rows('member', 'case_manager', DASHBOARDS, inTeam, false),
    ],
    CASES_OFF,
  );

  rule('a case manager with no feature flags loaded is treated as having cases disabled', [
    ['member', 'case_manager', 'case:read', inTeam, false],
    ['member', 'case_manager', 'dashboard:edit', inTeam, false],
  ]);

  rule(
    'without cases a case manager still authors drafts and uses shared objects (002: "still able to author stories in their drafts")',
    rows('member', 'case_manager', EVERY_ROLES, inTeam, true),
    CASES_OFF,
  );

  rule(
    'a case manager cannot touch stories, resources, credentials or the team (002: "restricting access to other objects")',
    [
      ...rows('member', 'case_manager', READS, inTeam, false),
      ...rows('member', 'case_manager', WRITES, inTeam, false),
      ...rows('member', 'case_manager', DELETIONS, inTeam, false),
      ...rows('member', 'case_manager', ADMIN_RESERVED, inTeam, false),
      ...rows('member', 'case_manager', TEAM_MANAGEMENT, inTeam, false),
      ['member', 'case_manager', 'credential:editDomains', myCredential, false],
    ],
    CASES_ON,
  );

  rule(
    'a dashboard manager reads and writes dashboards (002: "read and write permissions to dashboards")',
    rows('member', 'dashboard_manager', DASHBOARDS, inTeam, true),
    CASES_OFF,
  );

  rule(
    'a dashboard manager reaches no other object, cases included (002: the role covers "dashboards and its elements")',
    [
      ...rows('member', 'dashboard_manager', READS, inTeam, false),
      ...rows('member', 'dashboard_manager', WRITES, inTeam, false),
      ...rows('member', 'dashboard_manager', DELETIONS, inTeam, false),
      ...rows('member', 'dashboard_manager', ADMIN_RESERVED, inTeam, false),
      ...rows('member', 'dashboard_manager', TEAM_MANAGEMENT, inTeam, false),
      ...rows('member', 'dashboard_manager', CASES, inTeam, false),
      ['member', 'dashboard_manager', 'credential:editDomains', myCredential, false],
    ],
    CASES_ON,
  );
});

describe('non-human actors', () => {
  const provisioner: Actor = {
    kind: 'provisioner',
    tenantId: 'tenant-1',
    tokenId: 'token-1',
    label: 'Entra ID',
  };
  const system: Actor = { kind: 'system', tenantId: 'tenant-1' };

  it.each(PROVISIONING)('a provisioning token may take %s', (action) => {
    expect(can(provisioner, action)).toBe(true);
  });

  it.each(ALL_ACTIONS.filter((action) => !PROVISIONING.includes(action)))(
    'a provisioning token may not take %s: it only provisions users and groups',
    (action) => {
      expect(can(provisioner, action, { teamId: TEAM, tenantRole: 'member' })).toBe(false);
    },
  );

  it.each(ALL_ACTIONS)('the system actor (CLI / operator) may take %s', (action) => {
    expect(can(system, action, { teamId: TEAM, tenantRole: 'owner', newRole: 'owner' })).toBe(true);
  });
});

describe('explain() says who could', () => {
  it.each(OWNER_POLICY)(
    'tells a manager that %s requires a tenant owner (001: "escalate it to a tenant owner")',
    (action) => {
      expect(explain(userActor('manager', null), action)).toEqual({
        allowed: false,
        reason: 'Requires tenant owner.',
        requires: 'tenant owner',
      });
    },
  );

  it("tells a manager that changing another manager's role requires a tenant owner", () => {
    expect(explain(userActor('manager', null), 'user:changeRole', managerToMember)).toEqual({
      allowed: false,
      reason: 'Requires tenant owner.',
      requires: 'tenant owner',
    });
  });

  it('tells a manager that promoting a member to manager requires a tenant owner', () => {
    expect(explain(userActor('manager', null), 'user:changeRole', memberToManager)).toMatchObject({
      reason: 'Requires tenant owner.',
    });
  });

  it('tells a member that inviting a member requires a tenant owner or manager', () => {
    expect(explain(userActor('member', null), 'user:invite', { tenantRole: 'member' })).toEqual({
      allowed: false,
      reason: 'Requires tenant owner or manager.',
      requires: 'tenant owner or manager',
    });
  });

  it('tells a member that inviting a manager requires a tenant owner', () => {
    expect(explain(userActor('member', null), 'user:invite', { tenantRole: 'manager' })).toMatchObject({
      reason: 'Requires tenant owner.',
    });
  });

  it('tells a member that creating a team or reading the audit log requires a tenant owner or manager', () => {
    for (const action of ['team:create', 'audit:view'] as const) {
      expect(explain(userActor('member', null), action)).toMatchObject({
        reason: 'Requires tenant owner or manager.',
      });
    }
  });

  it('tells an editor that deleting a story requires team admin', () => {
    expect(explain(userActor('member', 'editor'), 'story:delete', inTeam)).toEqual({
      allowed: false,
      reason: 'Requires team admin.',
      requires: 'team admin',
    });
  });

  it('tells an editor who did not create a credential that its domains need the team admin or the creator', () => {
    expect(explain(userActor('member', 'editor'), 'credential:editDomains', someoneElsesCredential)).toEqual({
      allowed: false,
      reason: "Requires team admin or the credential's creator.",
      requires: 'team admin or creator',
    });
  });

  it('tells a member without a role on the team that they need membership of it', () => {
    expect(explain(userActor('member', null), 'story:read', inTeam)).toEqual({
      allowed: false,
      reason: 'Requires membership of this team.',
      requires: 'team member',
    });
  });

  it('tells a viewer which roles may edit a story', () => {
    expect(explain(userActor('member', 'viewer'), 'story:edit', inTeam)).toEqual({
      allowed: false,
      reason: 'Requires team admin or editor.',
      requires: 'team role',
    });
  });

  it('tells a dashboard manager which roles may create a case', () => {
    expect(explain(userActor('member', 'dashboard_manager', CASES_ON), 'case:create', inTeam)).toMatchObject({
      reason: 'Requires team admin, editor or case manager.',
      requires: 'team role',
    });
  });

  it('tells a provisioning token that it only provisions', () => {
    const provisioner: Actor = {
      kind: 'provisioner',
      tenantId: 'tenant-1',
      tokenId: 'token-1',
      label: 'Okta',
    };
    expect(explain(provisioner, 'user:update', aMember)).toMatchObject({
      reason: 'Provisioning tokens may only provision users and groups.',
    });
  });

  it('tells an owner that provisioning belongs to the identity provider', () => {
    expect(explain(userActor('owner', null), 'user:provision')).toEqual({
      allowed: false,
      reason: "Requires the identity provider's provisioning token.",
      requires: 'provisioner',
    });
  });

  it('gives no reason when the action is allowed', () => {
    expect(explain(userActor('member', 'editor'), 'story:edit', inTeam)).toEqual({ allowed: true });
  });

  it('does not compile a misspelt action', () => {
    // @ts-expect-error -- 'story:destroy' is in no table; typecheck fails here if Action ever widens to string
    const misspelt: Action = 'story:destroy';
    expect(ALL_ACTIONS).not.toContain(misspelt);
  });
});

describe('the hand-written matrix', () => {
  const decided = (tenantRole: TenantRole, teamRole: TeamRole | null, action: Action) =>
    covered.some((c) => c.tenantRole === tenantRole && c.teamRole === teamRole && c.action === action);

  it.each(ALL_ACTIONS.filter((action) => !isTeamAction(action)))(
    'has a rule deciding %s for an owner, a manager and a member',
    (action) => {
      for (const tenantRole of TENANT_ROLES) expect(decided(tenantRole, null, action), tenantRole).toBe(true);
    },
  );

  it.each(ALL_ACTIONS.filter((action) => isTeamAction(action)))(
    'has a rule deciding %s for each team role, for no role, and for a tenant owner outside the team',
    (action) => {
      for (const teamRole of TEAM_ROLES) expect(decided('member', teamRole, action), teamRole).toBe(true);
      expect(decided('member', null, action), 'no role').toBe(true);
      expect(decided('owner', null, action), 'tenant owner').toBe(true);
    },
  );
});
