// Composition root: config → database → app → listen, and the way back down on SIGTERM/SIGINT.
import { buildApp } from './app.js';
import { ConfigError, describeDatabase, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { openRuntime } from './runtime.js';
import { startServer } from './server.js';
import { startWebhookDeliveryWorker } from './workers/webhook-delivery.worker.js';

async function main(config: Config, logger: Logger): Promise<void> {
  const database = describeDatabase(config.databaseUrl);
  const { db, services, migrationsApplied: applied } = await openRuntime(config, process.env, logger);
  if (applied.length > 0) logger.info({ migrations: applied }, `Applied ${applied.length} migration(s)`);
  else logger.info('Database schema is up to date');

  const app = buildApp({ db, logger, config, services });
  const server = await startServer(app, config);
  logger.info({ database, address: server.url }, `Gatehouse listening on ${config.publicUrl}`);
  const webhookWorker = startWebhookDeliveryWorker(services.webhookDeliveries, logger);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Shutting down: finishing in-flight requests');
    server
      .close()
      .then(() => webhookWorker.stop())
      // SCIM request records are written in short batches; the last batch goes before the database.
      .then(() => services.provisioningLog.flush())
      .then(() => db.close())
      .then(
        () => {
          logger.info('Stopped');
          process.exit(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'Shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

const config = configOrExit();
const logger = createLogger({ level: config.logLevel });
process.on('unhandledRejection', (reason) => {
  logger.error({ err: reason }, 'Unhandled promise rejection');
});
await main(config, logger).catch((err: unknown) => {
  logger.fatal({ err }, 'Gatehouse failed to start');
  process.exit(1);
});
