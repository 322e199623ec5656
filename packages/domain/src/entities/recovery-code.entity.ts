import { Entity, Index } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/** An owner's single-use break-glass code for "SSO required" tenants; shown once, stored hashed. */
@Entity('recovery_codes')
// An owner's codes, checked at break-glass sign-in.
@Index('idx_recovery_codes_tenant_user', ['tenantId', 'userId'])
export class RecoveryCode {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @RefColumn() userId!: string;
  @TextColumn(64) codeHash!: string;
  @TimeColumn({ nullable: true }) usedAt!: Date | null;
  @TimeColumn() createdAt!: Date;
}
