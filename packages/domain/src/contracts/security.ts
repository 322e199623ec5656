import { z } from 'zod';
import { TEAM_ROLES } from '../permissions/roles.js';
import { AUTH_METHODS, EGRESS_EFFECTS, GROUP_MAPPING_TARGETS, SESSION_POLICY_MODES } from './enums.js';
import { ConfigureSsoInput, CreateScimTokenInput, EmailDomain } from './inputs.js';

// Security configuration (seed 000 "Security configuration"; owner-only policy per seed 001).

// ---- SCIM tokens ----

export const CreateScimTokenBody = CreateScimTokenInput;
export type CreateScimTokenBody = z.infer<typeof CreateScimTokenBody>;

export const ScimTokenView = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters, to tell tokens apart; the token itself is shown once at creation. */
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ScimTokenView = z.infer<typeof ScimTokenView>;

export const ScimTokenList = z.object({
  /** What the IdP's SCIM connector is pointed at. */
  scimBaseUrl: z.string(),
  items: z.array(ScimTokenView),
});
export type ScimTokenList = z.infer<typeof ScimTokenList>;

export const CreatedScimToken = z.object({
  /** Shown once: only its hash is kept. */
  token: z.string(),
  scimBaseUrl: z.string(),
  item: ScimTokenView,
});
export type CreatedScimToken = z.infer<typeof CreatedScimToken>;

export const ScimTokenIdParams = z.object({ tokenId: z.string().max(64) });
export type ScimTokenIdParams = z.infer<typeof ScimTokenIdParams>;

// ---- group mappings ----

/** IdP group → team + team role, or → the tenant role `manager` (never owner: seed 001). */
export const GroupMappingInput = z.discriminatedUnion('target', [
  z.object({
    groupId: z.string().trim().min(1).max(36),
    target: z.literal(GROUP_MAPPING_TARGETS[0]),
    teamId: z.string().trim().min(1).max(36),
    teamRole: z.enum(TEAM_ROLES),
  }),
  z.object({
    groupId: z.string().trim().min(1).max(36),
    target: z.literal(GROUP_MAPPING_TARGETS[1]),
    tenantRole: z.literal('manager', {
      message: 'Groups may map to the manager role only; owners are made by owners.',
    }),
  }),
]);
export type GroupMappingInput = z.infer<typeof GroupMappingInput>;

export const GroupMappingView = z.object({
  id: z.string(),
  groupId: z.string(),
  groupName: z.string(),
  target: z.enum(GROUP_MAPPING_TARGETS),
  teamId: z.string().nullable(),
  teamName: z.string().nullable(),
  teamRole: z.enum(TEAM_ROLES).nullable(),
  tenantRole: z.literal('manager').nullable(),
  createdAt: z.string(),
});
export type GroupMappingView = z.infer<typeof GroupMappingView>;

export const GroupMappingList = z.object({ items: z.array(GroupMappingView) });
export type GroupMappingList = z.infer<typeof GroupMappingList>;

export const GroupMappingIdParams = z.object({ mappingId: z.string().max(64) });
export type GroupMappingIdParams = z.infer<typeof GroupMappingIdParams>;

/** What to preview: a whole proposed set, or one mapping added or removed. */
export const GroupMappingDryRunBody = z.union([
  z.object({ mappings: z.array(GroupMappingInput).max(500) }).strict(),
  z.object({ add: GroupMappingInput }).strict(),
  z.object({ remove: z.string().max(64) }).strict(),
]);
export type GroupMappingDryRunBody = z.infer<typeof GroupMappingDryRunBody>;

export const MAPPED_ROLE_CHANGE_KINDS = ['gain', 'loss', 'change'] as const;

export const MappedRoleChangeView = z.object({
  userId: z.string(),
  email: z.string(),
  displayName: z.string().nullable(),
  kind: z.enum(MAPPED_ROLE_CHANGE_KINDS),
  /** `team`: a team role; `tenant`: the manager role. */
  scope: z.enum(['team', 'tenant']),
  teamId: z.string().nullable(),
  teamName: z.string().nullable(),
  /** The role the group mappings give, before and after. */
  mappedBefore: z.string().nullable(),
  mappedAfter: z.string().nullable(),
  /** What the user ends up with, combining the mapped role with a role granted by a person. */
  effectiveBefore: z.string().nullable(),
  effectiveAfter: z.string().nullable(),
});
export type MappedRoleChangeView = z.infer<typeof MappedRoleChangeView>;

export const GroupMappingDryRunResult = z.object({
  changes: z.array(MappedRoleChangeView),
  /** Teams the change would leave without a member; a person may not, so deleting the mapping is refused. */
  emptiedTeams: z.array(z.object({ teamId: z.string(), teamName: z.string().nullable() })),
  totalChanges: z.number().int(),
  usersAffected: z.number().int(),
  /** True when `changes` lists only the first `totalChanges` cap. */
  truncated: z.boolean(),
});
export type GroupMappingDryRunResult = z.infer<typeof GroupMappingDryRunResult>;

// ---- SSO connections ----

export const SsoConnectionView = z.object({
  id: z.string(),
  name: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  /** Write-only: whether a client secret is stored, never the secret. */
  clientSecretSet: z.boolean(),
  domains: z.array(z.string()),
  jitEnabled: z.boolean(),
  linkClaim: z.string(),
  linkByVerifiedEmail: z.boolean(),
  groupsClaim: z.string().nullable(),
  enabled: z.boolean(),
  /** Register this at the IdP. */
  redirectUri: z.string(),
  /** Register this at the IdP too: where it sends the browser after a sign-out Gatehouse started. */
  postLogoutRedirectUri: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SsoConnectionView = z.infer<typeof SsoConnectionView>;

export const SsoConnectionList = z.object({
  redirectUri: z.string(),
  postLogoutRedirectUri: z.string(),
  items: z.array(SsoConnectionView),
});
export type SsoConnectionList = z.infer<typeof SsoConnectionList>;

export const CreateSsoConnectionBody = ConfigureSsoInput;
export type CreateSsoConnectionBody = z.infer<typeof CreateSsoConnectionBody>;

/** Fields left out keep their value; `clientSecret` is write-only (send it only to replace it). */
export const UpdateSsoConnectionBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    issuer: ConfigureSsoInput.shape.issuer,
    clientId: z.string().trim().min(1).max(255),
    clientSecret: z.string().min(1).max(2048),
    domains: z.array(EmailDomain).min(1, 'Add at least one email domain.').max(50),
    jitEnabled: z.boolean(),
    linkClaim: z.string().trim().min(1).max(64),
    linkByVerifiedEmail: z.boolean(),
    groupsClaim: z.string().trim().min(1).max(64).nullable(),
    enabled: z.boolean(),
  })
  .partial()
  .strict();
export type UpdateSsoConnectionBody = z.infer<typeof UpdateSsoConnectionBody>;

export const SsoConnectionIdParams = z.object({ connectionId: z.string().max(64) });
export type SsoConnectionIdParams = z.infer<typeof SsoConnectionIdParams>;

export const TestSsoIssuerBody = z.object({
  issuer: z.url({ protocol: /^https?$/, message: 'Enter the issuer URL (https://…).' }).max(512),
});
export type TestSsoIssuerBody = z.infer<typeof TestSsoIssuerBody>;

export const SsoTestResult = z.object({
  ok: z.boolean(),
  issuer: z.string(),
  /** The discovery document fetched. */
  discoveryUrl: z.string(),
  /** In plain words, when `ok` is false. */
  error: z.string().nullable(),
  metadata: z
    .object({
      authorizationEndpoint: z.string(),
      tokenEndpoint: z.string(),
      jwksUri: z.string(),
      userinfoEndpoint: z.string().nullable(),
      scopesSupported: z.array(z.string()),
    })
    .nullable(),
});
export type SsoTestResult = z.infer<typeof SsoTestResult>;

// ---- authentication methods and session policy ----

export const AuthMethodsBody = z.object({
  authMethods: z
    .array(z.enum(AUTH_METHODS))
    .min(1, 'Keep at least one sign-in method.')
    .max(AUTH_METHODS.length)
    .refine((m) => new Set(m).size === m.length, 'List each method once.'),
  /** SSO required: owners still get in by email plus a recovery code (break-glass). */
  ssoRequired: z.boolean(),
  requireOwnerMfa: z.boolean(),
});
export type AuthMethodsBody = z.infer<typeof AuthMethodsBody>;

export const AuthMethodsView = z.object({
  authMethods: z.array(z.enum(AUTH_METHODS)),
  ssoRequired: z.boolean(),
  requireOwnerMfa: z.boolean(),
});
export type AuthMethodsView = z.infer<typeof AuthMethodsView>;

/** Minutes within the mode's bounds (the bounds come with GET, for inline validation). */
export const SessionPolicyBody = z.object({
  mode: z.enum(SESSION_POLICY_MODES),
  minutes: z.number().int('Whole minutes only.').positive(),
});
export type SessionPolicyBody = z.infer<typeof SessionPolicyBody>;

const Bounds = z.object({ min: z.number().int(), max: z.number().int() });

export const SessionPolicyView = SessionPolicyBody.extend({
  /** Allowed minutes per mode. */
  bounds: z.object({ idle: Bounds, fixed: Bounds }),
});
export type SessionPolicyView = z.infer<typeof SessionPolicyView>;

// ---- IP allowlist ----

export const IpAllowlistEntryInput = z.object({
  /** An IPv4/IPv6 address or CIDR range. */
  cidr: z.string().trim().min(2).max(64),
  label: z.string().trim().max(200).nullable().default(null),
});
export type IpAllowlistEntryInput = z.infer<typeof IpAllowlistEntryInput>;

export const IpAllowlistBody = z.object({
  /** An empty list lifts the restriction. */
  entries: z.array(IpAllowlistEntryInput).max(500),
  /** Also enforce the list on SCIM requests (the owner's choice). Unchanged when omitted. */
  enforceOnScim: z.boolean().optional(),
  /** Required when the list would not admit the caller's own address. */
  confirmLockout: z.boolean().default(false),
});
export type IpAllowlistBody = z.input<typeof IpAllowlistBody>;

export const IpAllowlistView = z.object({
  entries: z.array(
    z.object({ id: z.string(), cidr: z.string(), label: z.string().nullable(), createdAt: z.string() }),
  ),
  enforceOnScim: z.boolean(),
  /** The address this request came from, as the gateway sees it. */
  currentIp: z.string().nullable(),
  /** Whether the saved list admits `currentIp` (an empty list admits everyone). */
  currentIpAllowed: z.boolean(),
});
export type IpAllowlistView = z.infer<typeof IpAllowlistView>;

// ---- action egress rules ----

export const EgressRuleInput = z.object({
  effect: z.enum(EGRESS_EFFECTS),
  /** `example.com`, `*.example.com` (subdomains at any depth), an IP address or a CIDR range. */
  host: z.string().trim().min(1).max(253),
  /** Empty: any port. */
  ports: z.array(z.number().int().min(1).max(65535)).max(50).default([]),
  /** Empty: any scheme. */
  schemes: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z][a-z0-9+.-]{0,31}$/, 'Use a URL scheme such as https.'),
    )
    .max(20)
    .default([]),
  description: z.string().trim().max(200).nullable().default(null),
});
export type EgressRuleInput = z.input<typeof EgressRuleInput>;

export const EgressRulesBody = z.object({ rules: z.array(EgressRuleInput).max(500) });
export type EgressRulesBody = z.input<typeof EgressRulesBody>;

export const EgressRuleView = z.object({
  id: z.string(),
  position: z.number().int(),
  effect: z.enum(EGRESS_EFFECTS),
  host: z.string(),
  ports: z.array(z.number().int()),
  schemes: z.array(z.string()),
  description: z.string().nullable(),
});
export type EgressRuleView = z.infer<typeof EgressRuleView>;

export const EgressRuleList = z.object({
  items: z.array(EgressRuleView),
  /** What happens to a URL no rule matches: allowed, unless the list has an allow rule. */
  unmatched: z.enum(EGRESS_EFFECTS),
});
export type EgressRuleList = z.infer<typeof EgressRuleList>;

export const EgressCheckBody = z.object({ url: z.string().trim().min(1).max(2048) });
export type EgressCheckBody = z.infer<typeof EgressCheckBody>;

export const EgressCheckResult = z.object({
  allowed: z.boolean(),
  /** The first rule that matched, or null when none did. */
  rule: EgressRuleView.nullable(),
  reason: z.string(),
});
export type EgressCheckResult = z.infer<typeof EgressCheckResult>;
