// The real gateway, as main.ts wires it (compiled JavaScript, no loader in the way, so its RSS is
// the production figure), on the database BENCH_DB_URL names: a fresh SQLite file or PostgreSQL
// schema, with a tenant and a SCIM token. The parent drives it over IPC.
import { randomBytes, randomUUID } from 'node:crypto';
import { createDatabase, createServices, systemActor } from '@gatehouse/domain';
import { buildApp } from '@gatehouse/gateway/dist/app.js';
import { loadConfig } from '@gatehouse/gateway/dist/config.js';
import { createLogger } from '@gatehouse/gateway/dist/logger.js';
import { startServer } from '@gatehouse/gateway/dist/server.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const userName = (n) => `user${n}@contoso.test`;
const url = process.env.BENCH_DB_URL;
const schema = process.env.BENCH_DB_SCHEMA;

async function open() {
  if (schema) {
    const admin = await createDatabase({ url });
    // What autovacuum would have done, where it is off (as on the machine these figures come from):
    // every test run creates and drops a few hundred schemas, and their dead catalog rows (100,000 in
    // pg_attribute after some weeks) made the PostgreSQL figures a quarter to a third lower (lookups 5,044
    // against 7,436–7,441 requests/s in runs before and after one VACUUM). A user who may not vacuum
    // the catalogs gets a warning for each, not an error.
    await admin.dataSource.query('VACUUM');
    await admin.dataSource.query(`CREATE SCHEMA "${schema}"`);
    await admin.close();
  }
  const db = await createDatabase({ url, schema });
  await db.migrate();
  return db;
}

const db = await open();
// A limit the benchmark never reaches, so it measures the gateway; everything else is production wiring.
const services = createServices(db, {
  encryptionKey: randomBytes(32),
  provisioning: { rateLimit: { limit: 1_000_000_000 } },
});
const tenant = await services.tenants.create({
  name: 'Bench',
  slug: `bench-${Date.now().toString(36)}`,
  ownerEmail: 'owner@bench.test',
});
const { token } = await services.scimTokens.create(systemActor(tenant.tenant.id), { name: 'Entra ID' });
// `warn`: the access log's info lines would flood the parent's terminal; the middleware still runs.
const config = { ...loadConfig({ LOG_LEVEL: 'warn' }), publicUrl: 'http://bench.local' };
const app = buildApp({ db, logger: createLogger({ level: 'warn' }), config, services });
const server = await startServer(app, { host: '127.0.0.1', port: 0 });

/**
 * Fills the tenant up to a large population directly in SQL: the 100,000-user figures measure
 * lookups, member changes and paging at that size, not how long 94,000 creates take.
 */
async function seed(from, count) {
  const pg = db.dialect === 'postgres';
  const columns = ['id', 'tenant_id', 'email', 'email_key', 'user_name', 'user_name_key', 'external_id'];
  columns.push(
    'given_name',
    'family_name',
    'display_name',
    'active',
    'tenant_role',
    'source',
    'activated_at',
  );
  columns.push('scim_attributes', 'last_synced_at', 'version', 'created_at', 'updated_at');
  const now = new Date();
  const stamp = pg ? now : now.toISOString().replace('T', ' ').replace('Z', '');
  for (let start = from; start < from + count; start += 500) {
    const params = [];
    const rows = [];
    for (let n = start; n < Math.min(from + count, start + 500); n += 1) {
      const name = userName(n);
      const attrs = {
        userName: name,
        externalId: `seed-${n}`,
        active: true,
        emails: [{ primary: true, type: 'work', value: name }],
        name: { givenName: `Given${n}`, familyName: `Family${n}` },
        displayName: `Given${n} Family${n}`,
        [ENTERPRISE]: { employeeNumber: String(n) },
      };
      const values = [randomUUID(), tenant.tenant.id, name, name, name, name, `seed-${n}`, `Given${n}`];
      values.push(`Family${n}`, `Given${n} Family${n}`, pg ? true : 1, 'member', 'scim', stamp);
      values.push(JSON.stringify(attrs), stamp, 1, stamp, stamp);
      const marks = values.map((v) => {
        params.push(v);
        return pg ? `$${params.length}` : '?';
      });
      rows.push(`(${marks.join(', ')})`);
    }
    await db.dataSource.query(`INSERT INTO users (${columns.join(', ')}) VALUES ${rows.join(', ')}`, params);
  }
  // What autovacuum would do after a bulk load: planner statistics and the visibility map (index-only
  // offset counting) for the new population.
  if (pg) await db.dataSource.query('VACUUM (ANALYZE) users');
}

process.send?.({ type: 'ready', url: server.url, token });
process.on('message', (m) => {
  if (m.type === 'memory') {
    const { rss, heapUsed } = process.memoryUsage();
    process.send?.({ type: 'memory', rss, heapUsed });
  }
  if (m.type === 'seed') void seed(m.from, m.count).then(() => process.send?.({ type: 'seeded' }));
  if (m.type === 'stop') {
    void (async () => {
      await server.close();
      await services.provisioningLog.flush();
      if (schema) await db.dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
      process.exit(0);
    })();
  }
});
