import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSessionIdToken1796558314685 implements MigrationInterface {
  name = 'AddSessionIdToken1796558314685';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "sessions" ADD "id_token_sealed" text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "sessions" DROP COLUMN "id_token_sealed"');
  }
}
