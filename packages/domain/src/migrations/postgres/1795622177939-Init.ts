import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795622177939 implements MigrationInterface {
  name = 'Init1795622177939';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE "ai_provider_settings" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "provider" character varying(64) NOT NULL, "enabled" boolean NOT NULL, "allowed_models" text NOT NULL, "api_key_encrypted" text, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_4ce15ccb47cfcd757151e287cc3" PRIMARY KEY ("id"))',
    );
    await q.query(
      'CREATE UNIQUE INDEX "uq_ai_provider_settings_tenant_provider" ON "ai_provider_settings"  ("tenant_id", "provider") ',
    );
    await q.query(
      'CREATE TABLE "api_keys" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "name" character varying(100) NOT NULL, "key_hash" character varying(64) NOT NULL, "prefix" character varying(16) NOT NULL, "created_by" character varying(36), "created_at" TIMESTAMP NOT NULL, "last_used_at" TIMESTAMP, "revoked_at" TIMESTAMP, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE UNIQUE INDEX "uq_api_keys_hash" ON "api_keys"  ("key_hash") ');
    await q.query('CREATE INDEX "idx_api_keys_tenant" ON "api_keys"  ("tenant_id", "created_at") ');
    await q.query(
      'CREATE TABLE "audit_chain_heads" ("tenant_id" character varying(36) NOT NULL, "seq" integer NOT NULL, "hash" character varying(64) NOT NULL, CONSTRAINT "PK_b6a4de84c3789674b58c8953da5" PRIMARY KEY ("tenant_id"))',
    );
    await q.query(
      'CREATE TABLE "audit_events" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "seq" integer NOT NULL, "occurred_at" TIMESTAMP NOT NULL, "actor_type" character varying(32) NOT NULL, "actor_id" character varying(64), "actor_label" character varying(320) NOT NULL, "action" character varying(64) NOT NULL, "target_type" character varying(32) NOT NULL, "target_id" character varying(64), "team_id" character varying(36), "change" text NOT NULL, "ip" character varying(64), "prev_hash" character varying(64) NOT NULL, "hash" character varying(64) NOT NULL, CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))',
    );
    await q.query(
      'CREATE UNIQUE INDEX "uq_audit_events_tenant_seq" ON "audit_events"  ("tenant_id", "seq") ',
    );
    await q.query(
      'CREATE INDEX "idx_audit_events_tenant_time" ON "audit_events"  ("tenant_id", "occurred_at", "id") ',
    );
    await q.query(
      'CREATE TABLE "brandings" ("tenant_id" character varying(36) NOT NULL, "sender_email" character varying(320), "sender_name" character varying(200), "login_notice" text, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_38d602c9c2b5aed6f19937fc714" PRIMARY KEY ("tenant_id"))',
    );
    await q.query(
      'CREATE TABLE "cases" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "team_id" character varying(36) NOT NULL, "title" character varying(300) NOT NULL, "status" character varying(32) NOT NULL, "created_by" character varying(36) NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_264acb3048c240fb89aa34626db" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE INDEX "idx_cases_tenant_team" ON "cases"  ("tenant_id", "team_id") ');
    await q.query(
      'CREATE TABLE "credentials" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "team_id" character varying(36) NOT NULL, "name" character varying(200) NOT NULL, "name_key" character varying(200) NOT NULL, "kind" character varying(64) NOT NULL, "sharing" character varying(32) NOT NULL, "domains" text NOT NULL, "secret_encrypted" text, "created_by" character varying(36) NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_1e38bc43be6697cdda548ad27a6" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE INDEX "idx_credentials_tenant_team" ON "credentials"  ("tenant_id", "team_id") ');
    await q.query(
      'CREATE UNIQUE INDEX "uq_credentials_tenant_name" ON "credentials"  ("tenant_id", "name_key") ',
    );
    await q.query(
      'CREATE TABLE "dashboards" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "team_id" character varying(36) NOT NULL, "name" character varying(200) NOT NULL, "elements" text NOT NULL, "created_by" character varying(36) NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_1b4b4bc346118e0d335f16c5344" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE INDEX "idx_dashboards_tenant_team" ON "dashboards"  ("tenant_id", "team_id") ');
    await q.query(
      'CREATE TABLE "egress_rules" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "effect" character varying(32) NOT NULL, "host" character varying(253) NOT NULL, "ports" text NOT NULL, "schemes" text NOT NULL, "position" integer NOT NULL, "description" character varying(200), "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_fb7494c959f66c9b5f159209646" PRIMARY KEY ("id"))',
    );
    await q.query(
      'CREATE INDEX "idx_egress_rules_tenant_position" ON "egress_rules"  ("tenant_id", "position") ',
    );
    await q.query(
      'CREATE TABLE "feature_flags" ("tenant_id" character varying(36) NOT NULL, "key" character varying(64) NOT NULL, "enabled" boolean NOT NULL, "updated_by" character varying(36), "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_9c48f720ffe205d5965c3505cd9" PRIMARY KEY ("tenant_id", "key"))',
    );
    await q.query(
      'CREATE TABLE "groups" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "display_name" character varying(256) NOT NULL, "display_name_key" character varying(256) NOT NULL, "external_id" character varying(255), "last_scim_payload" text, "version" integer NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_659d1483316afb28afd3a90646e" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE INDEX "idx_groups_tenant_external_id" ON "groups"  ("tenant_id", "external_id") ');
    await q.query(
      'CREATE UNIQUE INDEX "uq_groups_tenant_display_name" ON "groups"  ("tenant_id", "display_name_key") ',
    );
    await q.query(
      'CREATE TABLE "group_mappings" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "group_id" character varying(36) NOT NULL, "target" character varying(32) NOT NULL, "team_id" character varying(36), "team_role" character varying(32), "tenant_role" character varying(32), "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_59ac5c2b2e5576973e55dc813f6" PRIMARY KEY ("id"))',
    );
    await q.query(
      'CREATE INDEX "idx_group_mappings_tenant_group" ON "group_mappings"  ("tenant_id", "group_id") ',
    );
    await q.query(
      'CREATE TABLE "group_members" ("group_id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_f5939ee0ad233ad35e03f5c65c1" PRIMARY KEY ("group_id", "user_id"))',
    );
    await q.query(
      'CREATE INDEX "idx_group_members_tenant_user" ON "group_members"  ("tenant_id", "user_id") ',
    );
    await q.query(
      'CREATE TABLE "instance_secrets" ("name" character varying(64) NOT NULL, "value" text NOT NULL, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_70c19fbe0a0c5eb8da58d29bbfc" PRIMARY KEY ("name"))',
    );
    await q.query(
      'CREATE TABLE "integration_settings" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "kind" character varying(32) NOT NULL, "enabled" boolean NOT NULL, "config" text NOT NULL, "secret_encrypted" text, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_7fe33709ca8fb0f00136a1ff460" PRIMARY KEY ("id"))',
    );
    await q.query(
      'CREATE UNIQUE INDEX "uq_integration_settings_tenant_kind" ON "integration_settings"  ("tenant_id", "kind") ',
    );
    await q.query(
      'CREATE TABLE "invitations" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "email" character varying(320) NOT NULL, "tenant_role" character varying(32) NOT NULL, "teams" text NOT NULL, "token_hash" character varying(64) NOT NULL, "expires_at" TIMESTAMP NOT NULL, "invited_by" character varying(36), "accepted_at" TIMESTAMP, "revoked_at" TIMESTAMP, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_5dec98cfdfd562e4ad3648bbb07" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE UNIQUE INDEX "uq_invitations_token_hash" ON "invitations"  ("token_hash") ');
    await q.query(
      'CREATE INDEX "idx_invitations_tenant_user" ON "invitations"  ("tenant_id", "user_id", "created_at") ',
    );
    await q.query(
      'CREATE TABLE "ip_allowlist_entries" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "cidr" character varying(64) NOT NULL, "label" character varying(200), "created_by" character varying(36), "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_7655c1481ee5972a5430750880c" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE INDEX "idx_ip_allowlist_entries_tenant" ON "ip_allowlist_entries"  ("tenant_id") ');
    await q.query(
      'CREATE TABLE "object_shares" ("object_type" character varying(32) NOT NULL, "object_id" character varying(36) NOT NULL, "team_id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_e536a0cdb34f8abeeee94d2d836" PRIMARY KEY ("object_type", "object_id", "team_id"))',
    );
    await q.query(
      'CREATE INDEX "idx_object_shares_tenant_team" ON "object_shares"  ("tenant_id", "team_id", "object_type") ',
    );
    await q.query(
      'CREATE TABLE "resources" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "team_id" character varying(36) NOT NULL, "name" character varying(200) NOT NULL, "name_key" character varying(200) NOT NULL, "sharing" character varying(32) NOT NULL, "value" text NOT NULL, "created_by" character varying(36) NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_632484ab9dff41bba94f9b7c85e" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE INDEX "idx_resources_tenant_team" ON "resources"  ("tenant_id", "team_id") ');
    await q.query(
      'CREATE UNIQUE INDEX "uq_resources_tenant_name" ON "resources"  ("tenant_id", "name_key") ',
    );
    await q.query(
      'CREATE TABLE "scim_tokens" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "name" character varying(100) NOT NULL, "token_hash" character varying(64) NOT NULL, "prefix" character varying(16) NOT NULL, "created_by" character varying(36), "created_at" TIMESTAMP NOT NULL, "last_used_at" TIMESTAMP, "revoked_at" TIMESTAMP, CONSTRAINT "PK_5e368798dfa88b0d9fb185e8901" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE UNIQUE INDEX "uq_scim_tokens_hash" ON "scim_tokens"  ("token_hash") ');
    await q.query('CREATE INDEX "idx_scim_tokens_tenant" ON "scim_tokens"  ("tenant_id", "created_at") ');
    await q.query(
      'CREATE TABLE "sessions" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "token_hash" character varying(64) NOT NULL, "method" character varying(32) NOT NULL, "ip" character varying(64), "user_agent" character varying(512), "created_at" TIMESTAMP NOT NULL, "last_seen_at" TIMESTAMP NOT NULL, "revoked_at" TIMESTAMP, "revoked_reason" character varying(64), CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE UNIQUE INDEX "uq_sessions_token_hash" ON "sessions"  ("token_hash") ');
    await q.query('CREATE INDEX "idx_sessions_tenant_user" ON "sessions"  ("tenant_id", "user_id") ');
    await q.query(
      'CREATE TABLE "sign_in_events" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36), "user_id" character varying(36), "email" character varying(320), "result" character varying(32) NOT NULL, "reason" character varying(64), "method" character varying(32) NOT NULL, "connection_id" character varying(36), "ip" character varying(64), "user_agent" character varying(512), "occurred_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_73586f99727fd78be086b21bf8c" PRIMARY KEY ("id"))',
    );
    await q.query(
      'CREATE INDEX "idx_sign_in_events_tenant_user_time" ON "sign_in_events"  ("tenant_id", "user_id", "occurred_at") ',
    );
    await q.query(
      'CREATE INDEX "idx_sign_in_events_tenant_time" ON "sign_in_events"  ("tenant_id", "occurred_at", "id") ',
    );
    await q.query(
      'CREATE TABLE "sso_connections" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "name" character varying(100) NOT NULL, "issuer" character varying(512) NOT NULL, "client_id" character varying(255) NOT NULL, "client_secret_encrypted" text NOT NULL, "domains" text NOT NULL, "jit_enabled" boolean NOT NULL, "link_claim" character varying(64) NOT NULL, "link_by_verified_email" boolean NOT NULL, "groups_claim" character varying(64), "enabled" boolean NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_e805b051afd9f0dc0349b064cf4" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE INDEX "idx_sso_connections_tenant" ON "sso_connections"  ("tenant_id") ');
    await q.query(
      'CREATE TABLE "sso_domains" ("domain" character varying(253) NOT NULL, "tenant_id" character varying(36) NOT NULL, "connection_id" character varying(36) NOT NULL, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_586adb1f29cd99ed778c30fb1fd" PRIMARY KEY ("domain"))',
    );
    await q.query(
      'CREATE TABLE "stories" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "team_id" character varying(36) NOT NULL, "name" character varying(200) NOT NULL, "send_to_story_enabled" boolean NOT NULL, "sharing" character varying(32) NOT NULL, "change_managed" boolean NOT NULL, "live_version" text NOT NULL, "test_version" text, "created_by" character varying(36) NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_bb6f880b260ed96c452b32a39f0" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE INDEX "idx_stories_tenant_team" ON "stories"  ("tenant_id", "team_id") ');
    await q.query(
      'CREATE TABLE "teams" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "name" character varying(200) NOT NULL, "name_key" character varying(200), "kind" character varying(32) NOT NULL, "drafts_owner_id" character varying(36), "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_7e5523774a38b08a6236d322403" PRIMARY KEY ("id"))',
    );
    await q.query(
      'CREATE UNIQUE INDEX "uq_teams_tenant_drafts_owner" ON "teams"  ("tenant_id", "drafts_owner_id") ',
    );
    await q.query('CREATE UNIQUE INDEX "uq_teams_tenant_name" ON "teams"  ("tenant_id", "name_key") ');
    await q.query(
      'CREATE TABLE "team_allocations" ("team_id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "max_stories" integer NOT NULL, "updated_by" character varying(36), "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_a75dc204db71a9975ed838e987f" PRIMARY KEY ("team_id"))',
    );
    await q.query(
      'CREATE TABLE "team_memberships" ("team_id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "role" character varying(32), "mapped_role" character varying(32), "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_11c823f69a675c3f05d0fc31958" PRIMARY KEY ("team_id", "user_id"))',
    );
    await q.query(
      'CREATE INDEX "idx_team_memberships_tenant_user" ON "team_memberships"  ("tenant_id", "user_id") ',
    );
    await q.query(
      'CREATE TABLE "tenants" ("id" character varying(36) NOT NULL, "slug" character varying(63) NOT NULL, "name" character varying(200) NOT NULL, "settings" text NOT NULL, "monthly_event_limit" integer, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_53be67a04681c66b87ee27c9321" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE UNIQUE INDEX "uq_tenants_slug" ON "tenants"  ("slug") ');
    await q.query(
      'CREATE TABLE "usage_counters" ("tenant_id" character varying(36) NOT NULL, "day" character varying(10) NOT NULL, "team_id" character varying(36) NOT NULL, "events" integer NOT NULL, "last_reported_by" character varying(36), CONSTRAINT "PK_cb4e5ab9cdf0c43bac3230e0f43" PRIMARY KEY ("tenant_id", "day", "team_id"))',
    );
    await q.query(
      'CREATE TABLE "users" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "email" character varying(320) NOT NULL, "email_key" character varying(320), "user_name" character varying(320) NOT NULL, "user_name_key" character varying(320), "external_id" character varying(255), "given_name" character varying(200), "family_name" character varying(200), "display_name" character varying(300), "active" boolean NOT NULL, "tenant_role" character varying(32) NOT NULL, "mapped_tenant_role" character varying(32), "source" character varying(32) NOT NULL, "activated_at" TIMESTAMP, "last_sign_in_at" TIMESTAMP, "removed_at" TIMESTAMP, "scim_attributes" text, "last_scim_payload" text, "last_synced_at" TIMESTAMP, "mfa_secret_encrypted" text, "version" integer NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE INDEX "idx_users_tenant_created" ON "users"  ("tenant_id", "created_at", "id") ');
    await q.query(
      'CREATE UNIQUE INDEX "uq_users_tenant_external_id" ON "users"  ("tenant_id", "external_id") ',
    );
    await q.query('CREATE UNIQUE INDEX "uq_users_tenant_email" ON "users"  ("tenant_id", "email_key") ');
    await q.query(
      'CREATE UNIQUE INDEX "uq_users_tenant_user_name" ON "users"  ("tenant_id", "user_name_key") ',
    );
    await q.query(
      'CREATE TABLE "user_identities" ("id" character varying(36) NOT NULL, "tenant_id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "connection_id" character varying(36) NOT NULL, "issuer" character varying(512) NOT NULL, "subject" character varying(255) NOT NULL, "created_at" TIMESTAMP NOT NULL, "last_used_at" TIMESTAMP, CONSTRAINT "PK_e23bff04e9c3e7b785e442b262c" PRIMARY KEY ("id"))',
    );
    await q.query(
      'CREATE INDEX "idx_user_identities_tenant_user" ON "user_identities"  ("tenant_id", "user_id") ',
    );
    await q.query(
      'CREATE UNIQUE INDEX "uq_user_identities_issuer_subject" ON "user_identities"  ("issuer", "subject") ',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "uq_user_identities_issuer_subject"');
    await q.query('DROP INDEX "idx_user_identities_tenant_user"');
    await q.query('DROP TABLE "user_identities"');
    await q.query('DROP INDEX "uq_users_tenant_user_name"');
    await q.query('DROP INDEX "uq_users_tenant_email"');
    await q.query('DROP INDEX "uq_users_tenant_external_id"');
    await q.query('DROP INDEX "idx_users_tenant_created"');
    await q.query('DROP TABLE "users"');
    await q.query('DROP TABLE "usage_counters"');
    await q.query('DROP INDEX "uq_tenants_slug"');
    await q.query('DROP TABLE "tenants"');
    await q.query('DROP INDEX "idx_team_memberships_tenant_user"');
    await q.query('DROP TABLE "team_memberships"');
    await q.query('DROP TABLE "team_allocations"');
    await q.query('DROP INDEX "uq_teams_tenant_name"');
    await q.query('DROP INDEX "uq_teams_tenant_drafts_owner"');
    await q.query('DROP TABLE "teams"');
    await q.query('DROP INDEX "idx_stories_tenant_team"');
    await q.query('DROP TABLE "stories"');
    await q.query('DROP TABLE "sso_domains"');
    await q.query('DROP INDEX "idx_sso_connections_tenant"');
    await q.query('DROP TABLE "sso_connections"');
    await q.query('DROP INDEX "idx_sign_in_events_tenant_time"');
    await q.query('DROP INDEX "idx_sign_in_events_tenant_user_time"');
    await q.query('DROP TABLE "sign_in_events"');
    await q.query('DROP INDEX "idx_sessions_tenant_user"');
    await q.query('DROP INDEX "uq_sessions_token_hash"');
    await q.query('DROP TABLE "sessions"');
    await q.query('DROP INDEX "idx_scim_tokens_tenant"');
    await q.query('DROP INDEX "uq_scim_tokens_hash"');
    await q.query('DROP TABLE "scim_tokens"');
    await q.query('DROP INDEX "uq_resources_tenant_name"');
    await q.query('DROP INDEX "idx_resources_tenant_team"');
    await q.query('DROP TABLE "resources"');
    await q.query('DROP INDEX "idx_object_shares_tenant_team"');
    await q.query('DROP TABLE "object_shares"');
    await q.query('DROP INDEX "idx_ip_allowlist_entries_tenant"');
    await q.query('DROP TABLE "ip_allowlist_entries"');
    await q.query('DROP INDEX "idx_invitations_tenant_user"');
    await q.query('DROP INDEX "uq_invitations_token_hash"');
    await q.query('DROP TABLE "invitations"');
    await q.query('DROP INDEX "uq_integration_settings_tenant_kind"');
    await q.query('DROP TABLE "integration_settings"');
    await q.query('DROP TABLE "instance_secrets"');
    await q.query('DROP INDEX "idx_group_members_tenant_user"');
    await q.query('DROP TABLE "group_members"');
    await q.query('DROP INDEX "idx_group_mappings_tenant_group"');
    await q.query('DROP TABLE "group_mappings"');
    await q.query('DROP INDEX "uq_groups_tenant_display_name"');
    await q.query('DROP INDEX "idx_groups_tenant_external_id"');
    await q.query('DROP TABLE "groups"');
    await q.query('DROP TABLE "feature_flags"');
    await q.query('DROP INDEX "idx_egress_rules_tenant_position"');
    await q.query('DROP TABLE "egress_rules"');
    await q.query('DROP INDEX "idx_dashboards_tenant_team"');
    await q.query('DROP TABLE "dashboards"');
    await q.query('DROP INDEX "uq_credentials_tenant_name"');
    await q.query('DROP INDEX "idx_credentials_tenant_team"');
    await q.query('DROP TABLE "credentials"');
    await q.query('DROP INDEX "idx_cases_tenant_team"');
    await q.query('DROP TABLE "cases"');
    await q.query('DROP TABLE "brandings"');
    await q.query('DROP INDEX "idx_audit_events_tenant_time"');
    await q.query('DROP INDEX "uq_audit_events_tenant_seq"');
    await q.query('DROP TABLE "audit_events"');
    await q.query('DROP TABLE "audit_chain_heads"');
    await q.query('DROP INDEX "idx_api_keys_tenant"');
    await q.query('DROP INDEX "uq_api_keys_hash"');
    await q.query('DROP TABLE "api_keys"');
    await q.query('DROP INDEX "uq_ai_provider_settings_tenant_provider"');
    await q.query('DROP TABLE "ai_provider_settings"');
  }
}
