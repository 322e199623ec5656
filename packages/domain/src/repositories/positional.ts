import type { EntityManager } from 'typeorm';

/**
 * Positional placeholders for statements written by hand (`$1` on PostgreSQL, `?` on SQLite). Hot
 * set-based writes of many rows use them: TypeORM's named-parameter rewriting scans the statement
 * and escapes every value one by one, which cost more than executing a 100-row insert. Values are
 * added in the order their placeholders appear in the statement (SQLite's `?` are positional).
 */
export class Positional {
  readonly values: unknown[] = [];
  readonly postgres: boolean;

  constructor(em: EntityManager) {
    this.postgres = em.connection.options.type === 'postgres';
  }

  add(value: unknown): string {
    this.values.push(value);
    return this.postgres ? `$${this.values.length}` : '?';
  }

  /**
   * A list of strings as one parameter (see `listParam`): the statement's text, and so its prepared
   * form, stays the same whatever the list's length, and no length reaches a bound-parameter limit.
   */
  list(values: readonly string[]): string {
    return this.add(listParam(this.postgres, values));
  }

  /** `column` is one of `values` (one parameter, `list`). */
  among(column: string, values: readonly string[]): string {
    return oneOf(this.postgres, column, this.list(values));
  }

  /** A time as TypeORM stores it: a Date for PostgreSQL, UTC `YYYY-MM-DD HH:MM:SS.SSS` text in SQLite. */
  time(value: Date): string {
    return this.add(this.postgres ? value : value.toISOString().replace('T', ' ').replace('Z', ''));
  }
}

/** A list of strings as one parameter: an array (PostgreSQL), JSON text (SQLite, read by `json_each`). */
export const listParam = (postgres: boolean, values: readonly string[]): unknown =>
  postgres ? values : JSON.stringify(values);

/** `column` is one of the values of the parameter `mark`, which `listParam` made of a list. */
export const oneOf = (postgres: boolean, column: string, mark: string): string =>
  postgres ? `${column} = ANY(${mark})` : `${column} IN (SELECT value FROM json_each(${mark}))`;

/** The rows of the list parameter `mark` (`listParam`), one column. */
const rowsOf = (postgres: boolean, mark: string): string =>
  postgres ? `SELECT unnest(${mark}::varchar[])` : `SELECT value FROM json_each(${mark})`;

/**
 * The ids as a table, `WITH listed (id) AS (…)` from one list parameter (`Positional.list`), for
 * statements that look each one up by primary key in a correlated subquery whose row's tenant is
 * compared outside it (`(SELECT x.tenant_id FROM t x WHERE x.id = listed.id) = $tenant`): with
 * nothing but the key inside, no planner can make it a walk of the tenant's rows. `id IN (…)` beside `tenant_id = …`, or
 * the tenant inside the probe, let SQLite (which keeps no statistics) and PostgreSQL (until a table
 * is first analysed) pick an index led by tenant_id and read every row of the tenant.
 */
export const listedIds = (p: Positional, ids: readonly string[]): string =>
  `WITH listed (id) AS (${rowsOf(p.postgres, p.list(ids))})`;

/**
 * Runs SQL with `:named` parameters and returns its rows whichever driver answers. On SQLite
 * TypeORM writes a number parameter into the statement's text: a statement whose numbers vary
 * would be prepared again for each value, so those take `Positional` and `positionalRows`.
 */
export async function rawRows<R>(
  tx: EntityManager,
  sql: string,
  params: Record<string, unknown>,
): Promise<R[]> {
  const [query, values] = tx.connection.driver.escapeQueryWithParameters(sql, params);
  return positionalRows(tx, query, values);
}

/** Runs SQL with positional parameters (see `Positional`) and returns its rows whichever driver answers. */
export async function positionalRows<R>(tx: EntityManager, sql: string, values: unknown[]): Promise<R[]> {
  const result: unknown = await tx.query(sql, values);
  // TypeORM's PostgreSQL runner answers UPDATE/DELETE as [rows, rowCount].
  if (Array.isArray(result) && Array.isArray(result[0]) && typeof result[1] === 'number')
    return result[0] as R[];
  return Array.isArray(result) ? (result as R[]) : [];
}
