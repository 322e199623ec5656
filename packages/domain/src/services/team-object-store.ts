// What the team-object services (seed 002: credentials, resources, stories, cases, dashboards) do
// alike: a team's rows newest first, one row found in its team, the table's read and delete rights,
// and a delete with its audit record. What sets an object apart — sealing, domains, "Access",
// change management, drafts, allocation — stays in its own service.
import type { EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import type { ShareableObjectType } from '../contracts/enums.js';
import { ListObjectsQuery } from '../contracts/objects.js';
import type { Action } from '../permissions/index.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';
import { dropShares, sharesOf } from './sharing.js';
import { findInTeam, keyset, toPage, visibleTeam, type KeysetOrder, type Page } from './team-object.js';

/** The columns every team object has. */
export interface TeamObjectRow extends ObjectLiteral {
  id: string;
  tenantId: string;
  teamId: string;
  createdBy: string;
  createdAt: Date;
}

/** Turns rows into the records a service hands out; one query at most for the whole page. */
export type Present<E, R> = (em: EntityManager, tenantId: string, rows: E[]) => Promise<R[]>;

/** Records made from the row alone. */
export const plainRecords =
  <E, R>(record: (row: E) => R): Present<E, R> =>
  async (_em, _tenantId, rows) =>
    rows.map(record);

/** Records of objects with "Access": each carries the teams it is shared with (one `IN (…)` query). */
export const sharedRecords =
  <E extends TeamObjectRow, R>(
    type: ShareableObjectType,
    record: (row: E, sharedWithTeamIds: string[]) => R,
  ): Present<E, R> =>
  async (em, tenantId, rows) => {
    const shares = await sharesOf(
      em,
      tenantId,
      type,
      rows.map((r) => r.id),
    );
    return rows.map((r) => record(r, shares.get(r.id) ?? []));
  };

export interface TeamObjectSpec<E, R> {
  entity: EntityTarget<E>;
  /** The query-builder alias `order` is written over. */
  alias: string;
  order: KeysetOrder;
  notFound: { code: string; message: string };
  /** The audit record of a delete: its target type and action. */
  audit: { targetType: string; deleted: string };
  present: Present<E, R>;
  /** Objects with "Access": their share rows go when they do. */
  shareType?: ShareableObjectType;
}

export class TeamObjectStore<E extends TeamObjectRow, R> {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly spec: TeamObjectSpec<E, R>,
  ) {}

  /** A page of a visible team's objects, if the actor may `read` them. */
  async list(actor: ActorContext, teamId: string, raw: ListObjectsQuery, read: Action): Promise<Page<R>> {
    const query = parseInput(ListObjectsQuery, raw);
    const em = this.deps.db.manager;
    await visibleTeam(em, actor, teamId);
    authorize(actor, read, { teamId });
    return this.page(em, { tenantId: actor.tenantId, teamId }, query);
  }

  /** A page of one space's objects, newest first; the caller has checked the space and the right. */
  async page(
    em: EntityManager,
    where: { tenantId: string; teamId: string },
    { cursor, limit }: { cursor?: string | undefined; limit: number },
  ): Promise<Page<R>> {
    const { entity, alias, order } = this.spec;
    const rows = await keyset(
      em
        .createQueryBuilder(entity, alias)
        .where(`${alias}.tenantId = :tenantId AND ${alias}.teamId = :teamId`, where),
      order,
      cursor,
      limit,
    ).getMany();
    const page = toPage(
      rows,
      limit,
      order,
      (r) => ({ key: r.createdAt, id: r.id }),
      (r) => r,
    );
    return { items: await this.spec.present(em, where.tenantId, page.items), nextCursor: page.nextCursor };
  }

  /** One object of a visible team, if the actor may `read` it. */
  async get(actor: ActorContext, teamId: string, id: string, read: Action): Promise<R> {
    const em = this.deps.db.manager;
    await visibleTeam(em, actor, teamId);
    const row = await this.find(em, { tenantId: actor.tenantId, teamId, id });
    authorize(actor, read, { teamId, createdBy: row.createdBy });
    return this.present(em, row);
  }

  /** Inside a write: the row, in a team the actor sees, with `action` authorised on it. */
  async findFor(
    tx: EntityManager,
    actor: ActorContext,
    teamId: string,
    id: string,
    action: Action,
  ): Promise<E> {
    await visibleTeam(tx, actor, teamId);
    const row = await this.find(tx, { tenantId: actor.tenantId, teamId, id });
    authorize(actor, action, { teamId, createdBy: row.createdBy });
    return row;
  }

  /** The row of this object in that space of that tenant; anything else is "not found". */
  find(em: EntityManager, where: { tenantId: string; teamId: string; id: string }): Promise<E> {
    return findInTeam(em, this.spec.entity, where, this.spec.notFound);
  }

  async present(em: EntityManager, row: E): Promise<R> {
    const [presented] = await this.spec.present(em, row.tenantId, [row]);
    // `present` gives one record per row, so the one row has one
    return presented as R;
  }

  /** Deletes an object of a visible team, if the actor may `remove` it; `before` is what the audit keeps. */
  async delete(
    actor: ActorContext,
    teamId: string,
    id: string,
    remove: Action,
    before: (row: E) => Record<string, unknown>,
  ): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const row = await this.findFor(tx, actor, teamId, id, remove);
      await this.remove(tx, actor, row, teamId, before(row));
    });
  }

  /** Deletes a found and authorised row with its share rows, and records it under `auditTeamId`. */
  async remove(
    tx: EntityManager,
    actor: ActorContext,
    row: E,
    auditTeamId: string | null,
    before: Record<string, unknown>,
  ): Promise<void> {
    const { entity, shareType, audit } = this.spec;
    if (shareType) await dropShares(tx, { tenantId: actor.tenantId, type: shareType, id: row.id });
    // TypeORM cannot narrow `{ id }` to the criteria of a generic entity
    await tx.delete(entity, { id: row.id } as unknown as FindOptionsWhere<E>);
    await this.deps.audit.record(tx, actor, {
      action: audit.deleted,
      targetType: audit.targetType,
      targetId: row.id,
      teamId: auditTeamId,
      change: { before },
    });
  }
}
