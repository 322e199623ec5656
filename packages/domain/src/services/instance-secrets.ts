import { randomBytes } from 'node:crypto';
import { InstanceSecret } from '../entities/index.js';
import { InvalidInput } from '../errors.js';
import type { Database } from '../database.js';

const ENCRYPTION_KEY = 'encryption_key';

/**
 * The instance encryption key: `GATEHOUSE_SECRET_KEY` (base64, 32 bytes) when set — recommended,
 * it keeps the key out of the database it protects — otherwise generated on first start and kept in
 * the shared database, so every replica agrees (insert-if-absent, then read the winner).
 */
export async function loadEncryptionKey(db: Database, fromEnv: string | undefined): Promise<Buffer> {
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) {
      throw new InvalidInput('secret_key.length', 'GATEHOUSE_SECRET_KEY must be 32 bytes, base64-encoded.');
    }
    return key;
  }
  await db.manager
    .createQueryBuilder()
    .insert()
    .into(InstanceSecret)
    .values({ name: ENCRYPTION_KEY, value: randomBytes(32).toString('base64'), createdAt: new Date() })
    .orIgnore()
    .execute();
  const row = await db.manager.findOneByOrFail(InstanceSecret, { name: ENCRYPTION_KEY });
  return Buffer.from(row.value, 'base64');
}
