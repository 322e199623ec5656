import type { MigrationInterface, QueryRunner } from 'typeorm';
import { redactStoredPasswords } from '../redact-stored-passwords.js';

export class RedactStoredPasswords1796574078510 implements MigrationInterface {
  name = 'RedactStoredPasswords1796574078510';

  async up(q: QueryRunner): Promise<void> {
    await redactStoredPasswords(q, () => '?');
  }

  /** Nothing to undo: a redacted password is not restored. */
  async down(): Promise<void> {}
}
