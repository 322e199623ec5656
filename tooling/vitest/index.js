// Test databases shared by every package's integration suite (`*.int.test.ts`).
// The same tests run on SQLite and on PostgreSQL; each test file gets its own
// SQLite file or its own PostgreSQL schema, so parallel runs never collide.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';

/** The PostgreSQL server integration tests use: DATABASE_URL_TEST, else the local one. */
export function postgresTestUrl() {
  return process.env.DATABASE_URL_TEST || LOCAL_POSTGRES;
}

const skipPostgres = process.env.GATEHOUSE_SKIP_POSTGRES === '1';

/**
 * @typedef {{ url: string, schema?: string, label: string, cleanup(): Promise<void> }} PreparedDatabase
 * @typedef {{ name: 'sqlite' | 'postgres', prepare(): Promise<PreparedDatabase> }} TestDatabase
 */

/** @type {TestDatabase} */
const sqlite = {
  name: 'sqlite',
  async prepare() {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
    const url = join(dir, 'test.db');
    return {
      url,
      label: `sqlite ${url}`,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

/** @type {TestDatabase} */
const postgres = {
  name: 'postgres',
  async prepare() {
    const url = postgresTestUrl();
    const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
    } catch (err) {
      // Fail loudly: a suite that silently skips PostgreSQL proves nothing about it.
      throw new Error(
        `PostgreSQL is not reachable at ${redact(url)} (${err.message}). ` +
          'Start it, point DATABASE_URL_TEST at one, or set GATEHOUSE_SKIP_POSTGRES=1 to skip on purpose.',
      );
    }
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.end();
    return {
      url,
      schema,
      label: `postgres ${redact(url)} schema ${schema}`,
      cleanup: async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await c.end();
      },
    };
  },
};

function redact(url) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Every database the integration suite runs on, for `describe.each(DATABASES)`. */
export const DATABASES = skipPostgres ? [sqlite] : [sqlite, postgres];
