import type { MigrationInterface, QueryRunner } from 'typeorm';
import { foldFinalSigma } from '../fold-final-sigma.js';

export class FoldFinalSigma1796582665229 implements MigrationInterface {
  name = 'FoldFinalSigma1796582665229';

  async up(q: QueryRunner): Promise<void> {
    await foldFinalSigma(q);
  }

  /** Nothing to undo: a key folded again is what the earlier folding should have written. */
  async down(): Promise<void> {}
}
