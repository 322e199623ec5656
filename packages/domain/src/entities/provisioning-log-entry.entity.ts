import { Entity, Index } from 'typeorm';
import {
  IdColumn,
  IntColumn,
  JsonColumn,
  LongTextColumn,
  RefColumn,
  TextColumn,
  TimeColumn,
} from './columns.js';

/** One SCIM request as the IdP sent it and how it ended: the sync-health view and debugging aid. */
@Entity('provisioning_log_entries')
// Provisioning log pages, newest first, keyset on (occurred_at, id); retention deletes by time.
@Index('idx_provisioning_log_tenant_time', ['tenantId', 'occurredAt', 'id'])
// One resource's history.
@Index('idx_provisioning_log_tenant_resource', ['tenantId', 'resourceId', 'occurredAt'])
export class ProvisioningLogEntry {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @RefColumn({ nullable: true }) tokenId!: string | null;
  @TextColumn(100, { nullable: true }) tokenName!: string | null;
  @TextColumn(10) method!: string;
  @TextColumn(512) path!: string;
  @IntColumn() status!: number;
  @IntColumn() durationMs!: number;
  @TextColumn(32, { nullable: true }) resourceType!: string | null;
  @TextColumn(64, { nullable: true }) resourceId!: string | null;
  /** A short diff of what changed (attribute → [before, after]). */
  @JsonColumn({ nullable: true }) changes!: Record<string, unknown> | null;
  @LongTextColumn({ nullable: true }) error!: string | null;
  @TextColumn(64, { nullable: true }) requestId!: string | null;
  @TimeColumn() occurredAt!: Date;
}
