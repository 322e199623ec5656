import type { EntityManager } from 'typeorm';
import type { ActorType } from '../contracts/enums.js';
import { AuditChainHead, AuditEvent, type AuditChange } from '../entities/index.js';
import { newId, sha256Hex } from '../crypto.js';
import { preparedOf, type Prepared, type Statement } from '../repositories/prepared.js';
import { batchWrite, insertRows, insertStatement, updateColumns } from '../repositories/write.js';
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

/**
 * JSON with sorted keys (UTF-16 code unit order), so a record hashes the same wherever it is
 * recomputed. Every audited write hashes its records, so this appends to one string instead of
 * building entry arrays (9 µs a SCIM create's record instead of 13); the text is the same byte for
 * byte, or stored chains would no longer verify.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    // A hole stays empty, as `map` and `join` left it.
    for (let i = 0; i < value.length; i += 1)
      out += `${i > 0 ? ',' : ''}${i in value ? canonicalJson(value[i]) : ''}`;
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v !== undefined) out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
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

/** One record to append: who did what. */
export interface AuditRecord {
  actor: ActorContext;
  entry: AuditEntry;
}

/**
 * Work that must commit or fail with audit records (it runs in their transaction): run once per
 * append with every record it wrote, so a batch costs it one statement, not one per record, and
 * only when `when` holds.
 */
export interface AuditRecordHook {
  /**
   * A boolean SQL expression on the tenant's chain head row (alias `h`, locked), read with it: a
   * question about the tenant (is its webhook on?) answered without a statement of its own on
   * every write.
   */
  when: string;
  run(tx: EntityManager, events: readonly AuditEvent[]): Promise<void>;
}

interface LockedHead {
  head: AuditChainHead;
  /** Each hook's `when`, in the order of the hooks. */
  when: boolean[];
}

/**
 * Appends to a tenant's hash chain inside the caller's transaction, so a change and its record
 * commit or fail together. The chain head row is locked (PostgreSQL; SQLite has one writer),
 * so concurrent writers of one tenant line up instead of forking the chain.
 */
export class AuditLog {
  /** `readHead`'s statement on each data source (its text names the hooks' `when`). */
  private readonly headStatements = new WeakMap<Prepared, Statement>();

  constructor(
    private readonly clock: Clock,
    /** Run inside the record's transaction once it is written (the audit webhook's queue). */
    private readonly afterRecord: readonly AuditRecordHook[] = [],
  ) {}

  async record(tx: EntityManager, actor: ActorContext, entry: AuditEntry): Promise<AuditEvent> {
    const events = await this.recordMany(tx, actor.tenantId, [{ actor, entry }]);
    return events[0] as AuditEvent; // one record in, one event out
  }

  /**
   * Appends records of one tenant in the order given, under one head lock: the records go in with
   * one INSERT and the head moves once, however many there are (a batch of SCIM creates).
   */
  async recordMany(
    tx: EntityManager,
    tenantId: string,
    records: readonly AuditRecord[],
  ): Promise<AuditEvent[]> {
    if (records.length === 0) return [];
    if (records.some((r) => r.actor.tenantId !== tenantId)) {
      throw new Error('An append extends one tenant’s chain: every record must be of that tenant.');
    }
    const locked = await this.lockHead(tx, tenantId);
    let prev: { seq: number; hash: string } = locked.head;
    const events = records.map(({ actor, entry }) => {
      const event = tx.create(AuditEvent, {
        id: newId(),
        tenantId,
        seq: prev.seq + 1,
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
        prevHash: prev.hash,
      });
      event.hash = hashAuditEvent(event);
      prev = event;
      return event;
    });
    await appendAndMoveHead(tx, tenantId, events, prev);
    for (const [i, hook] of this.afterRecord.entries()) {
      if (locked.when[i]) await hook.run(tx, events);
    }
    return events;
  }

  /**
   * The tenant's head row, locked. It is created by the tenant's first record: looked up first, as
   * it exists for every later one, and inserted only when missing (skipped if a concurrent first
   * record got there before; the second look-up then waits for its lock).
   */
  private async lockHead(tx: EntityManager, tenantId: string): Promise<LockedHead> {
    const found = await this.readHead(tx, tenantId);
    if (found) return found;
    await tx
      .createQueryBuilder()
      .insert()
      .into(AuditChainHead)
      .values({ tenantId, seq: 0, hash: GENESIS_HASH })
      .orIgnore()
      .execute();
    const created = await this.readHead(tx, tenantId);
    if (!created) throw new Error(`The audit chain head of tenant ${tenantId} was not created.`);
    return created;
  }

  /**
   * The head, locked, with each hook's `when`: a prepared statement, as every audited write reads
   * it (TypeORM's query builder cost more than the statement).
   */
  private async readHead(tx: EntityManager, tenantId: string): Promise<LockedHead | undefined> {
    const prepared = preparedOf(tx.connection);
    let statement = this.headStatements.get(prepared);
    if (!statement) {
      const whens = this.afterRecord.map((hook) => `, (${hook.when})`).join('');
      const lock = prepared.postgres ? ' FOR UPDATE' : '';
      statement = prepared.statement(
        `SELECT h.seq, h.hash${whens} FROM audit_chain_heads h WHERE h.tenant_id = ${prepared.p(1)}${lock}`,
      );
      this.headStatements.set(prepared, statement);
    }
    const [row] = await prepared.rows(statement, [tenantId], tx);
    if (!row) return undefined;
    const [seq, hash, ...when] = row;
    return {
      head: { tenantId, seq: Number(seq), hash: String(hash) },
      // PostgreSQL answers a boolean, SQLite 0 or 1.
      when: when.map((w) => Boolean(Number(w))),
    };
  }
}

/**
 * Inserts the records and moves the head to the last. On PostgreSQL that is one statement (the head's
 * UPDATE with the INSERT as a data-modifying WITH), a round trip less while the head is locked;
 * SQLite has no such WITH, and no round trips to save.
 */
async function appendAndMoveHead(
  tx: EntityManager,
  tenantId: string,
  events: AuditEvent[],
  head: { seq: number; hash: string },
): Promise<void> {
  if (tx.connection.options.type !== 'postgres') {
    await insertRows(tx, AuditEvent, events);
    await updateColumns(tx, AuditChainHead, { tenantId }, { seq: head.seq, hash: head.hash });
    return;
  }
  const insert = insertStatement(tx, AuditEvent, events);
  const n = insert.params.length;
  await batchWrite(
    tx,
    `WITH appended AS (${insert.sql})
     UPDATE audit_chain_heads SET seq = $${n + 1}, hash = $${n + 2} WHERE tenant_id = $${n + 3}`,
    [...insert.params, head.seq, head.hash, tenantId],
  );
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
