import {
  createDatabase,
  createServices,
  loadEncryptionKey,
  type Database,
  type Services,
} from '@gatehouse/domain';
import type { Config } from './config.js';
import { outboundFetch } from './http/outbound.js';
import type { Logger } from './logger.js';
import { createMailer } from './mail.js';

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
export async function openRuntime(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
  logger?: Logger,
): Promise<Runtime> {
  const db = await createDatabase({ url: config.databaseUrl });
  try {
    const migrationsApplied = await db.migrate();
    const encryptionKey = await loadEncryptionKey(db, env.GATEHOUSE_SECRET_KEY);
    const mailer = createMailer(config, logger);
    const fetch = outboundFetch({ allowPrivate: config.outboundAllowPrivate });
    const provisioning = {
      rateLimit: { limit: config.scim.rateLimitPerMinute, windowSeconds: 60 },
      log: { retentionDays: config.scim.logRetentionDays },
    };
    const services = createServices(db, { encryptionKey, mailer, fetch, provisioning });
    return { db, services, migrationsApplied };
  } catch (err) {
    await db.close();
    throw err;
  }
}
