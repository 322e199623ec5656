import { Entity, Index } from 'typeorm';
import type { TeamKind } from '../contracts/enums.js';
import { EnumColumn, IdColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/** A team (seed 002), or one user's personal drafts space (`kind = 'drafts'`). */
@Entity('teams')
// Team names are unique per tenant, case-insensitively.
@Index('uq_teams_tenant_name', ['tenantId', 'nameKey'], { unique: true })
// One drafts space per user.
@Index('uq_teams_tenant_drafts_owner', ['tenantId', 'draftsOwnerId'], { unique: true })
export class Team {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @TextColumn(200) name!: string;
  /** Null for drafts spaces, which are named after their owner and exempt from name uniqueness. */
  @TextColumn(200, { nullable: true }) nameKey!: string | null;
  @EnumColumn() kind!: TeamKind;
  @RefColumn({ nullable: true }) draftsOwnerId!: string | null;
  @TimeColumn() createdAt!: Date;
  @TimeColumn() updatedAt!: Date;
}
