import { Entity, PrimaryColumn } from 'typeorm';
import { IntColumn, TextColumn } from './columns.js';

/**
 * The latest link of a tenant's audit chain. Appending locks this row, so concurrent writers of one
 * tenant queue for it instead of forking the chain; other tenants are unaffected.
 */
@Entity('audit_chain_heads')
export class AuditChainHead {
  @PrimaryColumn('varchar', { length: 36 }) tenantId!: string;
  @IntColumn() seq!: number;
  @TextColumn(64) hash!: string;
}
