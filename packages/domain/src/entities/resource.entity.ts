import { Entity, Index } from 'typeorm';
import type { SharingMode } from '../contracts/enums.js';
import { EnumColumn, IdColumn, JsonColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/** A team resource: a shared value stories read (seed 002). */
@Entity('resources')
// Seed 002: resource names are unique across the tenant.
@Index('uq_resources_tenant_name', ['tenantId', 'nameKey'], { unique: true })
// A team's resources.
@Index('idx_resources_tenant_team', ['tenantId', 'teamId'])
export class Resource {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @RefColumn() teamId!: string;
  @TextColumn(200) name!: string;
  @TextColumn(200) nameKey!: string;
  @EnumColumn() sharing!: SharingMode;
  @JsonColumn() value!: unknown;
  @RefColumn() createdBy!: string;
  @TimeColumn() createdAt!: Date;
  @TimeColumn() updatedAt!: Date;
}
