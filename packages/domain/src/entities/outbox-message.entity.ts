import { Entity, Index } from 'typeorm';
import { IdColumn, IntColumn, LongTextColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/**
 * Mail Gatehouse sends (sign-in links, invitations). Without SMTP_URL it stays here, visible in
 * the log and to owners, so the product works with nothing configured.
 */
@Entity('outbox_messages')
// A tenant's outbox, newest first.
@Index('idx_outbox_messages_tenant_time', ['tenantId', 'createdAt', 'id'])
export class OutboxMessage {
  @IdColumn() id!: string;
  @RefColumn({ nullable: true }) tenantId!: string | null;
  @TextColumn(320) to!: string;
  @TextColumn(400) from!: string;
  @TextColumn(300) subject!: string;
  @LongTextColumn() text!: string;
  @TextColumn(32) template!: string;
  @IntColumn() attempts!: number;
  @TimeColumn({ nullable: true }) sentAt!: Date | null;
  @LongTextColumn({ nullable: true }) lastError!: string | null;
  @TimeColumn() createdAt!: Date;
}
