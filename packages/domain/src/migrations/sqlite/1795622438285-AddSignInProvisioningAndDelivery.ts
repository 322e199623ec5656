import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSignInProvisioningAndDelivery1795622438285 implements MigrationInterface {
  name = 'AddSignInProvisioningAndDelivery1795622438285';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE "provisioning_log_entries" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "token_id" varchar(36), "token_name" varchar(100), "method" varchar(10) NOT NULL, "path" varchar(512) NOT NULL, "status" integer NOT NULL, "duration_ms" integer NOT NULL, "resource_type" varchar(32), "resource_id" varchar(64), "changes" text, "error" text, "request_id" varchar(64), "occurred_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE INDEX "idx_provisioning_log_tenant_resource" ON "provisioning_log_entries" ("tenant_id", "resource_id", "occurred_at") ',
    );
    await q.query(
      'CREATE INDEX "idx_provisioning_log_tenant_time" ON "provisioning_log_entries" ("tenant_id", "occurred_at", "id") ',
    );
    await q.query(
      'CREATE TABLE "rate_limit_counters" ("key" varchar(255) PRIMARY KEY NOT NULL, "count" integer NOT NULL, "expires_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE TABLE "email_sign_in_tokens" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "user_id" varchar(36) NOT NULL, "token_hash" varchar(64) NOT NULL, "expires_at" datetime NOT NULL, "used_at" datetime, "requested_ip" varchar(64), "created_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE UNIQUE INDEX "uq_email_sign_in_tokens_hash" ON "email_sign_in_tokens" ("token_hash") ',
    );
    await q.query(
      'CREATE INDEX "idx_email_sign_in_tokens_tenant_user" ON "email_sign_in_tokens" ("tenant_id", "user_id") ',
    );
    await q.query(
      'CREATE TABLE "recovery_codes" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "user_id" varchar(36) NOT NULL, "code_hash" varchar(64) NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE INDEX "idx_recovery_codes_tenant_user" ON "recovery_codes" ("tenant_id", "user_id") ',
    );
    await q.query(
      'CREATE TABLE "auth_requests" ("id" varchar(36) PRIMARY KEY NOT NULL, "binding_hash" varchar(64) NOT NULL, "kind" varchar(16) NOT NULL, "tenant_id" varchar(36), "connection_id" varchar(36), "user_id" varchar(36), "data" text NOT NULL, "expires_at" datetime NOT NULL, "consumed_at" datetime, "created_at" datetime NOT NULL)',
    );
    await q.query('CREATE UNIQUE INDEX "uq_auth_requests_hash" ON "auth_requests" ("binding_hash") ');
    await q.query(
      'CREATE TABLE "outbox_messages" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36), "to" varchar(320) NOT NULL, "from" varchar(400) NOT NULL, "subject" varchar(300) NOT NULL, "text" text NOT NULL, "template" varchar(32) NOT NULL, "attempts" integer NOT NULL, "sent_at" datetime, "last_error" text, "created_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE INDEX "idx_outbox_messages_tenant_time" ON "outbox_messages" ("tenant_id", "created_at", "id") ',
    );
    await q.query(
      'CREATE TABLE "webhook_deliveries" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "audit_event_id" varchar(36) NOT NULL, "status" varchar(16) NOT NULL, "attempts" integer NOT NULL, "next_attempt_at" datetime NOT NULL, "delivered_at" datetime, "last_status" integer, "last_error" text, "created_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE INDEX "idx_webhook_deliveries_due" ON "webhook_deliveries" ("status", "next_attempt_at") ',
    );
    await q.query('DROP INDEX "uq_users_tenant_user_name"');
    await q.query('DROP INDEX "uq_users_tenant_email"');
    await q.query('DROP INDEX "uq_users_tenant_external_id"');
    await q.query('DROP INDEX "idx_users_tenant_created"');
    await q.query(
      'CREATE TABLE "temporary_users" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "email" varchar(320) NOT NULL, "email_key" varchar(320), "user_name" varchar(320) NOT NULL, "user_name_key" varchar(320), "external_id" varchar(255), "given_name" varchar(200), "family_name" varchar(200), "display_name" varchar(300), "active" boolean NOT NULL, "tenant_role" varchar(32) NOT NULL, "mapped_tenant_role" varchar(32), "source" varchar(32) NOT NULL, "activated_at" datetime, "last_sign_in_at" datetime, "removed_at" datetime, "scim_attributes" text, "last_scim_payload" text, "last_synced_at" datetime, "mfa_secret_encrypted" text, "version" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "mfa_enabled_at" datetime)',
    );
    await q.query(
      'INSERT INTO "temporary_users"("id", "tenant_id", "email", "email_key", "user_name", "user_name_key", "external_id", "given_name", "family_name", "display_name", "active", "tenant_role", "mapped_tenant_role", "source", "activated_at", "last_sign_in_at", "removed_at", "scim_attributes", "last_scim_payload", "last_synced_at", "mfa_secret_encrypted", "version", "created_at", "updated_at") SELECT "id", "tenant_id", "email", "email_key", "user_name", "user_name_key", "external_id", "given_name", "family_name", "display_name", "active", "tenant_role", "mapped_tenant_role", "source", "activated_at", "last_sign_in_at", "removed_at", "scim_attributes", "last_scim_payload", "last_synced_at", "mfa_secret_encrypted", "version", "created_at", "updated_at" FROM "users"',
    );
    await q.query('DROP TABLE "users"');
    await q.query('ALTER TABLE "temporary_users" RENAME TO "users"');
    await q.query(
      'CREATE UNIQUE INDEX "uq_users_tenant_user_name" ON "users" ("tenant_id", "user_name_key") ',
    );
    await q.query('CREATE UNIQUE INDEX "uq_users_tenant_email" ON "users" ("tenant_id", "email_key") ');
    await q.query(
      'CREATE UNIQUE INDEX "uq_users_tenant_external_id" ON "users" ("tenant_id", "external_id") ',
    );
    await q.query('CREATE INDEX "idx_users_tenant_created" ON "users" ("tenant_id", "created_at", "id") ');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "idx_users_tenant_created"');
    await q.query('DROP INDEX "uq_users_tenant_external_id"');
    await q.query('DROP INDEX "uq_users_tenant_email"');
    await q.query('DROP INDEX "uq_users_tenant_user_name"');
    await q.query('ALTER TABLE "users" RENAME TO "temporary_users"');
    await q.query(
      'CREATE TABLE "users" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "email" varchar(320) NOT NULL, "email_key" varchar(320), "user_name" varchar(320) NOT NULL, "user_name_key" varchar(320), "external_id" varchar(255), "given_name" varchar(200), "family_name" varchar(200), "display_name" varchar(300), "active" boolean NOT NULL, "tenant_role" varchar(32) NOT NULL, "mapped_tenant_role" varchar(32), "source" varchar(32) NOT NULL, "activated_at" datetime, "last_sign_in_at" datetime, "removed_at" datetime, "scim_attributes" text, "last_scim_payload" text, "last_synced_at" datetime, "mfa_secret_encrypted" text, "version" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await q.query(
      'INSERT INTO "users"("id", "tenant_id", "email", "email_key", "user_name", "user_name_key", "external_id", "given_name", "family_name", "display_name", "active", "tenant_role", "mapped_tenant_role", "source", "activated_at", "last_sign_in_at", "removed_at", "scim_attributes", "last_scim_payload", "last_synced_at", "mfa_secret_encrypted", "version", "created_at", "updated_at") SELECT "id", "tenant_id", "email", "email_key", "user_name", "user_name_key", "external_id", "given_name", "family_name", "display_name", "active", "tenant_role", "mapped_tenant_role", "source", "activated_at", "last_sign_in_at", "removed_at", "scim_attributes", "last_scim_payload", "last_synced_at", "mfa_secret_encrypted", "version", "created_at", "updated_at" FROM "temporary_users"',
    );
    await q.query('DROP TABLE "temporary_users"');
    await q.query('CREATE INDEX "idx_users_tenant_created" ON "users" ("tenant_id", "created_at", "id") ');
    await q.query(
      'CREATE UNIQUE INDEX "uq_users_tenant_external_id" ON "users" ("tenant_id", "external_id") ',
    );
    await q.query('CREATE UNIQUE INDEX "uq_users_tenant_email" ON "users" ("tenant_id", "email_key") ');
    await q.query(
      'CREATE UNIQUE INDEX "uq_users_tenant_user_name" ON "users" ("tenant_id", "user_name_key") ',
    );
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
