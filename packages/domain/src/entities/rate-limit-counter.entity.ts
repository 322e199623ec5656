import { Entity, PrimaryColumn } from 'typeorm';
import { IntColumn, TimeColumn } from './columns.js';

/**
 * Fixed-window request counters shared by every gateway replica (rate limits on /auth and per
 * SCIM token): a replica's memory would let a client multiply its budget by the replica count.
 */
@Entity('rate_limit_counters')
export class RateLimitCounter {
  /** e.g. `auth:ip:203.0.113.7` or `scim:token:<id>`, with the window start appended. */
  @PrimaryColumn('varchar', { length: 255 }) key!: string;
  @IntColumn() count!: number;
  /** When the window ends; expired rows are swept. */
  @TimeColumn() expiresAt!: Date;
}
