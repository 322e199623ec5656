import { Entity, Index } from 'typeorm';
import type { SignInMethod } from '../contracts/enums.js';
import { EnumColumn, IdColumn, LongTextColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/**
 * A server-side session (any gateway replica serves any request). The cookie carries an opaque
 * random id; only its SHA-256 is stored, so a database read does not yield usable sessions.
 */
@Entity('sessions')
// A user's sessions: list own sessions, revoke all on deactivation/role change.
@Index('idx_sessions_tenant_user', ['tenantId', 'userId'])
export class Session {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @RefColumn() userId!: string;
  // Every authenticated request looks its session up by the hash of the cookie value.
  @Index('uq_sessions_token_hash', { unique: true })
  @TextColumn(64)
  tokenHash!: string;
  @EnumColumn() method!: SignInMethod;
  @TextColumn(64, { nullable: true }) ip!: string | null;
  @TextColumn(512, { nullable: true }) userAgent!: string | null;
  @TimeColumn() createdAt!: Date;
  @TimeColumn() lastSeenAt!: Date;
  @TimeColumn({ nullable: true }) revokedAt!: Date | null;
  @TextColumn(64, { nullable: true }) revokedReason!: string | null;
  /**
   * The ID token an SSO sign-in received, sealed with the instance key (`SecretBox`): sign-out sends
   * it to the IdP's end-session endpoint as `id_token_hint`, which Okta requires and without which
   * Entra ID asks the person which account to sign out. Cleared when the session ends.
   */
  @LongTextColumn({ nullable: true }) idTokenSealed!: string | null;
}
