import { Entity, Index } from 'typeorm';
import type { ActorType } from '../contracts/enums.js';
import { EnumColumn, IdColumn, IntColumn, JsonColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

export interface AuditChange {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Append-only, tamper-evident audit log: each record carries the hash of its tenant's previous
 * record (`prevHash`) and its own hash over its content, so an edited or deleted row breaks the chain.
 */
@Entity('audit_events')
// Audit log pages, newest first, keyset on (occurred_at, id).
@Index('idx_audit_events_tenant_time', ['tenantId', 'occurredAt', 'id'])
// Audit log filtered by actor, newest first (GET /api/audit-events?actorId=).
@Index('idx_audit_events_tenant_actor_time', ['tenantId', 'actorId', 'occurredAt', 'id'])
// Audit log filtered by action, newest first (GET /api/audit-events?action=).
@Index('idx_audit_events_tenant_action_time', ['tenantId', 'action', 'occurredAt', 'id'])
// Audit log filtered by target type (and target id), newest first (GET /api/audit-events?targetType=).
@Index('idx_audit_events_tenant_target_time', ['tenantId', 'targetType', 'occurredAt', 'id'])
// Audit log filtered by team, newest first (GET /api/audit-events?teamId=).
@Index('idx_audit_events_tenant_team_time', ['tenantId', 'teamId', 'occurredAt', 'id'])
// Chain verification walks a tenant's records in order.
@Index('uq_audit_events_tenant_seq', ['tenantId', 'seq'], { unique: true })
export class AuditEvent {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @IntColumn() seq!: number;
  @TimeColumn() occurredAt!: Date;
  @EnumColumn() actorType!: ActorType;
  @TextColumn(64, { nullable: true }) actorId!: string | null;
  @TextColumn(320) actorLabel!: string;
  @TextColumn(64) action!: string;
  @TextColumn(32) targetType!: string;
  @TextColumn(64, { nullable: true }) targetId!: string | null;
  @RefColumn({ nullable: true }) teamId!: string | null;
  @JsonColumn() change!: AuditChange;
  @TextColumn(64, { nullable: true }) ip!: string | null;
  @TextColumn(64) prevHash!: string;
  @TextColumn(64) hash!: string;
}
