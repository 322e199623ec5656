import { Entity, PrimaryColumn } from 'typeorm';
import { IntColumn, RefColumn, TimeColumn } from './columns.js';

/** Seed 002 "Team story allocation": the owner's maximum number of stories for a team. */
@Entity('team_allocations')
export class TeamAllocation {
  @PrimaryColumn('varchar', { length: 36 }) teamId!: string;
  @RefColumn() tenantId!: string;
  @IntColumn() maxStories!: number;
  @RefColumn({ nullable: true }) updatedBy!: string | null;
  @TimeColumn() updatedAt!: Date;
}
