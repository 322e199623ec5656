import { Entity, Index } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/** A one-time email sign-in link: random token, stored hashed, short-lived, single use. */
@Entity('email_sign_in_tokens')
// A user's outstanding links (invalidated when a new one is sent).
@Index('idx_email_sign_in_tokens_tenant_user', ['tenantId', 'userId'])
export class EmailSignInToken {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @RefColumn() userId!: string;
  // The link is redeemed by the hash of its token.
  @Index('uq_email_sign_in_tokens_hash', { unique: true })
  @TextColumn(64)
  tokenHash!: string;
  @TimeColumn() expiresAt!: Date;
  @TimeColumn({ nullable: true }) usedAt!: Date | null;
  @TextColumn(64, { nullable: true }) requestedIp!: string | null;
  @TimeColumn() createdAt!: Date;
}
