import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  DataSource,
  type DataSourceOptions,
  type EntityManager,
  type EntityTarget,
  type ObjectLiteral,
  type QueryRunner,
} from 'typeorm';
import { caseFold, SQLITE_CASE_FOLD } from './case-fold.js';
import { ENTITIES } from './entities/index.js';
import { Contention } from './errors.js';
import { MIGRATIONS } from './migrations/index.js';
import { SnakeNamingStrategy } from './naming-strategy.js';
import { SAFETY_NET_PAGES, WalCheckpointer } from './wal-checkpointer.js';

export type Dialect = 'sqlite' | 'postgres';

/** What `prepareDatabase` is handed: the better-sqlite3 connection, as far as it is used here. */
interface SqliteConnection {
  pragma(source: string): unknown;
  function(name: string, options: { deterministic: boolean }, fn: (value: unknown) => unknown): unknown;
}

export interface DatabaseOptions {
  /** `postgres://…` for PostgreSQL; a file path or `sqlite:<path>` for SQLite. Default `./data/gatehouse.db`. */
  url?: string;
  /** PostgreSQL only: the schema every unqualified name resolves to (tests use one per file). */
  schema?: string;
  logging?: boolean;
  /**
   * PostgreSQL only: how many times a transaction runs when it keeps being chosen as the victim of a
   * deadlock or failing serialization (`Database.transaction`). Default 3; 1 never runs one again.
   */
  transactionAttempts?: number;
}

export const DEFAULT_SQLITE_PATH = './data/gatehouse.db';

/** Runs of a transaction that keeps failing on a deadlock or serialization failure (PostgreSQL). */
const TRANSACTION_ATTEMPTS = 3;
/** The pause before running one again, times the attempt number, ±50%. */
const RETRY_PAUSE_MS = 20;

/** A table is vacuumed once this replica has added a tenth of its rows, and never below this many. */
const VACUUM_MIN_ROWS = 500;
const VACUUM_GROWTH = 0.1;
/**
 * Nor more often than this per table and replica; growth noted meanwhile is vacuumed when it ends,
 * so the end of a burst of inserts is covered too.
 */
const VACUUM_EVERY_MS = 2_000;

interface Growth {
  /** Rows added by this replica since it last vacuumed the table. */
  added: number;
  /** The table's row count as the last VACUUM found it. */
  rows: number;
  at: number;
  running?: Promise<void> | undefined;
  /** The run put off until VACUUM_EVERY_MS has passed. */
  later?: NodeJS.Timeout | undefined;
}

export function dialectOf(url: string | undefined): Dialect {
  return url && /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
}

// `timestamp without time zone` is written and read as UTC regardless of the process time zone,
// so a gateway in another TZ (or a CLI run) never shifts stored instants.
pg.defaults.parseInputDatesAsUTC = true;
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, parseUtcTimestamp);

/** The same instant through the Date parser, for the forms `parseUtcTimestamp` does not read itself. */
const viaDateParser = (text: string): Date => new Date(`${text.replace(' ', 'T')}Z`);

/** The decimal number `text` holds from `from` to `to`. */
function numberAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i += 1) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

/**
 * PostgreSQL's text form of a `timestamp` (`2026-12-06 18:01:02.345678`) as that instant in UTC.
 * Read field by field: building an ISO string for the Date parser was 7% of the CPU a page of 100
 * users cost (five timestamps a row). Fractions past milliseconds are dropped, as the Date parser
 * drops them; any other form (`infinity`, a BC or five-digit year) goes to the Date parser.
 */
export function parseUtcTimestamp(text: string): Date {
  const fraction = text.length > 20 && text.charCodeAt(19) === 46;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(10) !== 32 || !(text.length === 19 || fraction)) {
    return viaDateParser(text);
  }
  const year = numberAt(text, 0, 4);
  // Date.UTC reads the years 0 to 99 as 1900 to 1999.
  if (year < 100) return viaDateParser(text);
  const ms = fraction
    ? numberAt(text, 20, Math.min(23, text.length)) * 10 ** Math.max(0, 23 - text.length)
    : 0;
  return new Date(
    Date.UTC(
      year,
      numberAt(text, 5, 7) - 1,
      numberAt(text, 8, 10),
      numberAt(text, 11, 13),
      numberAt(text, 14, 16),
      numberAt(text, 17, 19),
      ms,
    ),
  );
}

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
    prepareDatabase: (db: SqliteConnection) => {
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
      // The checkpoints are the WalCheckpointer's; this connection runs one only past this size.
      db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
      db.function(SQLITE_CASE_FOLD, { deterministic: true }, (value: unknown) =>
        typeof value === 'string' ? caseFold(value) : value,
      );
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
  private readonly growth = new Map<string, Growth>();
  private closing = false;
  private readonly attempts: number;
  private readonly checkpointer: WalCheckpointer | undefined;

  constructor(
    readonly dataSource: DataSource,
    options: Pick<DatabaseOptions, 'transactionAttempts'> = {},
  ) {
    this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    this.attempts = Math.max(1, options.transactionAttempts ?? TRANSACTION_ATTEMPTS);
    const file = dataSource.options.type === 'better-sqlite3' ? dataSource.options.database : undefined;
    this.checkpointer = file && file !== ':memory:' ? WalCheckpointer.start(file) : undefined;
  }

  /** For reads outside a transaction. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * Runs `work` in one transaction. On PostgreSQL `work` may run more than once: a transaction that
   * PostgreSQL aborted to break a deadlock (40P01), or for a serialization failure (40001), is run
   * again from the start, after a short random pause, up to `transactionAttempts` times; after the
   * last it fails as `Contention` (the request may be sent again). So `work` writes only through `tx`
   * and leaves every other effect (caches, counters, promises of other callers) to its caller, after
   * the transaction: an attempt that rolled back leaves nothing behind.
   */
  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect === 'postgres') return this.postgresTransaction(work);
    const run = this.sqliteQueue.then(() => this.sqliteImmediateTransaction(work));
    this.sqliteQueue = run.catch(() => undefined);
    return run;
  }

  private async postgresTransaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction(work);
      } catch (err) {
        if (!isTransientFailure(err)) throw err;
        if (attempt >= this.attempts) {
          throw new Contention(
            'database.contention',
            'A concurrent change held the same rows; send the request again.',
            { retryAfterSeconds: 1 },
          );
        }
        // Jittered, so the transactions that collided do not start again in step.
        await sleep(RETRY_PAUSE_MS * attempt * (0.5 + Math.random()));
      }
    }
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
      // A statement written OR ROLLBACK (`plainInsert`) has ended the transaction itself.
      if (this.sqliteConnection().inTransaction) await runner.query('ROLLBACK');
      throw err;
    } finally {
      markTransaction(runner, false);
      await runner.release();
    }
  }

  /** better-sqlite3's own connection, which knows whether a transaction is open. */
  private sqliteConnection(): { inTransaction: boolean } {
    return (this.dataSource.driver as unknown as { databaseConnection: { inTransaction: boolean } })
      .databaseConnection;
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

  /**
   * Says that committed writes added `rows` rows to the entity's table. PostgreSQL plans from
   * statistics and answers index-only scans from the visibility map, both of which autovacuum
   * keeps at most once a minute (and not at all where it is off). A table an IdP's first sync has
   * just filled has neither: the planner chose among the indexes that begin with tenant_id by their
   * size alone (a userName lookup read every user of the tenant, 1.5 ms of server time at 5,000
   * users instead of 0.05), and an offset page counted its offset by reading every row's heap
   * tuple, or sorted the tenant (6 ms a page at 5,000 users instead of 0.9). So a replica that has
   * grown a table by a tenth since it last looked runs VACUUM (ANALYZE) itself, in the background,
   * as autovacuum would, skipping a table another session is already vacuuming. SQLite plans
   * without statistics and reads no visibility map: nothing runs there.
   */
  noteInserted(entity: EntityTarget<ObjectLiteral>, rows: number): void {
    if (this.dialect !== 'postgres' || rows <= 0) return;
    const table = this.dataSource.getMetadata(entity).tableName;
    const g = this.growth.get(table) ?? { added: 0, rows: 0, at: -Infinity };
    this.growth.set(table, g);
    g.added += rows;
    this.vacuumWhenDue(table, g);
  }

  private vacuumWhenDue(table: string, g: Growth): void {
    if (g.running || g.later || g.added < Math.max(VACUUM_MIN_ROWS, g.rows * VACUUM_GROWTH)) return;
    const wait = g.at + VACUUM_EVERY_MS - performance.now();
    if (wait > 0) {
      g.later = setTimeout(() => {
        g.later = undefined;
        this.vacuumWhenDue(table, g);
      }, wait);
      // Pending statistics never keep a process alive.
      g.later.unref();
      return;
    }
    const added = g.added;
    g.added = 0;
    g.at = performance.now();
    g.running = this.vacuum(table)
      .then((count) => {
        g.rows = count ?? g.rows + added;
      })
      // Best effort: autovacuum still vacuums the table in its own time.
      .catch(() => {
        g.added += added;
      })
      .finally(() => {
        g.running = undefined;
        if (!this.closing) this.vacuumWhenDue(table, g);
      });
  }

  private async vacuum(table: string): Promise<number | undefined> {
    await this.dataSource.query(`VACUUM (ANALYZE, SKIP_LOCKED) "${table}"`);
    const found = (await this.dataSource.query('SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)', [
      table,
    ])) as Array<{ reltuples: number | string }>;
    return found[0] === undefined ? undefined : Number(found[0].reltuples);
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const g of this.growth.values()) clearTimeout(g.later);
    await Promise.all([...this.growth.values()].map((g) => g.running));
    await this.checkpointer?.stop();
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
  return new Database(dataSource, opts);
}

/**
 * PostgreSQL's deadlock victim (40P01) and serialization failure (40001): the transaction did nothing
 * wrong, another one held what it needed, and run again it can succeed.
 */
function isTransientFailure(err: unknown): boolean {
  const driver = (err as { driverError?: { code?: string } } | null)?.driverError ?? err;
  const code = (driver as { code?: string } | null)?.code;
  return code === '40P01' || code === '40001';
}

/** Driver unique violations, mapped to `Conflict` by repositories (never check-then-insert). */
export function isUniqueViolation(err: unknown): boolean {
  const driver = (err as { driverError?: { code?: string } } | null)?.driverError ?? err;
  const code = (driver as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
