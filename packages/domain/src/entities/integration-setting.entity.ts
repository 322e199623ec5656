import { Entity, Index } from 'typeorm';
import type { IntegrationKind } from '../contracts/enums.js';
import {
  BoolColumn,
  EnumColumn,
  IdColumn,
  JsonColumn,
  LongTextColumn,
  RefColumn,
  TimeColumn,
} from './columns.js';

/** How the tenant connects Gatehouse to other tools (e.g. the audit webhook). */
@Entity('integration_settings')
// One setting per kind per tenant.
@Index('uq_integration_settings_tenant_kind', ['tenantId', 'kind'], { unique: true })
export class IntegrationSetting {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @EnumColumn() kind!: IntegrationKind;
  @BoolColumn() enabled!: boolean;
  @JsonColumn() config!: Record<string, unknown>;
  /** e.g. the webhook's HMAC key, encrypted with the instance key. */
  @LongTextColumn({ nullable: true }) secretEncrypted!: string | null;
  @TimeColumn() updatedAt!: Date;
}
