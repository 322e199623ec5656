import { z } from 'zod';
import { TEAM_ROLES, TENANT_ROLES } from '../permissions/roles.js';
import { USER_SOURCES } from './enums.js';
import { Cursor, PageLimit, pageOf } from './monitoring.js';

// Users (seeds 000 and 001): list and search, one account, invitations, role and profile changes.

const Timestamp = z.iso.datetime();

/** How mail leaves Gatehouse: SMTP when configured, else it stays in the tenant's outbox. */
export const MAIL_TRANSPORTS = ['smtp', 'outbox'] as const;

export const UserIdParams = z.object({ userId: z.uuid() });

/** Statuses a list can filter by; removed accounts are gone from the directory. */
export const LISTED_USER_STATUSES = ['invited', 'active', 'deactivated'] as const;
export const USER_SORT_KEYS = ['createdAt', 'email', 'lastSignInAt'] as const;
export const SORT_ORDERS = ['asc', 'desc'] as const;

export const ListUsersQuery = z.object({
  /** Case-insensitive substring of the email, given, family or display name. */
  q: z.string().trim().max(200).optional(),
  role: z.enum(TENANT_ROLES).optional(),
  status: z.enum(LISTED_USER_STATUSES).optional(),
  source: z.enum(USER_SOURCES).optional(),
  teamId: z.uuid().optional(),
  sort: z.enum(USER_SORT_KEYS).default('createdAt'),
  order: z.enum(SORT_ORDERS).default('desc'),
  limit: PageLimit,
  cursor: Cursor.optional(),
});
export type ListUsersQuery = z.input<typeof ListUsersQuery>;

export const PendingInvitation = z.object({
  id: z.string(),
  tenantRole: z.enum(TENANT_ROLES),
  teams: z.array(z.object({ teamId: z.string(), role: z.enum(TEAM_ROLES) })),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  expired: z.boolean(),
});
export type PendingInvitation = z.infer<typeof PendingInvitation>;

export const UserSummary = z.object({
  id: z.string(),
  email: z.string(),
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  displayName: z.string().nullable(),
  /** The effective role: the higher of the role a person gave and the one an IdP group mapping gives. */
  tenantRole: z.enum(TENANT_ROLES),
  /** The role from an IdP group mapping, if any. */
  mappedTenantRole: z.enum(TENANT_ROLES).nullable(),
  status: z.enum(LISTED_USER_STATUSES),
  source: z.enum(USER_SOURCES),
  /** SCIM-provisioned: the identity provider owns the profile fields (edits here are refused). */
  managedByIdp: z.boolean(),
  mfaEnabled: z.boolean(),
  lastSignInAt: Timestamp.nullable(),
  createdAt: Timestamp,
  /** The open invitation of an invited account. */
  invitation: PendingInvitation.nullable(),
});
export type UserSummary = z.infer<typeof UserSummary>;

export const UserList = pageOf(UserSummary);
export type UserList = z.infer<typeof UserList>;

export const UserTeamPlace = z.object({
  teamId: z.string(),
  teamName: z.string(),
  /** Effective role: the higher of `manualRole` and `mappedRole`. */
  role: z.enum(TEAM_ROLES),
  manualRole: z.enum(TEAM_ROLES).nullable(),
  mappedRole: z.enum(TEAM_ROLES).nullable(),
});

export const UserDetail = UserSummary.extend({
  externalId: z.string().nullable(),
  activatedAt: Timestamp.nullable(),
  updatedAt: Timestamp,
  teams: z.array(UserTeamPlace),
});
export type UserDetail = z.infer<typeof UserDetail>;

/**
 * The invitation email. Its link is a secret for the invitee's inbox: it is never part of an answer.
 * `emailSent` is true once SMTP accepted the message; without SMTP it waits in the tenant's outbox
 * (`emailTransport: 'outbox'`), and after a failure it is kept there with the error for a resend.
 */
export const InvitationEmail = {
  emailSent: z.boolean(),
  emailTransport: z.enum(MAIL_TRANSPORTS),
};

/** POST /api/users/invitations and …/invitation/resend. */
export const InvitationResult = z.object({
  user: UserSummary,
  invitation: PendingInvitation,
  ...InvitationEmail,
});
export type InvitationResult = z.infer<typeof InvitationResult>;

const ProfileName = (max: number) => z.string().trim().min(1, 'Required.').max(max).nullable();

/** Profile fields a person may edit (not for SCIM-provisioned accounts: the IdP owns them). */
export const UpdateUserProfileInput = z
  .object({
    givenName: ProfileName(200).optional(),
    familyName: ProfileName(200).optional(),
    displayName: ProfileName(300).optional(),
  })
  .strict()
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'Change at least one field.');
export type UpdateUserProfileInput = z.input<typeof UpdateUserProfileInput>;

/** POST /api/users/:userId/sessions/revoke: how many live sessions ended. */
export const RevokeSessionsResult = z.object({ revoked: z.number().int() });
export type RevokeSessionsResult = z.infer<typeof RevokeSessionsResult>;

/** POST /api/users/:userId/mfa/reset: whether a second factor was there to reset. */
export const ResetMfaResult = z.object({ reset: z.boolean() });
export type ResetMfaResult = z.infer<typeof ResetMfaResult>;

/** POST /api/users/:userId/sign-in-link: the link went to the user's address (never into the answer). */
export const SignInLinkResult = z.object({ sent: z.literal(true), transport: z.enum(MAIL_TRANSPORTS) });
export type SignInLinkResult = z.infer<typeof SignInLinkResult>;
