import { Entity, Index } from 'typeorm';
import type { TeamRole, TenantRole } from '../permissions/roles.js';
import { EnumColumn, IdColumn, JsonColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

export interface InvitedTeam {
  teamId: string;
  role: TeamRole;
}

/** An invitation to join a tenant (seed 000 "Inviting new users"); accepting it activates the account. */
@Entity('invitations')
// Pending invitations per user, newest first (resend, revoke, list).
@Index('idx_invitations_tenant_user', ['tenantId', 'userId', 'createdAt'])
export class Invitation {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @RefColumn() userId!: string;
  @TextColumn(320) email!: string;
  @EnumColumn() tenantRole!: TenantRole;
  /** Teams joined on acceptance (seed 002: adding an unknown address to a team invites it to the tenant). */
  @JsonColumn() teams!: InvitedTeam[];
  // Acceptance looks the invitation up by the hash of the token in the link.
  @Index('uq_invitations_token_hash', { unique: true })
  @TextColumn(64)
  tokenHash!: string;
  @TimeColumn() expiresAt!: Date;
  @RefColumn({ nullable: true }) invitedBy!: string | null;
  @TimeColumn({ nullable: true }) acceptedAt!: Date | null;
  @TimeColumn({ nullable: true }) revokedAt!: Date | null;
  @TimeColumn() createdAt!: Date;
}
