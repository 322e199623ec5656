import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddUsersLastSignInIndex1795623712066 implements MigrationInterface {
  name = 'AddUsersLastSignInIndex1795623712066';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE INDEX "idx_users_tenant_last_sign_in" ON "users"  ("tenant_id", "last_sign_in_at", "id") ',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "idx_users_tenant_last_sign_in"');
  }
}
