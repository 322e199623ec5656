// Roles and the parties that ask for permission. Browser-safe: the SPA imports this module.

/** Seed 000 (tenant owner) and seed 001 (tenant manager); everyone else is a plain tenant member. */
export const TENANT_ROLES = ['owner', 'manager', 'member'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/** Seed 002 "Team Roles": every team member holds exactly one of these in each team. */
export const TEAM_ROLES = ['admin', 'editor', 'viewer', 'case_manager', 'dashboard_manager'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** Tenant features that widen some team roles (002: "only available to customers with cases enabled"). */
export interface Features {
  cases: boolean;
  customObjectSharing: boolean;
}

export type Actor =
  | {
      kind: 'user';
      tenantId: string;
      userId: string;
      tenantRole: TenantRole;
      /** Team id → the user's role in that team; teams the user is not in are absent. */
      teamRoles: Record<string, TeamRole>;
      features?: Features;
    }
  /** A SCIM token acting for the identity provider. */
  | { kind: 'provisioner'; tenantId: string; tokenId: string; label: string }
  /** The CLI / operator: allowed everything. */
  | { kind: 'system'; tenantId: string };

export type UserActor = Extract<Actor, { kind: 'user' }>;

/** What the action is aimed at; services fill in what they loaded inside the transaction. */
export interface Target {
  /** Team the object or membership belongs to. */
  teamId?: string;
  /** Creator user id (seed 002: credential domains). */
  createdBy?: string;
  /** Target user, for user:* actions and a user's own things. */
  userId?: string;
  /** The target user's current tenant role, or the role of the invitation. */
  tenantRole?: TenantRole;
  /** The tenant role being granted (invite / changeRole). */
  newRole?: TenantRole;
}
