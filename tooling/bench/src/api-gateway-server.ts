// The real gateway, wired as main.ts wires it, on the database BENCH_DB_URL names (a fresh SQLite file
// or PostgreSQL schema), with a tenant and a signed-in owner. Runs in its own process so the runner's
// load generator and RSS readings do not mix with it; the runner drives it over IPC.
import { randomBytes } from 'node:crypto';
import { createDatabase, createServices, type Database } from '@gatehouse/domain';
import { buildApp } from '@gatehouse/gateway/dist/app.js';
import { loadConfig } from '@gatehouse/gateway/dist/config.js';
import { createLogger } from '@gatehouse/gateway/dist/logger.js';
import { startServer } from '@gatehouse/gateway/dist/server.js';
import { seedSql } from './api-audit-rows.ts';

const url = process.env['BENCH_DB_URL'];
const schema = process.env['BENCH_DB_SCHEMA'];

async function open(): Promise<Database> {
  if (schema) {
    const admin = await createDatabase({ url });
    await admin.dataSource.query(`CREATE SCHEMA "${schema}"`);
    await admin.close();
  }
  const db = await createDatabase({ url, schema });
  await db.migrate();
  return db;
}

const db = await open();
const services = createServices(db, { encryptionKey: randomBytes(32) });
const created = await services.tenants.create({
  name: 'Bench',
  slug: `bench-${Date.now().toString(36)}`,
  ownerEmail: 'owner@bench.test',
});
const owner = await services.users.acceptInvitation(created.token);
const { token } = await db.transaction((tx) =>
  services.sessions.start(tx, {
    tenantId: owner.tenantId,
    userId: owner.id,
    method: 'email_link',
    ip: '127.0.0.1',
    userAgent: 'bench',
  }),
);
const config = { ...loadConfig({ LOG_LEVEL: 'warn' }), publicUrl: 'http://bench.local' };
const server = await startServer(
  buildApp({ db, logger: createLogger({ level: 'warn' }), config, services }),
  {
    host: '127.0.0.1',
    port: 0,
  },
);

/** Bulk rows straight in SQL, 100,000 per statement; no hash chain (the page benchmark does not read it). */
async function seed(count: number): Promise<void> {
  const tenant = `'${owner.tenantId}'`;
  for (let from = 0; from < count; from += 100_000) {
    const sql = seedSql(db.dialect, from, Math.min(100_000, count - from)).replace('$TENANT', tenant);
    await db.dataSource.query(sql);
  }
  await db.dataSource.query(db.dialect === 'postgres' ? 'ANALYZE audit_events' : 'ANALYZE');
}

process.send?.({ type: 'ready', url: server.url, cookie: `gh_session=${token}`, dialect: db.dialect });
process.on('message', (m: { type: string; count?: number }) => {
  if (m.type === 'seed') {
    const started = performance.now();
    void seed(m.count ?? 0).then(() => process.send?.({ type: 'seeded', ms: performance.now() - started }));
  }
  if (m.type === 'memory') {
    const { rss, heapUsed } = process.memoryUsage();
    process.send?.({ type: 'memory', rss, heapUsed });
  }
  if (m.type === 'stop') {
    void (async () => {
      await server.close();
      if (schema) await db.dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
      process.exit(0);
    })();
  }
});
