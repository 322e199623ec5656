import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddUserOtherWorkEmails1796566970567 implements MigrationInterface {
  name = 'AddUserOtherWorkEmails1796566970567';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "idx_users_email_key"');
    await q.query('DROP INDEX "idx_users_tenant_last_sign_in"');
    await q.query('DROP INDEX "idx_users_tenant_created"');
    await q.query('DROP INDEX "uq_users_tenant_external_id"');
    await q.query('DROP INDEX "uq_users_tenant_email"');
    await q.query('DROP INDEX "uq_users_tenant_user_name"');
    await q.query(
      'CREATE TABLE "temporary_users" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "email" varchar(320) NOT NULL, "email_key" varchar(320), "user_name" varchar(320) NOT NULL, "user_name_key" varchar(320), "external_id" varchar(255), "given_name" varchar(200), "family_name" varchar(200), "display_name" varchar(300), "active" boolean NOT NULL, "tenant_role" varchar(32) NOT NULL, "mapped_tenant_role" varchar(32), "source" varchar(32) NOT NULL, "activated_at" datetime, "last_sign_in_at" datetime, "removed_at" datetime, "scim_attributes" text, "last_scim_payload" text, "last_synced_at" datetime, "mfa_secret_encrypted" text, "version" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "mfa_enabled_at" datetime, "other_work_emails" boolean NOT NULL DEFAULT (0))',
    );
    await q.query(
      'INSERT INTO "temporary_users"("id", "tenant_id", "email", "email_key", "user_name", "user_name_key", "external_id", "given_name", "family_name", "display_name", "active", "tenant_role", "mapped_tenant_role", "source", "activated_at", "last_sign_in_at", "removed_at", "scim_attributes", "last_scim_payload", "last_synced_at", "mfa_secret_encrypted", "version", "created_at", "updated_at", "mfa_enabled_at") SELECT "id", "tenant_id", "email", "email_key", "user_name", "user_name_key", "external_id", "given_name", "family_name", "display_name", "active", "tenant_role", "mapped_tenant_role", "source", "activated_at", "last_sign_in_at", "removed_at", "scim_attributes", "last_scim_payload", "last_synced_at", "mfa_secret_encrypted", "version", "created_at", "updated_at", "mfa_enabled_at" FROM "users"',
    );
    await q.query('DROP TABLE "users"');
    await q.query('ALTER TABLE "temporary_users" RENAME TO "users"');
    await q.query('CREATE INDEX "idx_users_email_key" ON "users" ("email_key") ');
    await q.query(
      'CREATE INDEX "idx_users_tenant_last_sign_in" ON "users" ("tenant_id", "last_sign_in_at", "id") ',
    );
    await q.query('CREATE INDEX "idx_users_tenant_created" ON "users" ("tenant_id", "created_at", "id") ');
    await q.query(
      'CREATE UNIQUE INDEX "uq_users_tenant_external_id" ON "users" ("tenant_id", "external_id") ',
    );
    await q.query('CREATE UNIQUE INDEX "uq_users_tenant_email" ON "users" ("tenant_id", "email_key") ');
    await q.query(
      'CREATE UNIQUE INDEX "uq_users_tenant_user_name" ON "users" ("tenant_id", "user_name_key") ',
    );
    await q.query(
      'CREATE INDEX "idx_users_tenant_other_work_emails" ON "users" ("tenant_id", "other_work_emails") WHERE other_work_emails = true',
    );
    // Written by hand: the users already holding more than one work email (scim/users.ts `isWork`).
    await q.query(
      `UPDATE users SET other_work_emails = 1 WHERE json_type(scim_attributes, '$.emails') = 'array' AND (
         SELECT count(*) FROM json_each(scim_attributes, '$.emails') e
         WHERE e.type = 'object' AND json_type(e.value, '$.type') = 'text'
           AND lower(json_extract(e.value, '$.type')) = 'work') > 1`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "idx_users_tenant_other_work_emails"');
    await q.query('DROP INDEX "uq_users_tenant_user_name"');
    await q.query('DROP INDEX "uq_users_tenant_email"');
    await q.query('DROP INDEX "uq_users_tenant_external_id"');
    await q.query('DROP INDEX "idx_users_tenant_created"');
    await q.query('DROP INDEX "idx_users_tenant_last_sign_in"');
    await q.query('DROP INDEX "idx_users_email_key"');
    await q.query('ALTER TABLE "users" RENAME TO "temporary_users"');
    await q.query(
      'CREATE TABLE "users" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "email" varchar(320) NOT NULL, "email_key" varchar(320), "user_name" varchar(320) NOT NULL, "user_name_key" varchar(320), "external_id" varchar(255), "given_name" varchar(200), "family_name" varchar(200), "display_name" varchar(300), "active" boolean NOT NULL, "tenant_role" varchar(32) NOT NULL, "mapped_tenant_role" varchar(32), "source" varchar(32) NOT NULL, "activated_at" datetime, "last_sign_in_at" datetime, "removed_at" datetime, "scim_attributes" text, "last_scim_payload" text, "last_synced_at" datetime, "mfa_secret_encrypted" text, "version" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "mfa_enabled_at" datetime)',
    );
    await q.query(
      'INSERT INTO "users"("id", "tenant_id", "email", "email_key", "user_name", "user_name_key", "external_id", "given_name", "family_name", "display_name", "active", "tenant_role", "mapped_tenant_role", "source", "activated_at", "last_sign_in_at", "removed_at", "scim_attributes", "last_scim_payload", "last_synced_at", "mfa_secret_encrypted", "version", "created_at", "updated_at", "mfa_enabled_at") SELECT "id", "tenant_id", "email", "email_key", "user_name", "user_name_key", "external_id", "given_name", "family_name", "display_name", "active", "tenant_role", "mapped_tenant_role", "source", "activated_at", "last_sign_in_at", "removed_at", "scim_attributes", "last_scim_payload", "last_synced_at", "mfa_secret_encrypted", "version", "created_at", "updated_at", "mfa_enabled_at" FROM "temporary_users"',
    );
    await q.query('DROP TABLE "temporary_users"');
    await q.query(
      'CREATE UNIQUE INDEX "uq_users_tenant_user_name" ON "users" ("tenant_id", "user_name_key") ',
    );
    await q.query('CREATE UNIQUE INDEX "uq_users_tenant_email" ON "users" ("tenant_id", "email_key") ');
    await q.query(
      'CREATE UNIQUE INDEX "uq_users_tenant_external_id" ON "users" ("tenant_id", "external_id") ',
    );
    await q.query('CREATE INDEX "idx_users_tenant_created" ON "users" ("tenant_id", "created_at", "id") ');
    await q.query(
      'CREATE INDEX "idx_users_tenant_last_sign_in" ON "users" ("tenant_id", "last_sign_in_at", "id") ',
    );
    await q.query('CREATE INDEX "idx_users_email_key" ON "users" ("email_key") ');
  }
}
