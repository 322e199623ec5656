import { z } from 'zod';
import { TEAM_ROLES, TENANT_ROLES } from '../permissions/roles.js';
import { Cursor, PageLimit, pageOf } from './monitoring.js';
import { InvitationEmail, LISTED_USER_STATUSES, PendingInvitation } from './users.js';

// Teams (seed 002): the list with member counts and story usage, members and their roles.

const Timestamp = z.iso.datetime();

export const TeamIdParams = z.object({ teamId: z.uuid() });
export const TeamMemberParams = z.object({ teamId: z.uuid(), userId: z.uuid() });

export const ListTeamsQuery = z.object({
  /** Case-insensitive substring of the team name. */
  q: z.string().trim().max(200).optional(),
  limit: PageLimit,
  cursor: Cursor.optional(),
});
export type ListTeamsQuery = z.input<typeof ListTeamsQuery>;

/** Seed 002 "Team story allocation": stories used against the owner's maximum (null: no maximum). */
export const StoryUsage = z.object({ used: z.number().int(), limit: z.number().int().nullable() });
export type StoryUsage = z.infer<typeof StoryUsage>;

export const TeamSummary = z.object({
  id: z.string(),
  name: z.string(),
  memberCount: z.number().int(),
  stories: StoryUsage,
  /** The signed-in user's own role in the team; null for an owner who is not a member. */
  myRole: z.enum(TEAM_ROLES).nullable(),
  createdAt: Timestamp,
});
export type TeamSummary = z.infer<typeof TeamSummary>;

export const TeamList = pageOf(TeamSummary);
export type TeamList = z.infer<typeof TeamList>;

export const ListTeamMembersQuery = z.object({ limit: PageLimit, cursor: Cursor.optional() });
export type ListTeamMembersQuery = z.input<typeof ListTeamMembersQuery>;

export const TeamMember = z.object({
  userId: z.string(),
  email: z.string(),
  displayName: z.string().nullable(),
  tenantRole: z.enum(TENANT_ROLES),
  status: z.enum(LISTED_USER_STATUSES),
  /** Effective role: the higher of `manualRole` and `mappedRole`. */
  role: z.enum(TEAM_ROLES),
  /** Granted by a person. */
  manualRole: z.enum(TEAM_ROLES).nullable(),
  /** Granted by an identity-provider group mapping (changed in the IdP, not here). */
  mappedRole: z.enum(TEAM_ROLES).nullable(),
  joinedAt: Timestamp,
});
export type TeamMember = z.infer<typeof TeamMember>;

export const TeamMemberList = pageOf(TeamMember);
export type TeamMemberList = z.infer<typeof TeamMemberList>;

/** Adding by email: an existing account joins at once; an unknown address is invited to the tenant. */
export const AddTeamMemberResult = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('added'), member: TeamMember }),
  z.object({
    outcome: z.literal('invited'),
    userId: z.string(),
    email: z.string(),
    invitation: PendingInvitation,
    ...InvitationEmail,
  }),
]);
export type AddTeamMemberResult = z.infer<typeof AddTeamMemberResult>;
