import { Entity, Index } from 'typeorm';
import type { UserSource } from '../contracts/enums.js';
import type { TenantRole } from '../permissions/roles.js';
import {
  BoolColumn,
  EnumColumn,
  IdColumn,
  IntColumn,
  JsonColumn,
  LongTextColumn,
  RefColumn,
  TextColumn,
  TimeColumn,
} from './columns.js';

/**
 * A person in a tenant. `userNameKey`/`emailKey` hold the case-folded values the unique indexes and
 * SCIM `userName eq` lookups use; they are cleared on removal so the IdP can reuse the name.
 */
@Entity('users')
// SCIM `userName eq "…"` and uniqueness of userName per tenant, case-insensitively (RFC 7643 §4.1.1).
@Index('uq_users_tenant_user_name', ['tenantId', 'userNameKey'], { unique: true })
// Sign-in and invitation lookups by email; one account per email per tenant.
@Index('uq_users_tenant_email', ['tenantId', 'emailKey'], { unique: true })
// Email sign-in starts from an address alone and finds its accounts in every tenant.
@Index('idx_users_email_key', ['emailKey'])
// SCIM `externalId eq "…"` and linking SSO subjects to provisioned users.
@Index('uq_users_tenant_external_id', ['tenantId', 'externalId'], { unique: true })
// Admin user list ordered by creation with keyset paging.
@Index('idx_users_tenant_created', ['tenantId', 'createdAt', 'id'])
// Admin user list sorted by last sign-in (never-signed-in accounts last) with keyset paging.
@Index('idx_users_tenant_last_sign_in', ['tenantId', 'lastSignInAt', 'id'])
// The few users with more than one work email, read before a SCIM work-email lookup
// (scim/repository/queries.ts, otherWorkEmailPrincipals).
@Index('idx_users_tenant_other_work_emails', ['tenantId', 'otherWorkEmails'], {
  where: 'other_work_emails = true',
})
export class User {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @TextColumn(320) email!: string;
  @TextColumn(320, { nullable: true }) emailKey!: string | null;
  @TextColumn(320) userName!: string;
  @TextColumn(320, { nullable: true }) userNameKey!: string | null;
  @TextColumn(255, { nullable: true }) externalId!: string | null;
  @TextColumn(200, { nullable: true }) givenName!: string | null;
  @TextColumn(200, { nullable: true }) familyName!: string | null;
  @TextColumn(300, { nullable: true }) displayName!: string | null;
  @BoolColumn() active!: boolean;
  /** The SCIM document lists work emails besides `email`, its first (scim/users.ts). */
  @BoolColumn({ default: false }) otherWorkEmails!: boolean;
  /** Granted by a person; the effective role is the higher of this and `mappedTenantRole`. */
  @EnumColumn() tenantRole!: TenantRole;
  /** Granted by an IdP group mapping (never `owner`: owners are only made by owners). */
  @EnumColumn({ nullable: true }) mappedTenantRole!: TenantRole | null;
  @EnumColumn() source!: UserSource;
  /** Null until an invitation is accepted; set at creation for SCIM and JIT accounts. */
  @TimeColumn({ nullable: true }) activatedAt!: Date | null;
  @TimeColumn({ nullable: true }) lastSignInAt!: Date | null;
  @TimeColumn({ nullable: true }) removedAt!: Date | null;
  /** SCIM attributes beyond the columns (enterprise extension, emails, phone numbers…). */
  @JsonColumn({ nullable: true }) scimAttributes!: Record<string, unknown> | null;
  /** The last SCIM payload as received, for debugging sync. */
  @LongTextColumn({ nullable: true }) lastScimPayload!: string | null;
  @TimeColumn({ nullable: true }) lastSyncedAt!: Date | null;
  /** TOTP secret sealed with the instance key; set at enrolment, confirmed by `mfaEnabledAt`. */
  @LongTextColumn({ nullable: true }) mfaSecretEncrypted!: string | null;
  @TimeColumn({ nullable: true }) mfaEnabledAt!: Date | null;
  /** Bumped on every change: the SCIM weak ETag. */
  @IntColumn() version!: number;
  @TimeColumn() createdAt!: Date;
  @TimeColumn() updatedAt!: Date;
}
