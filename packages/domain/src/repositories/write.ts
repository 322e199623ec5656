import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { Conflict } from '../errors.js';
import { isUniqueViolation } from '../database.js';
import { Positional } from './positional.js';

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
  const { sql, params } = insertStatement(tx, target, rows);
  await tx.query(sql, params);
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
  const { sql, params, metadata } = insertStatement(tx, target, rows);
  const primary = metadata.primaryColumns;
  const returning = primary.map((c) => tx.connection.driver.escape(c.databaseName)).join(', ');
  const written: unknown = await tx.query(`${sql} ON CONFLICT DO NOTHING RETURNING ${returning}`, params);
  const key = (values: unknown[]) => values.map(String).join('\u0000');
  const keys = new Set(
    (written as Array<Record<string, unknown>>).map((r) => key(primary.map((c) => r[c.databaseName]))),
  );
  return rows.filter((row) => keys.has(key(primary.map((c) => c.getEntityValue(row)))));
}

/**
 * Sets columns of the rows whose columns equal `where`, with positional parameters, each value
 * converted by the driver from the column's metadata as `tx.update` would (undefined values are
 * left alone, as it leaves them). For updates on hot paths: TypeORM's UpdateQueryBuilder rebuilt
 * and escaped the statement on every call and wrote numbers into its text (`"version" = 42`), so
 * SQLite prepared a new statement each time; here the text depends only on the columns named.
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
  await tx.query(`UPDATE ${driver.escape(metadata.tableName)} SET ${set} WHERE ${condition}`, p.values);
}

/** The multi-row INSERT of `insertRows`, to be sent as part of a larger statement. */
export function insertStatement<T extends ObjectLiteral>(
  tx: EntityManager,
  target: EntityTarget<T>,
  rows: readonly T[],
) {
  const { driver } = tx.connection;
  const metadata = tx.connection.getMetadata(target);
  const p = new Positional(tx);
  const tuples = rows.map((row) => {
    const marks = metadata.columns.map((column) =>
      p.add(driver.preparePersistentValue(column.getEntityValue(row), column) ?? null),
    );
    return `(${marks.join(', ')})`;
  });
  const columns = metadata.columns.map((c) => driver.escape(c.databaseName)).join(', ');
  const sql = `INSERT INTO ${driver.escape(metadata.tableName)} (${columns}) VALUES ${tuples.join(', ')}`;
  return { sql, params: p.values, metadata };
}
