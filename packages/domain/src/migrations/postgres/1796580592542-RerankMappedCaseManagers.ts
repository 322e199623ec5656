import type { MigrationInterface, QueryRunner } from 'typeorm';
import { rerankMappedCaseManagers } from '../rerank-mapped-case-managers.js';

export class RerankMappedCaseManagers1796580592542 implements MigrationInterface {
  name = 'RerankMappedCaseManagers1796580592542';

  async up(q: QueryRunner): Promise<void> {
    await rerankMappedCaseManagers(q);
  }

  /** Nothing to undo: the earlier ranking's choice is what the next recomputation would undo again. */
  async down(): Promise<void> {}
}
