import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import {
  SIGN_IN_METHODS,
  SIGN_IN_RESULTS,
  type SignInMethod,
  type SignInResult,
} from '../contracts/enums.js';
import { SignInEvent } from '../entities/index.js';
import { newId } from '../crypto.js';
import { InvalidInput } from '../errors.js';
import { insertRow } from '../repositories/write.js';
import type { Clock } from '../clock.js';
import { authorize, type ActorContext } from './context.js';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.js';
import type { ServiceDeps } from './deps.js';

export interface SignInActivityFilter {
  userId?: string;
  result?: SignInResult;
  method?: SignInMethod;
  /** Inclusive; a Date or an ISO 8601 string. */
  from?: Date | string;
  /** Exclusive. */
  to?: Date | string;
}

export interface SignInEventItem {
  id: string;
  occurredAt: string;
  userId: string | null;
  email: string | null;
  result: SignInResult;
  reason: string | null;
  method: SignInMethod;
  connectionId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface SignInDay {
  /** UTC calendar day, `YYYY-MM-DD`. */
  day: string;
  success: number;
  failure: number;
}

/** One sign-in attempt as the flows describe it. */
export interface SignInAttempt {
  tenantId: string | null;
  userId: string | null;
  email: string | null;
  method: SignInMethod;
  connectionId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** Writes a sign-in event inside the caller's transaction. */
export async function recordSignInEvent(
  em: EntityManager,
  clock: Clock,
  attempt: SignInAttempt,
  result: SignInResult,
  reason: string | null,
): Promise<void> {
  await insertRow(em, SignInEvent, {
    id: newId(),
    ...attempt,
    email: attempt.email?.slice(0, 320) ?? null,
    ip: attempt.ip?.slice(0, 64) ?? null,
    userAgent: attempt.userAgent?.slice(0, 512) ?? null,
    result,
    reason: reason?.slice(0, 64) ?? null,
    occurredAt: clock.now(),
  });
}

const EXPORT_PAGE_SIZE = 500;
const MAX_CHART_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

const CSV_COLUMNS = [
  'occurred_at',
  'result',
  'reason',
  'method',
  'email',
  'user_id',
  'connection_id',
  'ip',
  'user_agent',
  'id',
] as const;

/**
 * Seed 000 "Monitoring access: You can view when users last signed in, download sign-in activity
 * logs"; 001: managers review "access logs". Every list pages by keyset on (occurred_at, id).
 */
export class SignInActivityService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(
    actor: ActorContext,
    query: SignInActivityFilter & { cursor?: string; limit?: number } = {},
  ): Promise<{ items: SignInEventItem[]; nextCursor: string | null }> {
    authorize(actor, 'signIns:view');
    const limit = pageLimit(query.limit);
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const rows = await this.page(this.deps.db.manager, actor.tenantId, parseFilter(query), after, limit + 1);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(toItem),
      nextCursor: rows.length > limit && last ? encodeCursor(last.occurredAt, last.id) : null,
    };
  }

  /**
   * The CSV download: authorised now, then read page by page as the consumer pulls lines, so any
   * range streams in constant memory.
   */
  async exportCsv(actor: ActorContext, filter: SignInActivityFilter = {}): Promise<AsyncIterable<string>> {
    authorize(actor, 'signIns:export');
    const parsed = parseFilter(filter);
    const tenantId = actor.tenantId;
    const em = this.deps.db.manager;
    const page = this.page.bind(this);
    return {
      async *[Symbol.asyncIterator]() {
        yield `${CSV_COLUMNS.join(',')}\r\n`;
        let after: { at: Date; id: string } | null = null;
        for (;;) {
          const rows = await page(em, tenantId, parsed, after, EXPORT_PAGE_SIZE);
          for (const row of rows) yield csvLine(row);
          const last = rows.at(-1);
          if (rows.length < EXPORT_PAGE_SIZE || !last) return;
          after = { at: last.occurredAt, id: last.id };
        }
      },
    };
  }

  /** Successes and failures per UTC day in [from, to), zero days included, for the home chart. */
  async countsPerDay(
    actor: ActorContext,
    fromRaw: Date | string,
    toRaw: Date | string,
  ): Promise<{ days: SignInDay[] }> {
    authorize(actor, 'signIns:view');
    const from = startOfUtcDay(toDate(fromRaw, 'from'));
    const to = toDate(toRaw, 'to');
    if (to <= from) throw new InvalidInput('sign_ins.range', '`to` must be after `from`.');
    if (to.getTime() - from.getTime() > MAX_CHART_DAYS * DAY_MS) {
      throw new InvalidInput('sign_ins.range', `Chart at most ${MAX_CHART_DAYS} days at a time.`);
    }
    const day =
      this.deps.db.dialect === 'postgres'
        ? "to_char(e.occurredAt, 'YYYY-MM-DD')"
        : 'substr(e.occurredAt, 1, 10)';
    const rows: Array<{ day: string; result: SignInResult; n: string | number }> = await this.deps.db.manager
      .createQueryBuilder(SignInEvent, 'e')
      .select(day, 'day')
      .addSelect('e.result', 'result')
      .addSelect('COUNT(*)', 'n')
      .where('e.tenantId = :tenantId', { tenantId: actor.tenantId })
      .andWhere('e.occurredAt >= :from AND e.occurredAt < :to', { from, to })
      .groupBy(day)
      .addGroupBy('e.result')
      .getRawMany();
    const byDay = new Map<string, SignInDay>();
    for (let t = from.getTime(); t < to.getTime(); t += DAY_MS) {
      const key = new Date(t).toISOString().slice(0, 10);
      byDay.set(key, { day: key, success: 0, failure: 0 });
    }
    for (const row of rows) {
      const entry = byDay.get(row.day);
      if (entry) entry[row.result] = Number(row.n);
    }
    return { days: [...byDay.values()] };
  }

  private page(
    em: EntityManager,
    tenantId: string,
    filter: ParsedFilter,
    after: { at: Date; id: string } | null,
    take: number,
  ): Promise<SignInEvent[]> {
    // idx_sign_in_events_tenant_time (tenant_id, occurred_at, id) serves the order and the keyset.
    const q = em
      .createQueryBuilder(SignInEvent, 'e')
      .where('e.tenantId = :tenantId', { tenantId })
      .orderBy('e.occurredAt', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(take);
    applyFilter(q, filter);
    if (after) q.andWhere('(e.occurredAt < :at OR (e.occurredAt = :at AND e.id < :id))', after);
    return q.getMany();
  }
}

interface ParsedFilter {
  userId?: string;
  result?: SignInResult;
  method?: SignInMethod;
  from?: Date;
  to?: Date;
}

function parseFilter(filter: SignInActivityFilter): ParsedFilter {
  const out: ParsedFilter = {};
  if (filter.userId !== undefined) {
    if (typeof filter.userId !== 'string' || filter.userId.length > 64) {
      throw new InvalidInput('sign_ins.user', 'userId is not valid.');
    }
    out.userId = filter.userId;
  }
  if (filter.result !== undefined) {
    if (!SIGN_IN_RESULTS.includes(filter.result)) {
      throw new InvalidInput('sign_ins.result', `result is one of ${SIGN_IN_RESULTS.join(', ')}.`);
    }
    out.result = filter.result;
  }
  if (filter.method !== undefined) {
    if (!SIGN_IN_METHODS.includes(filter.method)) {
      throw new InvalidInput('sign_ins.method', `method is one of ${SIGN_IN_METHODS.join(', ')}.`);
    }
    out.method = filter.method;
  }
  if (filter.from !== undefined) out.from = toDate(filter.from, 'from');
  if (filter.to !== undefined) out.to = toDate(filter.to, 'to');
  return out;
}

function applyFilter(q: SelectQueryBuilder<SignInEvent>, f: ParsedFilter): void {
  if (f.userId) q.andWhere('e.userId = :userId', { userId: f.userId });
  if (f.result) q.andWhere('e.result = :result', { result: f.result });
  if (f.method) q.andWhere('e.method = :method', { method: f.method });
  if (f.from) q.andWhere('e.occurredAt >= :from', { from: f.from });
  if (f.to) q.andWhere('e.occurredAt < :to', { to: f.to });
}

function toDate(value: Date | string, name: string): Date {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) {
    throw new InvalidInput('sign_ins.date', `${name} is not a valid date or ISO 8601 time.`);
  }
  return date;
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

function toItem(e: SignInEvent): SignInEventItem {
  return {
    id: e.id,
    occurredAt: e.occurredAt.toISOString(),
    userId: e.userId,
    email: e.email,
    result: e.result,
    reason: e.reason,
    method: e.method,
    connectionId: e.connectionId,
    ip: e.ip,
    userAgent: e.userAgent,
  };
}

function csvLine(e: SignInEvent): string {
  const cells = [
    e.occurredAt.toISOString(),
    e.result,
    e.reason,
    e.method,
    e.email,
    e.userId,
    e.connectionId,
    e.ip,
    e.userAgent,
    e.id,
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * RFC 4180 quoting, and a leading `'` on cells a spreadsheet would run as a formula (user agents
 * and emails come from the outside: CSV injection).
 */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
