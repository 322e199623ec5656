import { Entity, PrimaryColumn } from 'typeorm';
import { IntColumn, RefColumn } from './columns.js';

/** Workflow events per team per UTC day; monthly usage sums a month's days. */
@Entity('usage_counters')
export class UsageCounter {
  @PrimaryColumn('varchar', { length: 36 }) tenantId!: string;
  /** `YYYY-MM-DD` (UTC), first so a month is a key-range scan. */
  @PrimaryColumn('varchar', { length: 10 }) day!: string;
  @PrimaryColumn('varchar', { length: 36 }) teamId!: string;
  @IntColumn() events!: number;
  @RefColumn({ nullable: true }) lastReportedBy!: string | null;
}
