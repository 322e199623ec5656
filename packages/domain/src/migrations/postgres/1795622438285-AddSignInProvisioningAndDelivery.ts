import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSignInProvisioningAndDelivery1795622438285 implements MigrationInterface {
  name = 'AddSignInProvisioningAndDelivery1795622438285';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE "provisioning_log_entries" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "token_id" character varying(36), "token_name" character varying(100), "method" character varying(10) NOT NULL, "path" character varying(512) NOT NULL, "status" integer NOT NULL, "duration_ms" integer NOT NULL, "resource_type" character varying(32), "resource_id" character varying(64), "changes" text, "error" text, "request_id" character varying(64), "occurred_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_5c0f4cc7df130466fd58d1e5997" PRIMARY KEY ("id"))',
    );
    await q.query(
      'CREATE INDEX "idx_provisioning_log_tenant_resource" ON "provisioning_log_entries"  ("tenant_id", "resource_id", "occurred_at") ',
    );
    await q.query(
      'CREATE INDEX "idx_provisioning_log_tenant_time" ON "provisioning_log_entries"  ("tenant_id", "occurred_at", "id") ',
    );
    await q.query(
      'CREATE TABLE "rate_limit_counters" ("key" character varying(255) NOT NULL, "count" integer NOT NULL, "expires_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_ad665f1998311a7bd0e8265365d" PRIMARY KEY ("key"))',
    );
    await q.query(
      'CREATE TABLE "email_sign_in_tokens" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "token_hash" character varying(64) NOT NULL, "expires_at" TIMESTAMP NOT NULL, "used_at" TIMESTAMP, "requested_ip" character varying(64), "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_65f00a94713841f39741035f10f" PRIMARY KEY ("id"))',
    );
    await q.query(
      'CREATE UNIQUE INDEX "uq_email_sign_in_tokens_hash" ON "email_sign_in_tokens"  ("token_hash") ',
    );
    await q.query(
      'CREATE INDEX "idx_email_sign_in_tokens_tenant_user" ON "email_sign_in_tokens"  ("tenant_id", "user_id") ',
    );
    await q.query(
      'CREATE TABLE "recovery_codes" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "code_hash" character varying(64) NOT NULL, "used_at" TIMESTAMP, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_0723b9e53961e799027d7f7ba32" PRIMARY KEY ("id"))',
    );
    await q.query(
      'CREATE INDEX "idx_recovery_codes_tenant_user" ON "recovery_codes"  ("tenant_id", "user_id") ',
    );
    await q.query(
      'CREATE TABLE "auth_requests" ("id" character varying(36) NOT NULL, "binding_hash" character varying(64) NOT NULL, "kind" character varying(16) NOT NULL, "tenant_id" character varying(36), "connection_id" character varying(36), "user_id" character varying(36), "data" text NOT NULL, "expires_at" TIMESTAMP NOT NULL, "consumed_at" TIMESTAMP, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_30e96b30b6e8a4e60a1c3f4b3e7" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE UNIQUE INDEX "uq_auth_requests_hash" ON "auth_requests"  ("binding_hash") ');
    await q.query(
      'CREATE TABLE "outbox_messages" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36), "to" character varying(320) NOT NULL, "from" character varying(400) NOT NULL, "subject" character varying(300) NOT NULL, "text" text NOT NULL, "template" character varying(32) NOT NULL, "attempts" integer NOT NULL, "sent_at" TIMESTAMP, "last_error" text, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_0171348f527c64b137e4d4f5b66" PRIMARY KEY ("id"))',
    );
    await q.query(
      'CREATE INDEX "idx_outbox_messages_tenant_time" ON "outbox_messages"  ("tenant_id", "created_at", "id") ',
    );
    await q.query(
      'CREATE TABLE "webhook_deliveries" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "audit_event_id" character varying(36) NOT NULL, "status" character varying(16) NOT NULL, "attempts" integer NOT NULL, "next_attempt_at" TIMESTAMP NOT NULL, "delivered_at" TIMESTAMP, "last_status" integer, "last_error" text, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))',
    );
    await q.query(
      'CREATE INDEX "idx_webhook_deliveries_due" ON "webhook_deliveries"  ("status", "next_attempt_at") ',
    );
    await q.query('ALTER TABLE "users" ADD "mfa_enabled_at" TIMESTAMP');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "users" DROP COLUMN "mfa_enabled_at"');
    await q.query('DROP INDEX "idx_webhook_deliveries_due"');
    await q.query('DROP TABLE "webhook_deliveries"');
    await q.query('DROP INDEX "idx_outbox_messages_tenant_time"');
    await q.query('DROP TABLE "outbox_messages"');
    await q.query('DROP INDEX "uq_auth_requests_hash"');
    await q.query('DROP TABLE "auth_requests"');
    await q.query('DROP INDEX "idx_recovery_codes_tenant_user"');
    await q.query('DROP TABLE "recovery_codes"');
    await q.query('DROP INDEX "idx_email_sign_in_tokens_tenant_user"');
    await q.query('DROP INDEX "uq_email_sign_in_tokens_hash"');
    await q.query('DROP TABLE "email_sign_in_tokens"');
    await q.query('DROP TABLE "rate_limit_counters"');
    await q.query('DROP INDEX "idx_provisioning_log_tenant_time"');
    await q.query('DROP INDEX "idx_provisioning_log_tenant_resource"');
    await q.query('DROP TABLE "provisioning_log_entries"');
  }
}
