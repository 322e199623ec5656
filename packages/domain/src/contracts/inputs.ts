import { z } from 'zod';
import { TEAM_ROLES, TENANT_ROLES } from '../permissions/roles.js';

// Request shapes of the domain's use cases: the API, the CLI and the SPA's forms validate with these.

export const Email = z
  .string()
  .trim()
  .max(320)
  .pipe(z.email({ message: 'Enter a valid email address.' }));

/** DNS-label-like: lower-case letters, digits and inner hyphens; used in URLs. */
export const TenantSlug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'Use 1–63 lower-case letters, digits or inner hyphens.');

export const TenantRoleSchema = z.enum(TENANT_ROLES);
export const TeamRoleSchema = z.enum(TEAM_ROLES);

/** C0 and C1 controls (a newline, a tab) and text-direction overrides and isolates (`U+202E`). */
const UNDISPLAYABLE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
/** Nothing visible: only spaces and format characters (a zero-width space). */
const INVISIBLE = /^[\p{Cf}\s]*$/u;

/**
 * A name people read in lists, the audit log and exports (tenants, teams, tokens, team objects): no
 * character that makes it show as something else or as nothing. Emoji sequences (their joiners are
 * format characters) stay allowed.
 */
export const Name = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'Required.')
    .max(max)
    .refine((s) => !INVISIBLE.test(s), 'Required.')
    .refine((s) => !UNDISPLAYABLE.test(s), 'Use no control characters or text-direction overrides.');

export const CreateTenantInput = z.object({
  name: Name(200),
  slug: TenantSlug,
  ownerEmail: Email,
});
export type CreateTenantInput = z.infer<typeof CreateTenantInput>;

export const InvitedTeamInput = z.object({ teamId: z.uuid(), role: TeamRoleSchema });

export const InviteUserInput = z.object({
  email: Email,
  tenantRole: TenantRoleSchema.default('member'),
  teams: z.array(InvitedTeamInput).max(100).default([]),
});
export type InviteUserInput = z.input<typeof InviteUserInput>;

export const ChangeTenantRoleInput = z.object({ tenantRole: TenantRoleSchema });
export type ChangeTenantRoleInput = z.infer<typeof ChangeTenantRoleInput>;

/** Team names: `~` is kept out so drafts spaces' labels can never be claimed by a team. */
export const TeamName = Name(200).refine((n) => !n.startsWith('~'), 'A team name cannot start with "~".');

export const CreateTeamInput = z.object({ name: TeamName });
export type CreateTeamInput = z.infer<typeof CreateTeamInput>;

export const RenameTeamInput = z.object({ name: TeamName });
export type RenameTeamInput = z.infer<typeof RenameTeamInput>;

export const AddTeamMemberInput = z.object({ email: Email, role: TeamRoleSchema });
export type AddTeamMemberInput = z.infer<typeof AddTeamMemberInput>;

export const ChangeTeamMemberRoleInput = z.object({ role: TeamRoleSchema });
export type ChangeTeamMemberRoleInput = z.infer<typeof ChangeTeamMemberRoleInput>;

export const CreateScimTokenInput = z.object({ name: Name(100).default('default') });
export type CreateScimTokenInput = z.input<typeof CreateScimTokenInput>;

export const EmailDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'Enter a domain such as example.com.',
  );

export const ConfigureSsoInput = z.object({
  name: Name(100).default('SSO'),
  issuer: z.url({ protocol: /^https?$/, message: 'Enter the issuer URL (https://…).' }),
  clientId: Name(255),
  clientSecret: z.string().min(1, 'Required.').max(2048),
  domains: z.array(EmailDomain).min(1, 'Add at least one email domain.').max(50),
  jitEnabled: z.boolean().default(false),
  /** The ID token claim equal to the SCIM externalId: Entra `oid`, Okta `sub`… */
  linkClaim: z.string().trim().min(1).max(64).default('sub'),
  linkByVerifiedEmail: z.boolean().default(false),
  groupsClaim: z.string().trim().min(1).max(64).nullable().default(null),
});
export type ConfigureSsoInput = z.input<typeof ConfigureSsoInput>;
