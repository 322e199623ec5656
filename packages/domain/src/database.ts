import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import { DataSource, type DataSourceOptions, type EntityManager, type QueryRunner } from 'typeorm';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';
import { SnakeNamingStrategy } from './naming-strategy.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /** `postgres://…` for PostgreSQL; a file path or `sqlite:<path>` for SQLite. Default `./data/gatehouse.db`. */
  url?: string;
  /** PostgreSQL only: the schema every unqualified name resolves to (tests use one per file). */
  schema?: string;
  logging?: boolean;
}

export const DEFAULT_SQLITE_PATH = './data/gatehouse.db';

export function dialectOf(url: string | undefined): Dialect {
  return url && /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
}

// `timestamp without time zone` is written and read as UTC regardless of the process time zone,
// so a gateway in another TZ (or a CLI run) never shifts stored instants.
pg.defaults.parseInputDatesAsUTC = true;
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (v) => new Date(`${v.replace(' ', 'T')}Z`));

function dataSourceOptions(opts: DatabaseOptions): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: opts.logging ?? false,
  } as const;
  if (dialectOf(opts.url) === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: opts.url,
      migrations: MIGRATIONS.postgres,
      // Every transaction is READ COMMITTED as a setting of the session, not a SET statement (one
      // round trip) at the start of each transaction.
      extra: {
        options: [
          '-c default_transaction_isolation=read\\ committed',
          ...(opts.schema ? [`-c search_path=${opts.schema}`] : []),
        ].join(' '),
      },
    };
  }
  const path = resolve((opts.url ?? DEFAULT_SQLITE_PATH).replace(/^sqlite:(\/\/)?/, ''));
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: path,
    migrations: MIGRATIONS.sqlite,
    // WAL lets the CLI and the server share the file; the timeout makes a second writer wait, not fail.
    enableWAL: true,
    timeout: 10_000,
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
    },
  };
}

/**
 * The one way the rest of Gatehouse reaches the database. Services write only through
 * `transaction()`, so a change and its audit record commit or fail together.
 */
export class Database {
  readonly dialect: Dialect;
  // SQLite has one connection per process: transactions must not interleave on it.
  private sqliteQueue: Promise<unknown> = Promise.resolve();

  constructor(readonly dataSource: DataSource) {
    this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  /** For reads outside a transaction. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect === 'postgres') return this.dataSource.transaction(work);
    const run = this.sqliteQueue.then(() => this.sqliteImmediateTransaction(work));
    this.sqliteQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * `BEGIN IMMEDIATE` takes the write lock up front, so a concurrent writer in another process
   * (the CLI next to the server) waits for the busy timeout instead of failing on lock upgrade,
   * which TypeORM's deferred `BEGIN TRANSACTION` would risk.
   */
  private async sqliteImmediateTransaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.query('BEGIN IMMEDIATE');
    markTransaction(runner, true);
    try {
      const result = await work(runner.manager);
      await runner.query('COMMIT');
      return result;
    } catch (err) {
      await runner.query('ROLLBACK');
      throw err;
    } finally {
      markTransaction(runner, false);
      await runner.release();
    }
  }

  /** Applies pending migrations; returns their names. */
  async migrate(): Promise<string[]> {
    const done = await this.dataSource.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  }

  async revertAll(): Promise<void> {
    while (Number((await this.dataSource.query(migrationCountSql)).at(0)?.n) > 0) {
      await this.dataSource.undoLastMigration({ transaction: 'each' });
    }
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

const migrationCountSql = 'SELECT COUNT(*) AS n FROM migrations';

// TypeORM's own save()/remove() open a nested transaction unless the runner says one is active.
function markTransaction(runner: QueryRunner, active: boolean): void {
  const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
  state.isTransactionActive = active;
  state.transactionDepth = active ? 1 : 0;
}

export async function createDatabase(opts: DatabaseOptions = {}): Promise<Database> {
  const dataSource = new DataSource(dataSourceOptions(opts));
  await dataSource.initialize();
  return new Database(dataSource);
}

/** Driver unique violations, mapped to `Conflict` by repositories (never check-then-insert). */
export function isUniqueViolation(err: unknown): boolean {
  const driver = (err as { driverError?: { code?: string } } | null)?.driverError ?? err;
  const code = (driver as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
