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

/**
 * ` FOR KEY SHARE` (PostgreSQL; nothing on SQLite, which has one writer) for a hand-written SELECT
 * that checks a user is live before writing a row about them (a group membership, a mapped team
 * membership): the check's row stays locked until commit. A removal locks the user `FOR UPDATE` and
 * nulls `user_name_key`, a column of a unique index (a key update): either conflicts, so the removal
 * waits for the writer's commit and then deletes its rows, or the check waits for the removal's
 * commit and, READ COMMITTED re-reading the row, finds no live user. KEY SHARE rather than SHARE:
 * updates that leave the user live (a sign-in's timestamp, a mapped role) neither wait for it nor
 * make it wait.
 */
export function keyShare(tx: EntityManager, of?: string): string {
  if (tx.connection.options.type !== 'postgres') return '';
  return of ? ` FOR KEY SHARE OF ${of}` : ' FOR KEY SHARE';
}

/**
 * `FOR NO KEY UPDATE` (PostgreSQL; nothing on SQLite): the lock an UPDATE of the row's other columns
 * takes, taken when the row is read, for a transaction that will write the row anyway and decides
 * by what it reads. It waits for a removal (`FOR UPDATE`, see `keyShare`) and makes one wait; it
 * lets writers that only check the row (`FOR KEY SHARE`) through.
 */
export function forNoKeyUpdate<T extends ObjectLiteral>(
  tx: EntityManager,
  q: SelectQueryBuilder<T>,
): SelectQueryBuilder<T> {
  return tx.connection.options.type === 'postgres' ? q.setLock('for_no_key_update') : q;
}
