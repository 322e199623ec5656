import { Entity, Index } from 'typeorm';
import { IdColumn, IntColumn, LongTextColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/** An audit event queued for the tenant's audit webhook, retried with backoff until delivered. */
@Entity('webhook_deliveries')
// The delivery worker picks due deliveries in order.
@Index('idx_webhook_deliveries_due', ['status', 'nextAttemptAt'])
// A tenant's delivery counts and latest outcome (GET /api/settings/integrations/audit-webhook).
@Index('idx_webhook_deliveries_tenant_status', ['tenantId', 'status', 'createdAt'])
export class WebhookDelivery {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @RefColumn() auditEventId!: string;
  @TextColumn(16) status!: 'pending' | 'delivered' | 'failed';
  @IntColumn() attempts!: number;
  @TimeColumn() nextAttemptAt!: Date;
  @TimeColumn({ nullable: true }) deliveredAt!: Date | null;
  @IntColumn({ nullable: true }) lastStatus!: number | null;
  @LongTextColumn({ nullable: true }) lastError!: string | null;
  @TimeColumn() createdAt!: Date;
}
