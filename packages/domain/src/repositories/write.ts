import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { Conflict } from '../errors.js';
import { isUniqueViolation } from '../database.js';

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
