import { Entity, Index } from 'typeorm';
import type { AuthMethod, SessionPolicyMode } from '../contracts/enums.js';
import { IdColumn, IntColumn, JsonColumn, TextColumn, TimeColumn } from './columns.js';

/** Tenant-wide security settings; owner-only policy (seed 000 "Security configuration"). */
export interface TenantSettings {
  authMethods: AuthMethod[];
  /** SSO required: owners still get in by email plus a recovery code (break-glass). */
  ssoRequired: boolean;
  requireOwnerMfa: boolean;
  sessionPolicy: { mode: SessionPolicyMode; minutes: number };
  /** Enforce the IP allowlist on SCIM requests too (the owner's choice). */
  ipAllowlistOnScim: boolean;
}

export const DEFAULT_TENANT_SETTINGS: TenantSettings = {
  authMethods: ['email', 'sso'],
  ssoRequired: false,
  requireOwnerMfa: false,
  sessionPolicy: { mode: 'idle', minutes: 8 * 60 },
  ipAllowlistOnScim: false,
};

@Entity('tenants')
export class Tenant {
  @IdColumn() id!: string;
  // Tenant lookup by slug (CLI, sign-in URLs).
  @Index('uq_tenants_slug', { unique: true })
  @TextColumn(63)
  slug!: string;
  @TextColumn(200) name!: string;
  @JsonColumn() settings!: TenantSettings;
  /** Tenant limit on workflow events per calendar month (seed 000 "Monitoring event usage"); null = unlimited. */
  @IntColumn({ nullable: true }) monthlyEventLimit!: number | null;
  @TimeColumn() createdAt!: Date;
  @TimeColumn() updatedAt!: Date;
}
