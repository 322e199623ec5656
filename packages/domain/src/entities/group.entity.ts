import { Entity, Index } from 'typeorm';
import { IdColumn, IntColumn, LongTextColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/** A group pushed by the IdP over SCIM. */
@Entity('groups')
// SCIM `displayName eq "…"` and its uniqueness per tenant (409 uniqueness), case-insensitively.
@Index('uq_groups_tenant_display_name', ['tenantId', 'displayNameKey'], { unique: true })
// SCIM `externalId eq "…"`.
@Index('idx_groups_tenant_external_id', ['tenantId', 'externalId'])
export class Group {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @TextColumn(256) displayName!: string;
  @TextColumn(256) displayNameKey!: string;
  @TextColumn(255, { nullable: true }) externalId!: string | null;
  @LongTextColumn({ nullable: true }) lastScimPayload!: string | null;
  @IntColumn() version!: number;
  @TimeColumn() createdAt!: Date;
  @TimeColumn() updatedAt!: Date;
}
