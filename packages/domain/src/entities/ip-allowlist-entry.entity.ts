import { Entity, Index } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/** An IPv4/IPv6 address or CIDR range allowed to reach the tenant (empty list = no restriction). */
@Entity('ip_allowlist_entries')
// The tenant's list, checked at sign-in and on every admin request.
@Index('idx_ip_allowlist_entries_tenant', ['tenantId'])
export class IpAllowlistEntry {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @TextColumn(64) cidr!: string;
  @TextColumn(200, { nullable: true }) label!: string | null;
  @RefColumn({ nullable: true }) createdBy!: string | null;
  @TimeColumn() createdAt!: Date;
}
