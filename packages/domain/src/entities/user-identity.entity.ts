import { Entity, Index } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/** A linked IdP subject: later sign-ins find the user by (issuer, subject), never by email. */
@Entity('user_identities')
// Sign-in resolves the user by the immutable (issuer, sub) pair.
@Index('uq_user_identities_issuer_subject', ['issuer', 'subject'], { unique: true })
// A user's identity card.
@Index('idx_user_identities_tenant_user', ['tenantId', 'userId'])
export class UserIdentity {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @RefColumn() userId!: string;
  @RefColumn() connectionId!: string;
  @TextColumn(512) issuer!: string;
  @TextColumn(255) subject!: string;
  @TimeColumn() createdAt!: Date;
  @TimeColumn({ nullable: true }) lastUsedAt!: Date | null;
}
