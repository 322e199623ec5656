// The provisioning log: every SCIM request, how it ended and what it changed, for admins debugging
// sync (the sync-health view). Entries are buffered and written in batches, off the request's
// transaction, so recording a request never slows or fails it; entries older than the retention
// are purged.
import type { EntityManager } from 'typeorm';
import type { Clock } from '../clock.js';
import {
  ProvisioningLogQuery,
  type ProvisioningLogPage,
  type ProvisioningLogQuery as ProvisioningLogQueryInput,
} from '../contracts/monitoring.js';
import type { Database } from '../database.js';
import { ProvisioningLogEntry } from '../entities/index.js';
import { newId } from '../crypto.js';
import { pgValue, plainInsert, recordsetParam } from '../repositories/write.js';
import { authorize, type ActorContext } from './context.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { parseInput } from './parse.js';

export interface ProvisioningLogOptions {
  /** How long entries are kept. */
  retentionDays: number;
  /** How long an entry may wait in memory before its batch is written. */
  flushEveryMs: number;
}

export const DEFAULT_PROVISIONING_LOG: ProvisioningLogOptions = { retentionDays: 30, flushEveryMs: 200 };

export interface ProvisioningLogInput {
  tenantId: string;
  tokenId: string | null;
  tokenName: string | null;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  resourceType?: string | null;
  resourceId?: string | null;
  changes?: Record<string, unknown> | null;
  error?: string | null;
  requestId?: string | null;
}

/** Entries per transaction (see insertBatch): each holds the event loop about 1 ms. */
const BATCH = 200;
const MAX_BUFFER = 10_000;
const PURGE_EVERY_MS = 3_600_000;

export class ProvisioningLogService {
  private buffer: ProvisioningLogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private lastPurge = 0;
  /** Entries lost because the database refused them (reported through `onError`). */
  dropped = 0;
  onError: (err: unknown) => void = () => undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    readonly options: ProvisioningLogOptions = DEFAULT_PROVISIONING_LOG,
  ) {}

  /** Queues one request's record; it is written within `flushEveryMs`. */
  record(input: ProvisioningLogInput): void {
    if (this.buffer.length >= MAX_BUFFER) {
      this.dropped += 1;
      return;
    }
    this.buffer.push(toEntry(input, this.clock.now()));
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((err: unknown) => this.onError(err));
    }, this.options.flushEveryMs).unref();
  }

  /** Writes everything queued so far (tests, shutdown). */
  async flush(): Promise<void> {
    const entries = this.buffer.splice(0);
    const write = this.writing.then(async () => {
      for (let i = 0; i < entries.length; i += BATCH) {
        // Requests read meanwhile are served between two batches: a flush of 1,600 entries as one
        // run of SQLite's synchronous statements held a lookup up to 30 ms (its p99).
        if (i > 0) await new Promise((resolve) => setImmediate(resolve));
        const part = entries.slice(i, i + BATCH);
        await this.db
          .transaction((tx) => insertBatch(tx, part))
          .catch((err: unknown) => {
            this.dropped += part.length;
            throw err;
          });
      }
      const now = this.clock.now().getTime();
      if (now - this.lastPurge > PURGE_EVERY_MS) {
        this.lastPurge = now;
        await this.purgeExpired();
      }
    });
    this.writing = write.catch(() => undefined);
    return write;
  }

  /** Deletes entries older than the retention period; returns how many. */
  async purgeExpired(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.options.retentionDays * 86_400_000);
    return this.db.transaction(async (tx) => {
      const result = await tx
        .createQueryBuilder()
        .delete()
        .from(ProvisioningLogEntry)
        .where('occurredAt < :cutoff', { cutoff })
        .execute();
      return result.affected ?? 0;
    });
  }

  /**
   * Newest first, keyset-paged on (occurred_at, id) (idx_provisioning_log_tenant_time; one resource's
   * history by idx_provisioning_log_tenant_resource). The admin API serves it to the sync-health view.
   */
  async list(actor: ActorContext, raw: ProvisioningLogQueryInput = {}): Promise<ProvisioningLogPage> {
    authorize(actor, 'provisioningLog:view');
    const q = parseInput(ProvisioningLogQuery, raw);
    const query = this.db.manager
      .createQueryBuilder(ProvisioningLogEntry, 'e')
      .where('e.tenantId = :tenantId', { tenantId: actor.tenantId })
      .orderBy('e.occurredAt', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(q.limit + 1);
    if (q.resourceId) query.andWhere('e.resourceId = :resourceId', { resourceId: q.resourceId });
    if (q.status) {
      const low = Number(q.status[0]) * 100;
      query.andWhere('e.status >= :low AND e.status < :high', { low, high: low + 100 });
    }
    if (q.from) query.andWhere('e.occurredAt >= :from', { from: new Date(q.from) });
    if (q.to) query.andWhere('e.occurredAt < :to', { to: new Date(q.to) });
    if (q.cursor) {
      const after = decodeCursor(q.cursor);
      query.andWhere('(e.occurredAt < :at OR (e.occurredAt = :at AND e.id < :id))', after);
    }
    const rows = await query.getMany();
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map((e) => ({
        id: e.id,
        occurredAt: e.occurredAt.toISOString(),
        tokenId: e.tokenId,
        tokenName: e.tokenName,
        method: e.method,
        path: e.path,
        status: e.status,
        durationMs: e.durationMs,
        resourceType: e.resourceType,
        resourceId: e.resourceId,
        changes: e.changes,
        error: e.error,
        requestId: e.requestId,
      })),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.occurredAt, last.id) : null,
    };
  }
}

const COLUMNS = [
  'id',
  'tenant_id',
  'token_id',
  'token_name',
  'method',
  'path',
  'status',
  'duration_ms',
  'resource_type',
  'resource_id',
  'changes',
  'error',
  'request_id',
  'occurred_at',
] as const;

/**
 * The log is written for every SCIM request, so its batches are written the way each database takes
 * rows cheapest. PostgreSQL: one INSERT whose rows arrive as a single JSON parameter, unpacked by
 * `json_populate_recordset` (`recordsetParam`): bound one by one, 14 parameters per entry cost
 * node-postgres more CPU than the lookup being logged. SQLite binds parameters in C for next to
 * nothing but unpacks JSON slowly (`json_each` with a `json_extract` per column took 4.5 times as long
 * as bound values: 5.9 ms against 1.3 for 200 entries of a member PATCH, on the event loop), so there
 * the rows are bound, in statements of 64, 32, …, 1 rows: seven statement texts, each prepared once,
 * write any batch.
 */
async function insertBatch(tx: EntityManager, entries: ProvisioningLogEntry[]): Promise<void> {
  const postgres = tx.connection.options.type === 'postgres';
  // Typed by COLUMNS, so a column the statement names cannot be missing from the rows (it would be
  // written as NULL without a word).
  const rows = entries.map((e): Record<(typeof COLUMNS)[number], unknown> => ({
    id: e.id,
    tenant_id: e.tenantId,
    token_id: e.tokenId,
    token_name: e.tokenName,
    method: e.method,
    path: e.path,
    status: e.status,
    duration_ms: e.durationMs,
    resource_type: e.resourceType,
    resource_id: e.resourceId,
    changes: e.changes === null ? null : JSON.stringify(e.changes),
    error: e.error,
    request_id: e.requestId,
    // As TypeORM stores a time: as node-postgres binds a Date, or SQLite's `YYYY-MM-DD HH:MM:SS.SSS`.
    occurred_at: postgres
      ? pgValue(e.occurredAt)
      : e.occurredAt.toISOString().replace('T', ' ').replace('Z', ''),
  }));
  const columns = COLUMNS.join(', ');
  if (postgres) {
    await tx.query(
      `INSERT INTO provisioning_log_entries (${columns})
       SELECT ${columns} FROM json_populate_recordset(NULL::provisioning_log_entries, $1::json)`,
      [recordsetParam(rows)],
    );
    return;
  }
  const row = `(${COLUMNS.map(() => '?').join(', ')})`;
  for (let at = 0; at < rows.length;) {
    let size = SQLITE_ROWS;
    while (size > rows.length - at) size /= 2;
    const part = rows.slice(at, at + size);
    await tx.query(
      `${plainInsert(tx)} provisioning_log_entries (${columns}) VALUES ${Array(size).fill(row).join(', ')}`,
      part.flatMap((r) => COLUMNS.map((c) => r[c])),
    );
    at += size;
  }
}

/** The most rows one SQLite statement binds (14 parameters each); a power of two. */
const SQLITE_ROWS = 64;

const clip = (s: string | null | undefined, n: number): string | null =>
  s === null || s === undefined ? null : s.length > n ? `${s.slice(0, n - 1)}…` : s;

/** A diff kept short: at most 50 attributes, each value at most 200 characters of JSON. */
function shortChanges(changes: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!changes || Object.keys(changes).length === 0) return null;
  const entries = Object.entries(changes).slice(0, 50);
  return Object.fromEntries(
    entries.map(([k, v]) => {
      const json = JSON.stringify(v) ?? 'null';
      return [k, json.length > 200 ? `${json.slice(0, 199)}…` : v];
    }),
  );
}

function toEntry(input: ProvisioningLogInput, now: Date): ProvisioningLogEntry {
  const entry = new ProvisioningLogEntry();
  Object.assign(entry, {
    id: newId(),
    tenantId: input.tenantId,
    tokenId: input.tokenId,
    tokenName: clip(input.tokenName, 100),
    method: input.method.slice(0, 10),
    path: clip(input.path, 512) ?? '/',
    status: input.status,
    durationMs: Math.max(0, Math.round(input.durationMs)),
    resourceType: clip(input.resourceType, 32),
    resourceId: clip(input.resourceId, 64),
    changes: shortChanges(input.changes),
    error: clip(input.error, 2000),
    requestId: clip(input.requestId, 64),
    occurredAt: now,
  });
  return entry;
}
