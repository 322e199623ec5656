import type { TestDatabase } from '@gatehouse/vitest-config';
import { createDatabase, type Database } from '../src/database.js';

export { DATABASES } from '@gatehouse/vitest-config';

export interface OpenedDatabase {
  db: Database;
  label: string;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database of the given kind (its own SQLite file or PostgreSQL schema).
 * `transactionAttempts: 1` shows a deadlock as the failure it is instead of running the transaction
 * it aborted again.
 */
export async function openTestDatabase(
  target: TestDatabase,
  { migrate = true, transactionAttempts }: { migrate?: boolean; transactionAttempts?: number } = {},
): Promise<OpenedDatabase> {
  const prepared = await target.prepare();
  const db = await createDatabase({ url: prepared.url, schema: prepared.schema, transactionAttempts });
  if (migrate) await db.migrate();
  return {
    db,
    label: prepared.label,
    close: async () => {
      await db.close();
      await prepared.cleanup();
    },
  };
}
