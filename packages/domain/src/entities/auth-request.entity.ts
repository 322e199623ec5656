import { Entity, Index } from 'typeorm';
import { IdColumn, JsonColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/**
 * A sign-in in progress (an OIDC round trip, or an email sign-in awaiting its second factor).
 * The browser holds a random id in a short-lived cookie; only its hash is stored, and the row is
 * consumed once, so a state value cannot be replayed or used from another browser.
 */
@Entity('auth_requests')
export class AuthRequest {
  @IdColumn() id!: string;
  // Looked up by the hash of the browser-bound cookie value.
  @Index('uq_auth_requests_hash', { unique: true })
  @TextColumn(64)
  bindingHash!: string;
  @TextColumn(16) kind!: 'oidc' | 'mfa';
  @RefColumn({ nullable: true }) tenantId!: string | null;
  @RefColumn({ nullable: true }) connectionId!: string | null;
  @RefColumn({ nullable: true }) userId!: string | null;
  /** OIDC: state, nonce, PKCE verifier, return path; MFA: the pending method. Sealed where secret. */
  @JsonColumn() data!: Record<string, unknown>;
  @TimeColumn() expiresAt!: Date;
  @TimeColumn({ nullable: true }) consumedAt!: Date | null;
  @TimeColumn() createdAt!: Date;
}
