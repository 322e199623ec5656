import { Entity, Index } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/** A tenant API key the workflow runtime uses to report usage; only its hash is stored. */
@Entity('api_keys')
// Keys of a tenant (admin list).
@Index('idx_api_keys_tenant', ['tenantId', 'createdAt'])
export class ApiKey {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @TextColumn(100) name!: string;
  // Each usage report resolves its tenant by the key's hash.
  @Index('uq_api_keys_hash', { unique: true })
  @TextColumn(64)
  keyHash!: string;
  @TextColumn(16) prefix!: string;
  @RefColumn({ nullable: true }) createdBy!: string | null;
  @TimeColumn() createdAt!: Date;
  @TimeColumn({ nullable: true }) lastUsedAt!: Date | null;
  @TimeColumn({ nullable: true }) revokedAt!: Date | null;
}
