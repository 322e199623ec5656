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
