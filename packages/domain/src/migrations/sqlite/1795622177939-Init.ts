import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795622177939 implements MigrationInterface {
  name = 'Init1795622177939';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE "ai_provider_settings" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "provider" varchar(64) NOT NULL, "enabled" boolean NOT NULL, "allowed_models" text NOT NULL, "api_key_encrypted" text, "updated_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE UNIQUE INDEX "uq_ai_provider_settings_tenant_provider" ON "ai_provider_settings" ("tenant_id", "provider") ',
    );
    await q.query(
      'CREATE TABLE "api_keys" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "name" varchar(100) NOT NULL, "key_hash" varchar(64) NOT NULL, "prefix" varchar(16) NOT NULL, "created_by" varchar(36), "created_at" datetime NOT NULL, "last_used_at" datetime, "revoked_at" datetime)',
    );
    await q.query('CREATE UNIQUE INDEX "uq_api_keys_hash" ON "api_keys" ("key_hash") ');
    await q.query('CREATE INDEX "idx_api_keys_tenant" ON "api_keys" ("tenant_id", "created_at") ');
    await q.query(
      'CREATE TABLE "audit_chain_heads" ("tenant_id" varchar(36) PRIMARY KEY NOT NULL, "seq" integer NOT NULL, "hash" varchar(64) NOT NULL)',
    );
    await q.query(
      'CREATE TABLE "audit_events" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "seq" integer NOT NULL, "occurred_at" datetime NOT NULL, "actor_type" varchar(32) NOT NULL, "actor_id" varchar(64), "actor_label" varchar(320) NOT NULL, "action" varchar(64) NOT NULL, "target_type" varchar(32) NOT NULL, "target_id" varchar(64), "team_id" varchar(36), "change" text NOT NULL, "ip" varchar(64), "prev_hash" varchar(64) NOT NULL, "hash" varchar(64) NOT NULL)',
    );
    await q.query('CREATE UNIQUE INDEX "uq_audit_events_tenant_seq" ON "audit_events" ("tenant_id", "seq") ');
    await q.query(
      'CREATE INDEX "idx_audit_events_tenant_time" ON "audit_events" ("tenant_id", "occurred_at", "id") ',
    );
    await q.query(
      'CREATE TABLE "brandings" ("tenant_id" varchar(36) PRIMARY KEY NOT NULL, "sender_email" varchar(320), "sender_name" varchar(200), "login_notice" text, "updated_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE TABLE "cases" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "team_id" varchar(36) NOT NULL, "title" varchar(300) NOT NULL, "status" varchar(32) NOT NULL, "created_by" varchar(36) NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await q.query('CREATE INDEX "idx_cases_tenant_team" ON "cases" ("tenant_id", "team_id") ');
    await q.query(
      'CREATE TABLE "credentials" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "team_id" varchar(36) NOT NULL, "name" varchar(200) NOT NULL, "name_key" varchar(200) NOT NULL, "kind" varchar(64) NOT NULL, "sharing" varchar(32) NOT NULL, "domains" text NOT NULL, "secret_encrypted" text, "created_by" varchar(36) NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await q.query('CREATE INDEX "idx_credentials_tenant_team" ON "credentials" ("tenant_id", "team_id") ');
    await q.query(
      'CREATE UNIQUE INDEX "uq_credentials_tenant_name" ON "credentials" ("tenant_id", "name_key") ',
    );
    await q.query(
      'CREATE TABLE "dashboards" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "team_id" varchar(36) NOT NULL, "name" varchar(200) NOT NULL, "elements" text NOT NULL, "created_by" varchar(36) NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await q.query('CREATE INDEX "idx_dashboards_tenant_team" ON "dashboards" ("tenant_id", "team_id") ');
    await q.query(
      'CREATE TABLE "egress_rules" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "effect" varchar(32) NOT NULL, "host" varchar(253) NOT NULL, "ports" text NOT NULL, "schemes" text NOT NULL, "position" integer NOT NULL, "description" varchar(200), "created_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE INDEX "idx_egress_rules_tenant_position" ON "egress_rules" ("tenant_id", "position") ',
    );
    await q.query(
      'CREATE TABLE "feature_flags" ("tenant_id" varchar(36) NOT NULL, "key" varchar(64) NOT NULL, "enabled" boolean NOT NULL, "updated_by" varchar(36), "updated_at" datetime NOT NULL, PRIMARY KEY ("tenant_id", "key"))',
    );
    await q.query(
      'CREATE TABLE "groups" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "display_name" varchar(256) NOT NULL, "display_name_key" varchar(256) NOT NULL, "external_id" varchar(255), "last_scim_payload" text, "version" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await q.query('CREATE INDEX "idx_groups_tenant_external_id" ON "groups" ("tenant_id", "external_id") ');
    await q.query(
      'CREATE UNIQUE INDEX "uq_groups_tenant_display_name" ON "groups" ("tenant_id", "display_name_key") ',
    );
    await q.query(
      'CREATE TABLE "group_mappings" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "group_id" varchar(36) NOT NULL, "target" varchar(32) NOT NULL, "team_id" varchar(36), "team_role" varchar(32), "tenant_role" varchar(32), "created_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE INDEX "idx_group_mappings_tenant_group" ON "group_mappings" ("tenant_id", "group_id") ',
    );
    await q.query(
      'CREATE TABLE "group_members" ("group_id" varchar(36) NOT NULL, "user_id" varchar(36) NOT NULL, "tenant_id" varchar(36) NOT NULL, "created_at" datetime NOT NULL, PRIMARY KEY ("group_id", "user_id"))',
    );
    await q.query(
      'CREATE INDEX "idx_group_members_tenant_user" ON "group_members" ("tenant_id", "user_id") ',
    );
    await q.query(
      'CREATE TABLE "instance_secrets" ("name" varchar(64) PRIMARY KEY NOT NULL, "value" text NOT NULL, "created_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE TABLE "integration_settings" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "kind" varchar(32) NOT NULL, "enabled" boolean NOT NULL, "config" text NOT NULL, "secret_encrypted" text, "updated_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE UNIQUE INDEX "uq_integration_settings_tenant_kind" ON "integration_settings" ("tenant_id", "kind") ',
    );
    await q.query(
      'CREATE TABLE "invitations" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "user_id" varchar(36) NOT NULL, "email" varchar(320) NOT NULL, "tenant_role" varchar(32) NOT NULL, "teams" text NOT NULL, "token_hash" varchar(64) NOT NULL, "expires_at" datetime NOT NULL, "invited_by" varchar(36), "accepted_at" datetime, "revoked_at" datetime, "created_at" datetime NOT NULL)',
    );
    await q.query('CREATE UNIQUE INDEX "uq_invitations_token_hash" ON "invitations" ("token_hash") ');
    await q.query(
      'CREATE INDEX "idx_invitations_tenant_user" ON "invitations" ("tenant_id", "user_id", "created_at") ',
    );
    await q.query(
      'CREATE TABLE "ip_allowlist_entries" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "cidr" varchar(64) NOT NULL, "label" varchar(200), "created_by" varchar(36), "created_at" datetime NOT NULL)',
    );
    await q.query('CREATE INDEX "idx_ip_allowlist_entries_tenant" ON "ip_allowlist_entries" ("tenant_id") ');
    await q.query(
      'CREATE TABLE "object_shares" ("object_type" varchar(32) NOT NULL, "object_id" varchar(36) NOT NULL, "team_id" varchar(36) NOT NULL, "tenant_id" varchar(36) NOT NULL, "created_at" datetime NOT NULL, PRIMARY KEY ("object_type", "object_id", "team_id"))',
    );
    await q.query(
      'CREATE INDEX "idx_object_shares_tenant_team" ON "object_shares" ("tenant_id", "team_id", "object_type") ',
    );
    await q.query(
      'CREATE TABLE "resources" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "team_id" varchar(36) NOT NULL, "name" varchar(200) NOT NULL, "name_key" varchar(200) NOT NULL, "sharing" varchar(32) NOT NULL, "value" text NOT NULL, "created_by" varchar(36) NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await q.query('CREATE INDEX "idx_resources_tenant_team" ON "resources" ("tenant_id", "team_id") ');
    await q.query('CREATE UNIQUE INDEX "uq_resources_tenant_name" ON "resources" ("tenant_id", "name_key") ');
    await q.query(
      'CREATE TABLE "scim_tokens" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "name" varchar(100) NOT NULL, "token_hash" varchar(64) NOT NULL, "prefix" varchar(16) NOT NULL, "created_by" varchar(36), "created_at" datetime NOT NULL, "last_used_at" datetime, "revoked_at" datetime)',
    );
    await q.query('CREATE UNIQUE INDEX "uq_scim_tokens_hash" ON "scim_tokens" ("token_hash") ');
    await q.query('CREATE INDEX "idx_scim_tokens_tenant" ON "scim_tokens" ("tenant_id", "created_at") ');
    await q.query(
      'CREATE TABLE "sessions" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "user_id" varchar(36) NOT NULL, "token_hash" varchar(64) NOT NULL, "method" varchar(32) NOT NULL, "ip" varchar(64), "user_agent" varchar(512), "created_at" datetime NOT NULL, "last_seen_at" datetime NOT NULL, "revoked_at" datetime, "revoked_reason" varchar(64))',
    );
    await q.query('CREATE UNIQUE INDEX "uq_sessions_token_hash" ON "sessions" ("token_hash") ');
    await q.query('CREATE INDEX "idx_sessions_tenant_user" ON "sessions" ("tenant_id", "user_id") ');
    await q.query(
      'CREATE TABLE "sign_in_events" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36), "user_id" varchar(36), "email" varchar(320), "result" varchar(32) NOT NULL, "reason" varchar(64), "method" varchar(32) NOT NULL, "connection_id" varchar(36), "ip" varchar(64), "user_agent" varchar(512), "occurred_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE INDEX "idx_sign_in_events_tenant_user_time" ON "sign_in_events" ("tenant_id", "user_id", "occurred_at") ',
    );
    await q.query(
      'CREATE INDEX "idx_sign_in_events_tenant_time" ON "sign_in_events" ("tenant_id", "occurred_at", "id") ',
    );
    await q.query(
      'CREATE TABLE "sso_connections" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "name" varchar(100) NOT NULL, "issuer" varchar(512) NOT NULL, "client_id" varchar(255) NOT NULL, "client_secret_encrypted" text NOT NULL, "domains" text NOT NULL, "jit_enabled" boolean NOT NULL, "link_claim" varchar(64) NOT NULL, "link_by_verified_email" boolean NOT NULL, "groups_claim" varchar(64), "enabled" boolean NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await q.query('CREATE INDEX "idx_sso_connections_tenant" ON "sso_connections" ("tenant_id") ');
    await q.query(
      'CREATE TABLE "sso_domains" ("domain" varchar(253) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "connection_id" varchar(36) NOT NULL, "created_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE TABLE "stories" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "team_id" varchar(36) NOT NULL, "name" varchar(200) NOT NULL, "send_to_story_enabled" boolean NOT NULL, "sharing" varchar(32) NOT NULL, "change_managed" boolean NOT NULL, "live_version" text NOT NULL, "test_version" text, "created_by" varchar(36) NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await q.query('CREATE INDEX "idx_stories_tenant_team" ON "stories" ("tenant_id", "team_id") ');
    await q.query(
      'CREATE TABLE "teams" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "name" varchar(200) NOT NULL, "name_key" varchar(200), "kind" varchar(32) NOT NULL, "drafts_owner_id" varchar(36), "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE UNIQUE INDEX "uq_teams_tenant_drafts_owner" ON "teams" ("tenant_id", "drafts_owner_id") ',
    );
    await q.query('CREATE UNIQUE INDEX "uq_teams_tenant_name" ON "teams" ("tenant_id", "name_key") ');
    await q.query(
      'CREATE TABLE "team_allocations" ("team_id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "max_stories" integer NOT NULL, "updated_by" varchar(36), "updated_at" datetime NOT NULL)',
    );
    await q.query(
      'CREATE TABLE "team_memberships" ("team_id" varchar(36) NOT NULL, "user_id" varchar(36) NOT NULL, "tenant_id" varchar(36) NOT NULL, "role" varchar(32), "mapped_role" varchar(32), "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, PRIMARY KEY ("team_id", "user_id"))',
    );
    await q.query(
      'CREATE INDEX "idx_team_memberships_tenant_user" ON "team_memberships" ("tenant_id", "user_id") ',
    );
    await q.query(
      'CREATE TABLE "tenants" ("id" varchar(36) PRIMARY KEY NOT NULL, "slug" varchar(63) NOT NULL, "name" varchar(200) NOT NULL, "settings" text NOT NULL, "monthly_event_limit" integer, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await q.query('CREATE UNIQUE INDEX "uq_tenants_slug" ON "tenants" ("slug") ');
    await q.query(
      'CREATE TABLE "usage_counters" ("tenant_id" varchar(36) NOT NULL, "day" varchar(10) NOT NULL, "team_id" varchar(36) NOT NULL, "events" integer NOT NULL, "last_reported_by" varchar(36), PRIMARY KEY ("tenant_id", "day", "team_id"))',
    );
    await q.query(
      'CREATE TABLE "users" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "email" varchar(320) NOT NULL, "email_key" varchar(320), "user_name" varchar(320) NOT NULL, "user_name_key" varchar(320), "external_id" varchar(255), "given_name" varchar(200), "family_name" varchar(200), "display_name" varchar(300), "active" boolean NOT NULL, "tenant_role" varchar(32) NOT NULL, "mapped_tenant_role" varchar(32), "source" varchar(32) NOT NULL, "activated_at" datetime, "last_sign_in_at" datetime, "removed_at" datetime, "scim_attributes" text, "last_scim_payload" text, "last_synced_at" datetime, "mfa_secret_encrypted" text, "version" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
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
      'CREATE TABLE "user_identities" ("id" varchar(36) PRIMARY KEY NOT NULL, "tenant_id" varchar(36) NOT NULL, "user_id" varchar(36) NOT NULL, "connection_id" varchar(36) NOT NULL, "issuer" varchar(512) NOT NULL, "subject" varchar(255) NOT NULL, "created_at" datetime NOT NULL, "last_used_at" datetime)',
    );
    await q.query(
      'CREATE INDEX "idx_user_identities_tenant_user" ON "user_identities" ("tenant_id", "user_id") ',
    );
    await q.query(
      'CREATE UNIQUE INDEX "uq_user_identities_issuer_subject" ON "user_identities" ("issuer", "subject") ',
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
