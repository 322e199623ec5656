import type { EntityManager } from 'typeorm';

/**
 * Positional placeholders for statements written by hand (`$1` on PostgreSQL, `?` on SQLite). Hot
 * set-based writes of many rows use them: TypeORM's named-parameter rewriting scans the statement
 * and escapes every value one by one, which cost more than executing a 100-row insert. Values are
 * added in the order their placeholders appear in the statement (SQLite's `?` are positional).
 */
export class Positional {
  readonly values: unknown[] = [];
  private readonly postgres: boolean;

  constructor(em: EntityManager) {
    this.postgres = em.connection.options.type === 'postgres';
  }

  add(value: unknown): string {
    this.values.push(value);
    return this.postgres ? `$${this.values.length}` : '?';
  }

  /** A time as TypeORM stores it: a Date for PostgreSQL, UTC `YYYY-MM-DD HH:MM:SS.SSS` text in SQLite. */
  time(value: Date): string {
    return this.add(this.postgres ? value : value.toISOString().replace('T', ' ').replace('Z', ''));
  }
}

/**
 * The ids as a table, `WITH listed (id) AS (VALUES …)`, for statements that look each one up by
 * primary key in a correlated subquery whose row's tenant is compared outside it
 * (`(SELECT x.tenant_id FROM t x WHERE x.id = listed.id) = $tenant`): with nothing but the key
 * inside, no planner can make it a walk of the tenant's rows. `id IN (…)` beside `tenant_id = …`, or
 * the tenant inside the probe, let SQLite (which keeps no statistics) and PostgreSQL (until a table
 * is first analysed) pick an index led by tenant_id and read every row of the tenant.
 */
export const listedIds = (p: Positional, ids: readonly string[]): string =>
  `WITH listed (id) AS (VALUES ${ids.map((id) => `(${p.add(id)})`).join(', ')})`;
