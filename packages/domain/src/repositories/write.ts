import { prepareValue } from 'pg/lib/utils.js';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { Conflict } from '../errors.js';
import { isUniqueViolation } from '../database.js';
import { Positional } from './positional.js';
import { preparedOf } from './prepared.js';

/** Runs a write and turns a unique-constraint violation into `Conflict` (never check-then-insert). */
export async function uniquely<T>(write: () => Promise<T>, code: string, message: string): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(code, message);
    throw err;
  }
}

/**
 * Inserts one whole entity. TypeORM's `QueryDeepPartialEntity` cannot express JSON columns typed
 * as records (it recurses into them), so the complete, already-typed row is passed through it.
 */
export async function insertRow<T extends ObjectLiteral>(
  tx: EntityManager,
  target: EntityTarget<T>,
  row: T,
): Promise<void> {
  await tx.insert(target, row as QueryDeepPartialEntity<T>);
}

/**
 * Inserts whole entities in one multi-row INSERT with positional parameters, each value converted by
 * the driver from the entity's column metadata as `tx.insert` would (booleans, dates, JSON). Batched
 * writes take this path: the query builder's per-value escaping costs more than the rows themselves.
 */
export async function insertRows<T extends ObjectLiteral>(
  tx: EntityManager,
  target: EntityTarget<T>,
  rows: readonly T[],
): Promise<void> {
  if (rows.length === 0) return;
  const { sql, params } = insertStatement(tx, target, rows, plainInsert(tx));
  await batchWrite(tx, sql, params);
}

/**
 * How a multi-row INSERT that must not collide begins. SQLite keeps a statement journal for a
 * multi-row write inside a transaction that may abort halfway (SQLite's default, OR ABORT, undoes
 * only the failed statement): it copies every page the write changes, to a temporary file past 64
 * KiB. Gatehouse never goes on with a transaction after a failed statement (PostgreSQL could not
 * either), so on SQLite these statements say OR ROLLBACK: a constraint failure ends the whole
 * transaction at once, as the transaction wrapper would have, and nothing needs journalling. A
 * batch of 16 SCIM creates wrote its audit records in 0.19 ms instead of 0.37.
 */
export function plainInsert(tx: EntityManager): string {
  return tx.connection.options.type === 'postgres' ? 'INSERT INTO' : 'INSERT OR ROLLBACK INTO';
}

/**
 * The two ends of an INSERT that skips the rows colliding on a unique index, as TypeORM's
 * `orIgnore()` writes them: `INSERT OR IGNORE INTO … ` on SQLite, `INSERT INTO … ON CONFLICT DO
 * NOTHING` on PostgreSQL. With the upsert clause SQLite still kept a statement journal (a NOT NULL
 * check could abort halfway; see `plainInsert`): 1.7 ms of a 100-member insert that takes 0.4 ms
 * without. OR IGNORE would also skip a row breaking NOT NULL: the rows these statements write are
 * built whole by code, and `insertRowsUnlessTaken` refuses a row missing a value.
 */
export function skippingTaken(tx: EntityManager): { insert: string; onConflict: string } {
  return tx.connection.options.type === 'postgres'
    ? { insert: 'INSERT INTO', onConflict: ' ON CONFLICT DO NOTHING' }
    : { insert: 'INSERT OR IGNORE INTO', onConflict: '' };
}

/**
 * `insertRows` where a row may collide on a unique index: such a row is skipped instead of failing
 * the statement, whether it collides with a stored row or with an earlier row of the same statement
 * (the first wins). Returns the rows written. A colliding row that another transaction has not yet
 * committed is waited for, as any insert waits for it.
 */
export async function insertRowsUnlessTaken<T extends ObjectLiteral>(
  tx: EntityManager,
  target: EntityTarget<T>,
  rows: readonly T[],
): Promise<T[]> {
  if (rows.length === 0) return [];
  const { insert, onConflict } = skippingTaken(tx);
  const { sql, params, metadata } = insertStatement(tx, target, rows, insert);
  // A bug, never a taken row: SQLite's OR IGNORE would skip it silently (see `skippingTaken`).
  const required = metadata.columns.filter((c) => !c.isNullable);
  const missing = required.find((c) => rows.some((row) => (c.getEntityValue(row) ?? null) === null));
  if (missing) throw new Error(`${metadata.name} rows need a value for ${missing.propertyName}.`);
  const primary = metadata.primaryColumns;
  const returning = primary.map((c) => tx.connection.driver.escape(c.databaseName)).join(', ');
  const written = await batchWrite(tx, `${sql}${onConflict} RETURNING ${returning}`, params);
  const key = (values: unknown[]) => values.map(String).join('\u0000');
  const keys = new Set(written.map(key));
  return rows.filter((row) => keys.has(key(primary.map((c) => c.getEntityValue(row)))));
}

/**
 * Runs a write whose text on PostgreSQL depends on no value, only on the code that made it (an
 * `insertStatement` of any number of rows, a list parameter of `Positional.list`, the columns of
 * `updateColumns`), and returns its rows as arrays, in select-list order. On PostgreSQL it runs as
 * a named prepared statement, parsed and planned once per connection; on SQLite TypeORM's
 * statement cache keeps it.
 */
export async function batchWrite(tx: EntityManager, sql: string, params: unknown[]): Promise<unknown[][]> {
  if (tx.connection.options.type === 'postgres') {
    const prepared = preparedOf(tx.connection);
    return prepared.rows(
      prepared.statement(sql),
      params,
      tx.queryRunner?.isTransactionActive ? tx : undefined,
    );
  }
  const result: unknown = await tx.query(sql, params);
  return Array.isArray(result) ? result.map((row: Record<string, unknown>) => Object.values(row)) : [];
}

/**
 * Sets columns of the rows whose columns equal `where`, with positional parameters, each value
 * converted by the driver from the column's metadata as `tx.update` would (undefined values are
 * left alone, as it leaves them). For updates on hot paths: TypeORM's UpdateQueryBuilder rebuilt
 * and escaped the statement on every call and wrote numbers into its text (`"version" = 42`), so
 * SQLite prepared a new statement each time; here the text depends only on the columns named, and
 * PostgreSQL prepares it once (`batchWrite`).
 */
export async function updateColumns<T extends ObjectLiteral>(
  tx: EntityManager,
  target: EntityTarget<T>,
  where: Partial<T>,
  values: Partial<T>,
): Promise<void> {
  const { driver } = tx.connection;
  const metadata = tx.connection.getMetadata(target);
  const p = new Positional(tx);
  const equals = (entries: Array<[string, unknown]>) =>
    entries
      .filter(([, value]) => value !== undefined)
      .map(([property, value]) => {
        const column = metadata.findColumnWithPropertyName(property);
        if (!column) throw new Error(`${metadata.name} has no column for "${property}".`);
        return `${driver.escape(column.databaseName)} = ${p.add(driver.preparePersistentValue(value, column) ?? null)}`;
      });
  const set = equals(Object.entries(values)).join(', ');
  const condition = equals(Object.entries(where)).join(' AND ');
  await batchWrite(tx, `UPDATE ${driver.escape(metadata.tableName)} SET ${set} WHERE ${condition}`, p.values);
}

/**
 * The multi-row INSERT of `insertRows`, to be sent as part of a larger statement. On PostgreSQL the
 * rows go as one JSON parameter (`recordsetParam`), on SQLite as bound values, which it binds in C.
 * `insert` is how the statement begins (`skippingTaken`).
 */
export function insertStatement<T extends ObjectLiteral>(
  tx: EntityManager,
  target: EntityTarget<T>,
  rows: readonly T[],
  insert = 'INSERT INTO',
) {
  const { driver } = tx.connection;
  const metadata = tx.connection.getMetadata(target);
  const p = new Positional(tx);
  const value = (row: T, column: ColumnMetadata): unknown =>
    driver.preparePersistentValue(column.getEntityValue(row), column) ?? null;
  const table = driver.escape(metadata.tableName);
  const columns = metadata.columns.map((c) => driver.escape(c.databaseName)).join(', ');
  if (tx.connection.options.type === 'postgres') {
    // A JSON column's value goes in as itself, not as the text TypeORM would make of it: PostgreSQL
    // stores a nested value's JSON text as it is in the parameter, which is that same text, and the
    // parameter does not carry it a second time as an escaped string.
    const records = rows.map((row) => {
      const record: Record<string, unknown> = {};
      for (const column of metadata.columns) {
        record[column.databaseName] =
          column.type === 'simple-json' ? (column.getEntityValue(row) ?? null) : pgValue(value(row, column));
      }
      return record;
    });
    const param = p.add(recordsetParam(records));
    const sql = `${insert} ${table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${table}, ${param}::json)`;
    return { sql, params: p.values, metadata };
  }
  const tuples = rows.map(
    (row) => `(${metadata.columns.map((column) => p.add(value(row, column))).join(', ')})`,
  );
  const sql = `${insert} ${table} (${columns}) VALUES ${tuples.join(', ')}`;
  return { sql, params: p.values, metadata };
}

/**
 * Rows as the one parameter PostgreSQL's `json_populate_recordset(NULL::<table>, $n::json)` unpacks
 * into a table's row type, for writes of many rows. Bound one by one, a batch's values cost
 * node-postgres more CPU than PostgreSQL's insert (a batch of 13 SCIM creates bound 325), and the
 * statement's text changed with its row count, so PostgreSQL parsed it again each time. Values are
 * given as `pgValue` makes them. A string holding a lone surrogate (which UTF-8 cannot carry, and
 * node-postgres binds as U+FFFD) would reach JSON as an escape PostgreSQL refuses; it gets U+FFFD here
 * too. JSON.stringify writes a lone surrogate, and only that, as a `\ud…` escape (a backslash of the
 * text itself is doubled), so only a text with one is written again.
 */
export function recordsetParam(records: ReadonlyArray<Record<string, unknown>>): string {
  const json = JSON.stringify(records);
  if (!json.includes('\\ud')) return json;
  return JSON.stringify(records, (_key, v: unknown) =>
    typeof v === 'string' ? v.replace(LONE_SURROGATE, '\ufffd') : v,
  );
}

/** In a `u` regular expression a surrogate pair is one code point, so only lone ones are `Cs`. */
const LONE_SURROGATE = /\p{Cs}/gu;

/** A value for `recordsetParam` as node-postgres binds it: a Date as its local-time text. */
export function pgValue(value: unknown): unknown {
  return value instanceof Date ? prepareValue(value) : value;
}
