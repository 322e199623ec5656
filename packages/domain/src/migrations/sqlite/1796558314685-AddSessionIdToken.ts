import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSessionIdToken1796558314685 implements MigrationInterface {
  name = 'AddSessionIdToken1796558314685';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "idx_sessions_tenant_user"');
    await q.query('DROP INDEX "uq_sessions_token_hash"');
    await q.query(
      'CREATE TABLE "temporary_sessions" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "user_id" varchar(36) NOT NULL, "token_hash" varchar(64) NOT NULL, "method" varchar(32) NOT NULL, "ip" varchar(64), "user_agent" varchar(512), "created_at" datetime NOT NULL, "last_seen_at" datetime NOT NULL, "revoked_at" datetime, "revoked_reason" varchar(64), "id_token_sealed" text)',
    );
    await q.query(
      'INSERT INTO "temporary_sessions"("id", "tenant_id", "user_id", "token_hash", "method", "ip", "user_agent", "created_at", "last_seen_at", "revoked_at", "revoked_reason") SELECT "id", "tenant_id", "user_id", "token_hash", "method", "ip", "user_agent", "created_at", "last_seen_at", "revoked_at", "revoked_reason" FROM "sessions"',
    );
    await q.query('DROP TABLE "sessions"');
    await q.query('ALTER TABLE "temporary_sessions" RENAME TO "sessions"');
    await q.query('CREATE INDEX "idx_sessions_tenant_user" ON "sessions" ("tenant_id", "user_id") ');
    await q.query('CREATE UNIQUE INDEX "uq_sessions_token_hash" ON "sessions" ("token_hash") ');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "uq_sessions_token_hash"');
    await q.query('DROP INDEX "idx_sessions_tenant_user"');
    await q.query('ALTER TABLE "sessions" RENAME TO "temporary_sessions"');
    await q.query(
      'CREATE TABLE "sessions" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "user_id" varchar(36) NOT NULL, "token_hash" varchar(64) NOT NULL, "method" varchar(32) NOT NULL, "ip" varchar(64), "user_agent" varchar(512), "created_at" datetime NOT NULL, "last_seen_at" datetime NOT NULL, "revoked_at" datetime, "revoked_reason" varchar(64))',
    );
    await q.query(
      'INSERT INTO "sessions"("id", "tenant_id", "user_id", "token_hash", "method", "ip", "user_agent", "created_at", "last_seen_at", "revoked_at", "revoked_reason") SELECT "id", "tenant_id", "user_id", "token_hash", "method", "ip", "user_agent", "created_at", "last_seen_at", "revoked_at", "revoked_reason" FROM "temporary_sessions"',
    );
    await q.query('DROP TABLE "temporary_sessions"');
    await q.query('CREATE UNIQUE INDEX "uq_sessions_token_hash" ON "sessions" ("token_hash") ');
    await q.query('CREATE INDEX "idx_sessions_tenant_user" ON "sessions" ("tenant_id", "user_id") ');
  }
}
