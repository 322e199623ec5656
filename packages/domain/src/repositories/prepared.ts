// Statements written by hand once per data source and run by the driver itself, for the hottest
// reads (issue 4, performance): SCIM lookups and pages (scim/repository/reads.ts) and the row locks
// every SCIM write takes (the audit chain head, the group). On these TypeORM's query builder cost
// more than the query: alias rewriting, select building and escaping on every call (about 40% of a
// lookup; building the audit head's one-row SELECT was a twentieth of a SCIM create's CPU). Each
// runs with positional parameters as a named prepared statement on PostgreSQL (parsed and planned
// once per connection) and a cached prepared statement on SQLite, both returning rows as arrays. A
// transaction-mode pooler in front of PostgreSQL must keep prepared statements per client
// (PgBouncer ≥ 1.21, `max_prepared_statements`).
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { BetterSqlite3Driver } from 'typeorm/driver/better-sqlite3/BetterSqlite3Driver.js';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { listParam, oneOf } from './positional.js';

/** `$n` on PostgreSQL, `?` on SQLite. */
export type Placeholder = (n: number) => string;

export interface Statement {
  /** The prepared statement's name on PostgreSQL connections (unique per data source). */
  readonly name: string;
  readonly text: string;
}

/**
 * The data source's prepared statements. Rows come back as arrays in select-list order; each
 * statement is shown to the data source's logger, as TypeORM shows its own (tests count statements
 * there).
 */
export class Prepared {
  readonly postgres: boolean;
  readonly p: Placeholder;
  private readonly statements = new Map<string, Statement>();
  private sqlite: BetterSqlite3.Database | undefined;
  private readonly sqliteStatements = new Map<Statement, BetterSqlite3.Statement<unknown[], unknown[]>>();

  constructor(private readonly ds: DataSource) {
    this.postgres = ds.options.type === 'postgres';
    this.p = this.postgres ? (n) => `$${n}` : () => '?';
  }

  /** The statement with this text, named the first time it is asked for. */
  statement(text: string): Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = { name: `gh_${this.statements.size}`, text };
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** `column` is one of the values in the parameter `mark`, which `listParam` makes of a list. */
  oneOf(column: string, mark: string): string {
    return oneOf(this.postgres, column, mark);
  }

  /** A list of strings as the one parameter `oneOf` reads. */
  listParam(values: string[]): unknown {
    return listParam(this.postgres, values);
  }

  /**
   * Runs the statement: on `tx`'s connection, inside its transaction, when given; otherwise on any
   * of the data source's connections, outside a transaction. SQLite has one connection, which a
   * transaction holds until it ends (Database.transaction queues the others).
   */
  async rows(statement: Statement, params: unknown[], tx?: EntityManager): Promise<unknown[][]> {
    this.ds.logger.logQuery(statement.text, params);
    if (!this.postgres) return this.sqliteStatement(statement).all(...params);
    const client = tx ? await transactionClient(tx) : ((this.ds.driver as PostgresDriver).master as pg.Pool);
    const result = await client.query<unknown[]>({ ...statement, values: params, rowMode: 'array' });
    return result.rows;
  }

  private sqliteStatement(statement: Statement): BetterSqlite3.Statement<unknown[], unknown[]> {
    const connection = (this.ds.driver as BetterSqlite3Driver).databaseConnection as BetterSqlite3.Database;
    if (connection !== this.sqlite) {
      this.sqlite = connection;
      this.sqliteStatements.clear();
    }
    let prepared = this.sqliteStatements.get(statement);
    if (!prepared) {
      prepared = connection.prepare<unknown[], unknown[]>(statement.text).raw(true);
      this.sqliteStatements.set(statement, prepared);
    }
    return prepared;
  }
}

/** The PostgreSQL connection holding `tx`'s transaction. */
async function transactionClient(tx: EntityManager): Promise<pg.PoolClient> {
  const runner = tx.queryRunner;
  if (!runner?.isTransactionActive) throw new Error('A statement for a transaction was run outside one.');
  return (await runner.connect()) as pg.PoolClient;
}

const prepared = new WeakMap<DataSource, Prepared>();

/** The data source's prepared statements (one set per data source). */
export function preparedOf(ds: DataSource): Prepared {
  let p = prepared.get(ds);
  if (!p) {
    p = new Prepared(ds);
    prepared.set(ds, p);
  }
  return p;
}
