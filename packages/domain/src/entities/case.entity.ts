import { Entity, Index } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/** A case (seed 002: case managers work on cases, when cases are enabled). */
@Entity('cases')
// A team's cases.
@Index('idx_cases_tenant_team', ['tenantId', 'teamId'])
export class Case {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @RefColumn() teamId!: string;
  @TextColumn(300) title!: string;
  @TextColumn(32) status!: string;
  @RefColumn() createdBy!: string;
  @TimeColumn() createdAt!: Date;
  @TimeColumn() updatedAt!: Date;
}
