import type { EntityManager } from 'typeorm';
import type { ActorType } from '../contracts/enums.js';
import { AuditChainHead, AuditEvent, type AuditChange } from '../entities/index.js';
import { newId, sha256Hex } from '../crypto.js';
import { insertRow } from '../repositories/write.js';
import type { Clock } from '../clock.js';
import { actorId, actorLabel, type ActorContext } from './context.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  teamId?: string | null;
  change?: AuditChange;
}

/** JSON with sorted keys, so a record hashes the same wherever it is recomputed. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

type Hashed = Pick<
  AuditEvent,
  | 'id'
  | 'tenantId'
  | 'seq'
  | 'occurredAt'
  | 'actorType'
  | 'actorId'
  | 'actorLabel'
  | 'action'
  | 'targetType'
  | 'targetId'
  | 'teamId'
  | 'change'
  | 'ip'
  | 'prevHash'
>;

export function hashAuditEvent(e: Hashed): string {
  return sha256Hex(
    canonicalJson({
      id: e.id,
      tenantId: e.tenantId,
      seq: e.seq,
      occurredAt: e.occurredAt.toISOString(),
      actorType: e.actorType,
      actorId: e.actorId,
      actorLabel: e.actorLabel,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId,
      teamId: e.teamId,
      change: e.change,
      ip: e.ip,
      prevHash: e.prevHash,
    }),
  );
}

/** Work that must commit or fail with an audit record (it runs in the record's transaction). */
export type AuditRecordHook = (tx: EntityManager, event: AuditEvent) => Promise<void>;

/**
 * Appends to a tenant's hash chain inside the caller's transaction, so a change and its record
 * commit or fail together. The chain head row is locked (PostgreSQL; SQLite has one writer),
 * so concurrent writers of one tenant line up instead of forking the chain.
 */
export class AuditLog {
  constructor(
    private readonly clock: Clock,
    /** Run inside the record's transaction once it is written (the audit webhook's queue). */
    private readonly afterRecord: readonly AuditRecordHook[] = [],
  ) {}

  async record(tx: EntityManager, actor: ActorContext, entry: AuditEntry): Promise<AuditEvent> {
    const head = await this.lockHead(tx, actor.tenantId);
    const event = tx.create(AuditEvent, {
      id: newId(),
      tenantId: actor.tenantId,
      seq: head.seq + 1,
      occurredAt: this.clock.now(),
      actorType: actor.kind satisfies ActorType,
      actorId: actorId(actor),
      actorLabel: actorLabel(actor),
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      teamId: entry.teamId ?? null,
      change: entry.change ?? {},
      ip: actor.ip ?? null,
      prevHash: head.hash,
    });
    event.hash = hashAuditEvent(event);
    await insertRow(tx, AuditEvent, event);
    await tx.update(AuditChainHead, { tenantId: actor.tenantId }, { seq: event.seq, hash: event.hash });
    for (const hook of this.afterRecord) await hook(tx, event);
    return event;
  }

  private async lockHead(tx: EntityManager, tenantId: string): Promise<AuditChainHead> {
    await tx
      .createQueryBuilder()
      .insert()
      .into(AuditChainHead)
      .values({ tenantId, seq: 0, hash: GENESIS_HASH })
      .orIgnore()
      .execute();
    const query = tx.createQueryBuilder(AuditChainHead, 'h').where('h.tenantId = :tenantId', { tenantId });
    if (tx.connection.options.type === 'postgres') query.setLock('pessimistic_write');
    return query.getOneOrFail();
  }
}

export type ChainVerdict =
  | { ok: true; records: number }
  | { ok: false; records: number; brokenAt: { seq: number; id: string | null; reason: string } };

/** Walks a tenant's chain in pages (constant memory) and reports the first broken link. */
export async function verifyAuditChain(
  em: EntityManager,
  tenantId: string,
  pageSize = 1000,
): Promise<ChainVerdict> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (;;) {
    const page = await em
      .createQueryBuilder(AuditEvent, 'e')
      .where('e.tenantId = :tenantId AND e.seq >= :seq', { tenantId, seq: expectedSeq })
      .orderBy('e.seq', 'ASC')
      .limit(pageSize)
      .getMany();
    for (const e of page) {
      const broken = (reason: string): ChainVerdict => ({
        ok: false,
        records: expectedSeq - 1,
        brokenAt: { seq: expectedSeq, id: e.id, reason },
      });
      if (e.seq !== expectedSeq) return broken(`record ${expectedSeq} is missing`);
      if (e.prevHash !== prevHash) return broken('previous-hash link does not match');
      if (hashAuditEvent(e) !== e.hash) return broken('record content does not match its hash');
      prevHash = e.hash;
      expectedSeq += 1;
    }
    if (page.length < pageSize) break;
  }
  const head = await em.findOne(AuditChainHead, { where: { tenantId } });
  if (head && (head.seq !== expectedSeq - 1 || head.hash !== prevHash)) {
    return {
      ok: false,
      records: expectedSeq - 1,
      brokenAt: { seq: expectedSeq, id: null, reason: `records after ${expectedSeq - 1} were removed` },
    };
  }
  return { ok: true, records: expectedSeq - 1 };
}
