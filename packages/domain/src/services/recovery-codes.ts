import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { RecoveryCode } from '../entities/index.js';
import { newId } from '../crypto.js';
import { insertRow } from '../repositories/write.js';
import type { Clock } from '../clock.js';
import { base32Encode } from './totp.js';

export const RECOVERY_CODE_COUNT = 10;

/** `abcde-fghij` and `ABCDEFGHIJ` are the same code. */
export function normaliseRecoveryCode(code: string): string {
  return code.trim().toLowerCase().replace(/-/g, '');
}

/**
 * Owners' single-use break-glass codes. Each is 50 random bits (10 base32 characters, shown
 * `xxxxx-xxxxx`) — short enough to type, too short for a plain hash to resist a stolen database,
 * so codes are stored as HMACs under a key derived from the instance key: without that key the
 * rows are useless, and lookups stay one indexed equality.
 */
export class RecoveryCodes {
  private readonly key: Buffer;

  constructor(encryptionKey: Buffer) {
    this.key = Buffer.from(
      hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'gatehouse:recovery-codes', 32),
    );
  }

  hash(code: string): string {
    return createHmac('sha256', this.key).update(normaliseRecoveryCode(code)).digest('hex');
  }

  /** A new set replacing any earlier one; the codes are returned this once. */
  async issue(tx: EntityManager, clock: Clock, tenantId: string, userId: string): Promise<string[]> {
    await tx.delete(RecoveryCode, { tenantId, userId });
    const now = clock.now();
    const codes: string[] = [];
    for (let i = 0; i < RECOVERY_CODE_COUNT; i++) {
      const raw = base32Encode(randomBytes(7)).slice(0, 10).toLowerCase();
      codes.push(`${raw.slice(0, 5)}-${raw.slice(5)}`);
      await insertRow(tx, RecoveryCode, {
        id: newId(),
        tenantId,
        userId,
        codeHash: this.hash(raw),
        usedAt: null,
        createdAt: now,
      });
    }
    return codes;
  }
}
