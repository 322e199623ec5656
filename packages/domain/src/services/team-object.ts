// What the services of the people-and-teams half share: the team an actor may see, and keyset pages.
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type {
  EntityManager,
  EntityTarget,
  FindOptionsWhere,
  ObjectLiteral,
  SelectQueryBuilder,
} from 'typeorm';
import { z } from 'zod';
import { caseFold } from '../case-fold.js';
import { Team } from '../entities/index.js';
import { InvalidInput, NotFound } from '../errors.js';
import { can } from '../permissions/index.js';
import { getTeam, lockTeam } from '../repositories/teams.repository.js';
import type { ActorContext } from './context.js';

/**
 * A team of the actor's tenant that the actor may see. Seed 002: members "only … access the
 * configuration items of teams that they are a part of unless they are a tenant owner"; a team the
 * actor is not in answers like a missing one (STYLE §3), never with a 403 that confirms it exists.
 */
export async function visibleTeam(
  em: EntityManager,
  actor: ActorContext,
  teamId: string,
  { lock = false }: { lock?: boolean } = {},
): Promise<Team> {
  const team = lock ? await lockTeam(em, actor.tenantId, teamId) : await getTeam(em, actor.tenantId, teamId);
  if (!can(actor, 'team:view', { teamId: team.id })) throw new NotFound('team.not_found', 'No such team.');
  return team;
}

/** The page a list answers with. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A keyset order: the sort column (a query-builder path), the id that breaks ties, and the direction. */
export interface KeysetOrder {
  /** Names the list and its order, so a cursor from another list or order is refused. */
  signature: string;
  key: string;
  id: string;
  direction: 'ASC' | 'DESC';
  keyType: 'date' | 'string';
  /** Nullable sort keys put their nulls last, whatever the direction. */
  nullable?: boolean;
}

const CursorPayload = z.object({ s: z.string(), k: z.string().nullable(), id: z.string().max(64) });
type CursorPayload = z.infer<typeof CursorPayload>;

const badCursor = () =>
  new InvalidInput('cursor.invalid', 'This cursor does not belong to this list; start from the first page.');

export function encodeCursor(order: KeysetOrder, key: Date | string | null, id: string): string {
  const k = key instanceof Date ? key.toISOString() : key;
  return Buffer.from(JSON.stringify({ s: order.signature, k, id } satisfies CursorPayload)).toString(
    'base64url',
  );
}

export function decodeCursor(order: KeysetOrder, raw: string): CursorPayload {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const parsed = CursorPayload.safeParse(json);
  if (!parsed.success || parsed.data.s !== order.signature) throw badCursor();
  if (order.keyType === 'date' && parsed.data.k !== null && Number.isNaN(Date.parse(parsed.data.k)))
    throw badCursor();
  if (parsed.data.k === null && !order.nullable) throw badCursor();
  return parsed.data;
}

/**
 * Orders the query by the keyset and, after a cursor, keeps only the rows beyond it; fetches one
 * row more than the page so the caller knows whether there is a next page (STYLE §5).
 */
export function keyset<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  order: KeysetOrder,
  cursor: string | undefined,
  limit: number,
): SelectQueryBuilder<T> {
  const op = order.direction === 'ASC' ? '>' : '<';
  if (cursor !== undefined) {
    const after = decodeCursor(order, cursor);
    query.andWhere(
      `(${order.key} ${op} :keysetKey OR (${order.key} = :keysetKey AND ${order.id} ${op} :keysetId))`,
      {
        keysetKey: keyValue(order, after.k),
        keysetId: after.id,
      },
    );
  }
  return query
    .orderBy(order.key, order.direction)
    .addOrderBy(order.id, order.direction)
    .limit(limit + 1);
}

/**
 * The keyset over a nullable key, nulls last in either direction, as two index-ordered scans: the
 * rows with a key, then — when the page is not full yet — those without one, by id. A single
 * `ORDER BY … DESC NULLS LAST` cannot walk a plain index backwards on PostgreSQL and sorts instead.
 * Returns up to `limit + 1` rows, like `keyset`.
 */
export async function nullableKeysetRows<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  order: KeysetOrder,
  cursor: string | undefined,
  limit: number,
): Promise<T[]> {
  const op = order.direction === 'ASC' ? '>' : '<';
  const after = cursor === undefined ? undefined : decodeCursor(order, cursor);
  const rows: T[] = [];
  if (after?.k !== null) {
    const withKey = keyset(query.clone().andWhere(`${order.key} IS NOT NULL`), order, cursor, limit);
    rows.push(...(await withKey.getMany()));
    if (rows.length > limit) return rows;
  }
  const withoutKey = query.clone().andWhere(`${order.key} IS NULL`);
  if (after?.k === null) withoutKey.andWhere(`${order.id} ${op} :keysetId`, { keysetId: after.id });
  rows.push(
    ...(await withoutKey
      .orderBy(order.id, order.direction)
      .limit(limit + 1 - rows.length)
      .getMany()),
  );
  return rows;
}

function keyValue(order: KeysetOrder, k: string | null): Date | string | null {
  return order.keyType === 'date' && k !== null ? new Date(k) : k;
}

/** Cuts the extra row off and makes the cursor of the last row kept. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  order: KeysetOrder,
  keyOf: (row: R) => { key: Date | string | null; id: string },
  map: (row: R) => T,
): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  const nextCursor =
    rows.length > limit && last ? encodeCursor(order, keyOf(last).key, keyOf(last).id) : null;
  return { items: kept.map(map), nextCursor };
}

/** `%term%` for LIKE, with the term's own wildcards taken literally (use with `ESCAPE '\'`). */
export function likePattern(term: string): string {
  return `%${caseFold(term).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The row of a team object, in that team of the actor's tenant; anything else is "not found". */
export async function findInTeam<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<T>,
  where: { tenantId: string; teamId: string; id: string },
  notFound: { code: string; message: string },
): Promise<T> {
  const row = await em.findOne(entity, { where: where as unknown as FindOptionsWhere<T> });
  if (!row) throw new NotFound(notFound.code, notFound.message);
  return row;
}

/** The fields of a patch that were given (`undefined` means "leave as is"). */
export function definedFields<T extends Record<string, unknown>>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A team-object list query: the team's own rows, newest first (the (tenant_id, team_id) index serves it). */
export const newestFirst = (signature: string, alias: string): KeysetOrder => ({
  signature,
  key: `${alias}.createdAt`,
  id: `${alias}.id`,
  direction: 'DESC',
  keyType: 'date',
});

/** Who made an object: the person, or the operator (CLI) as `system`. */
export function creatorOf(actor: ActorContext): string {
  if (actor.kind === 'user') return actor.userId;
  if (actor.kind === 'provisioner') return actor.tokenId;
  return 'system';
}

/**
 * Updates one row by id. Like insertRow, it passes typed values through TypeORM's
 * `QueryDeepPartialEntity`, which cannot express JSON columns typed `unknown` (resource values,
 * story versions, dashboard elements).
 */
export async function patchRow<T extends ObjectLiteral & { id: string }>(
  tx: EntityManager,
  target: EntityTarget<T>,
  id: string,
  changes: Partial<T>,
): Promise<void> {
  await tx.update(target, { id } as unknown as FindOptionsWhere<T>, changes as QueryDeepPartialEntity<T>);
}
