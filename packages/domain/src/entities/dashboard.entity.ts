import { Entity, Index } from 'typeorm';
import { IdColumn, JsonColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/** A dashboard and its elements (seed 002: dashboard managers, inherited by editors). */
@Entity('dashboards')
// A team's dashboards.
@Index('idx_dashboards_tenant_team', ['tenantId', 'teamId'])
export class Dashboard {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @RefColumn() teamId!: string;
  @TextColumn(200) name!: string;
  @JsonColumn() elements!: unknown[];
  @RefColumn() createdBy!: string;
  @TimeColumn() createdAt!: Date;
  @TimeColumn() updatedAt!: Date;
}
