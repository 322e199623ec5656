import {
  createDatabase,
  createServices,
  loadEncryptionKey,
  type Database,
  type Services,
} from '@gatehouse/domain';
import type { Config } from './config.js';

export interface Runtime {
  db: Database;
  services: Services;
  /** Names of the migrations this start applied. */
  migrationsApplied: string[];
}

/**
 * Database → migrations → instance key → services: what both the server and the CLI stand on,
 * so the CLI works next to a running server on the same database.
 */
export async function openRuntime(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<Runtime> {
  const db = await createDatabase({ url: config.databaseUrl });
  try {
    const migrationsApplied = await db.migrate();
    const encryptionKey = await loadEncryptionKey(db, env.GATEHOUSE_SECRET_KEY);
    return { db, services: createServices(db, { encryptionKey }), migrationsApplied };
  } catch (err) {
    await db.close();
    throw err;
  }
}
