import { Entity, Index } from 'typeorm';
import type { SharingMode } from '../contracts/enums.js';
import {
  EnumColumn,
  IdColumn,
  JsonColumn,
  LongTextColumn,
  RefColumn,
  TextColumn,
  TimeColumn,
} from './columns.js';

/** A team credential (seed 002): access changes are team-admin only, domain changes admin or creator. */
@Entity('credentials')
// Seed 002: "all credentials and resources must have a unique name across the tenant".
@Index('uq_credentials_tenant_name', ['tenantId', 'nameKey'], { unique: true })
// A team's credentials.
@Index('idx_credentials_tenant_team', ['tenantId', 'teamId'])
export class Credential {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @RefColumn() teamId!: string;
  @TextColumn(200) name!: string;
  @TextColumn(200) nameKey!: string;
  @TextColumn(64) kind!: string;
  @EnumColumn() sharing!: SharingMode;
  /** Allowed domains, URL paths or hosts for outbound requests using this credential. */
  @JsonColumn() domains!: string[];
  @LongTextColumn({ nullable: true }) secretEncrypted!: string | null;
  @RefColumn() createdBy!: string;
  @TimeColumn() createdAt!: Date;
  @TimeColumn() updatedAt!: Date;
}
