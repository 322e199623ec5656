import { Entity, Index } from 'typeorm';
import type { SignInMethod, SignInResult } from '../contracts/enums.js';
import { EnumColumn, IdColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/** Every sign-in attempt, successful or not, with the reason (seed 000 "Tracking sign-in activity"). */
@Entity('sign_in_events')
// Sign-in activity list and CSV export: newest first, keyset on (occurred_at, id).
@Index('idx_sign_in_events_tenant_time', ['tenantId', 'occurredAt', 'id'])
// One user's sign-ins.
@Index('idx_sign_in_events_tenant_user_time', ['tenantId', 'userId', 'occurredAt'])
export class SignInEvent {
  @IdColumn() id!: string;
  /** Null when the attempt named no known tenant (unknown email domain). */
  @RefColumn({ nullable: true }) tenantId!: string | null;
  @RefColumn({ nullable: true }) userId!: string | null;
  @TextColumn(320, { nullable: true }) email!: string | null;
  @EnumColumn() result!: SignInResult;
  @TextColumn(64, { nullable: true }) reason!: string | null;
  @EnumColumn() method!: SignInMethod;
  @RefColumn({ nullable: true }) connectionId!: string | null;
  @TextColumn(64, { nullable: true }) ip!: string | null;
  @TextColumn(512, { nullable: true }) userAgent!: string | null;
  @TimeColumn() occurredAt!: Date;
}
