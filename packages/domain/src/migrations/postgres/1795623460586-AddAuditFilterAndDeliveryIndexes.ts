import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAuditFilterAndDeliveryIndexes1795623460586 implements MigrationInterface {
  name = 'AddAuditFilterAndDeliveryIndexes1795623460586';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE INDEX "idx_webhook_deliveries_tenant_status" ON "webhook_deliveries"  ("tenant_id", "status", "created_at") ',
    );
    await q.query(
      'CREATE INDEX "idx_audit_events_tenant_team_time" ON "audit_events"  ("tenant_id", "team_id", "occurred_at", "id") ',
    );
    await q.query(
      'CREATE INDEX "idx_audit_events_tenant_target_time" ON "audit_events"  ("tenant_id", "target_type", "occurred_at", "id") ',
    );
    await q.query(
      'CREATE INDEX "idx_audit_events_tenant_action_time" ON "audit_events"  ("tenant_id", "action", "occurred_at", "id") ',
    );
    await q.query(
      'CREATE INDEX "idx_audit_events_tenant_actor_time" ON "audit_events"  ("tenant_id", "actor_id", "occurred_at", "id") ',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "idx_audit_events_tenant_actor_time"');
    await q.query('DROP INDEX "idx_audit_events_tenant_action_time"');
    await q.query('DROP INDEX "idx_audit_events_tenant_target_time"');
    await q.query('DROP INDEX "idx_audit_events_tenant_team_time"');
    await q.query('DROP INDEX "idx_webhook_deliveries_tenant_status"');
  }
}
