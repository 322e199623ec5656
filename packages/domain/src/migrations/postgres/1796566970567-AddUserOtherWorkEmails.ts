import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddUserOtherWorkEmails1796566970567 implements MigrationInterface {
  name = 'AddUserOtherWorkEmails1796566970567';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "users" ADD "other_work_emails" boolean NOT NULL DEFAULT false');
    await q.query(
      'CREATE INDEX "idx_users_tenant_other_work_emails" ON "users"  ("tenant_id", "other_work_emails") WHERE other_work_emails = true',
    );
    // Written by hand: the users already holding more than one work email (scim/users.ts `isWork`).
    await q.query(
      `UPDATE users SET other_work_emails = true WHERE scim_attributes IS NOT NULL AND (
         SELECT count(*) FROM json_array_elements(CASE WHEN json_typeof(scim_attributes::json -> 'emails') = 'array'
           THEN scim_attributes::json -> 'emails' ELSE '[]'::json END) e
         WHERE json_typeof(e -> 'type') = 'string' AND lower(e ->> 'type') = 'work') > 1`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "idx_users_tenant_other_work_emails"');
    await q.query('ALTER TABLE "users" DROP COLUMN "other_work_emails"');
  }
}
