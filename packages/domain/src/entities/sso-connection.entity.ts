import { Entity, Index } from 'typeorm';
import {
  BoolColumn,
  IdColumn,
  JsonColumn,
  LongTextColumn,
  RefColumn,
  TextColumn,
  TimeColumn,
} from './columns.js';

/** An OIDC connection to the tenant's IdP; several per tenant are allowed (e.g. during a migration). */
@Entity('sso_connections')
// Connections of a tenant (admin list, sign-in).
@Index('idx_sso_connections_tenant', ['tenantId'])
export class SsoConnection {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @TextColumn(100) name!: string;
  @TextColumn(512) issuer!: string;
  @TextColumn(255) clientId!: string;
  /** Encrypted with the instance key; never returned by any API. */
  @LongTextColumn() clientSecretEncrypted!: string;
  @JsonColumn() domains!: string[];
  @BoolColumn() jitEnabled!: boolean;
  /** The ID token claim that equals the SCIM externalId (Entra `oid`, Okta `sub`…). */
  @TextColumn(64) linkClaim!: string;
  /** Whether a first sign-in may link by an IdP-verified email within `domains`. */
  @BoolColumn() linkByVerifiedEmail!: boolean;
  @TextColumn(64, { nullable: true }) groupsClaim!: string | null;
  @BoolColumn() enabled!: boolean;
  @TimeColumn() createdAt!: Date;
  @TimeColumn() updatedAt!: Date;
}
