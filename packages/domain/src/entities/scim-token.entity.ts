import { Entity, Index } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/** A named SCIM bearer token; only its SHA-256 is stored, the token is shown once. */
@Entity('scim_tokens')
// Tokens of a tenant (admin list).
@Index('idx_scim_tokens_tenant', ['tenantId', 'createdAt'])
export class ScimToken {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @TextColumn(100) name!: string;
  // Every SCIM request resolves its tenant by the token's hash.
  @Index('uq_scim_tokens_hash', { unique: true })
  @TextColumn(64)
  tokenHash!: string;
  /** The first characters, so admins can tell tokens apart without the secret. */
  @TextColumn(16) prefix!: string;
  @RefColumn({ nullable: true }) createdBy!: string | null;
  @TimeColumn() createdAt!: Date;
  @TimeColumn({ nullable: true }) lastUsedAt!: Date | null;
  @TimeColumn({ nullable: true }) revokedAt!: Date | null;
}
