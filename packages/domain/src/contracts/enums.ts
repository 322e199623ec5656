// Closed value lists shared by entities, API contracts and the SPA; each type derives from its list.
export const USER_SOURCES = ['scim', 'invite', 'sso-jit'] as const;
export type UserSource = (typeof USER_SOURCES)[number];

export const USER_STATUSES = ['invited', 'active', 'deactivated', 'removed'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const TEAM_KINDS = ['team', 'drafts'] as const;
export type TeamKind = (typeof TEAM_KINDS)[number];

/** Seed 002 "Sharing across teams": team by default, all teams & drafts, or chosen teams (custom sharing flag). */
export const SHARING_MODES = ['team', 'all_teams_and_drafts', 'selected_teams'] as const;
export type SharingMode = (typeof SHARING_MODES)[number];

export const SHAREABLE_OBJECT_TYPES = ['credential', 'resource', 'story'] as const;
export type ShareableObjectType = (typeof SHAREABLE_OBJECT_TYPES)[number];

export const AUTH_METHODS = ['email', 'sso'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const SESSION_POLICY_MODES = ['idle', 'fixed'] as const;
export type SessionPolicyMode = (typeof SESSION_POLICY_MODES)[number];

export const FEATURE_FLAGS = ['custom_object_sharing', 'cases'] as const;
export type FeatureFlagKey = (typeof FEATURE_FLAGS)[number];

export const ACTOR_TYPES = ['user', 'provisioner', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export const SIGN_IN_RESULTS = ['success', 'failure'] as const;
export type SignInResult = (typeof SIGN_IN_RESULTS)[number];

export const SIGN_IN_METHODS = ['sso', 'email_link', 'recovery_code', 'invitation'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

export const EGRESS_EFFECTS = ['allow', 'deny'] as const;
export type EgressEffect = (typeof EGRESS_EFFECTS)[number];

export const GROUP_MAPPING_TARGETS = ['team', 'tenant_role'] as const;
export type GroupMappingTarget = (typeof GROUP_MAPPING_TARGETS)[number];

export const INTEGRATION_KINDS = ['audit_webhook'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];
