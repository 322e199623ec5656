import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Row lock for cross-row invariants (last owner, last team member). PostgreSQL takes
 * `FOR UPDATE`; SQLite needs none because its transactions begin IMMEDIATE (one writer).
 */
export function forUpdate<T extends ObjectLiteral>(
  tx: EntityManager,
  q: SelectQueryBuilder<T>,
): SelectQueryBuilder<T> {
  return tx.connection.options.type === 'postgres' ? q.setLock('pessimistic_write') : q;
}
