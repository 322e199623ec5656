import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddUsersEmailKeyIndex1795626107953 implements MigrationInterface {
  name = 'AddUsersEmailKeyIndex1795626107953';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX "idx_users_email_key" ON "users" ("email_key") ');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "idx_users_email_key"');
  }
}
