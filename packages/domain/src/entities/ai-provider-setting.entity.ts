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

/** Which AI provider and models the tenant's teams may use (seed 000 "AI settings"). */
@Entity('ai_provider_settings')
// One setting per provider per tenant.
@Index('uq_ai_provider_settings_tenant_provider', ['tenantId', 'provider'], { unique: true })
export class AiProviderSetting {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @TextColumn(64) provider!: string;
  @BoolColumn() enabled!: boolean;
  @JsonColumn() allowedModels!: string[];
  /** Encrypted with the instance key; never returned by any API. */
  @LongTextColumn({ nullable: true }) apiKeyEncrypted!: string | null;
  @TimeColumn() updatedAt!: Date;
}
