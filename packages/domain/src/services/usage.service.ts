import { In, type EntityManager } from 'typeorm';
import {
  UsageEventsBody,
  UsageLimitBody,
  UsageMonth,
  type UsageLimitBody as UsageLimitBodyType,
  type UsageWarning,
} from '../contracts/usage.js';
import { Team, Tenant, UsageCounter } from '../entities/index.js';
import { InvalidInput, NotFound } from '../errors.js';
import { can } from '../permissions/index.js';
import { lockTenant } from '../repositories/tenants.repository.js';
import type { ApiKeyService } from './api-key.service.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';

/** Reports may arrive late (a runtime catching up after an outage), but not from beyond last month. */
const MAX_REPORT_AGE_DAYS = 35;
/** Clock skew tolerated between the runtime and the gateway. */
const MAX_REPORT_SKEW_MS = 5 * 60_000;
/** Seed 000 "whether you're approaching any limits": warn from 80%, and again at 100%. */
const APPROACHING_AT = 0.8;

export interface DayCount {
  day: string;
  events: number;
}

export interface UsageMonthReport {
  month: string;
  monthlyEventLimit: number | null;
  total: number;
  percentOfLimit: number | null;
  warning: UsageWarning | null;
  days: DayCount[];
  teams: Array<{ teamId: string; teamName: string | null; total: number; days: DayCount[] }>;
}

/** Event usage (seed 000 "Monitoring event usage"): counters per team per UTC day, and the monthly limit. */
export class UsageService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly apiKeys: ApiKeyService,
  ) {}

  /**
   * A batch from the workflow runtime, authenticated by a tenant API key. Each (team, UTC day) is one
   * atomic upsert that adds to the counter, so concurrent reports never lose counts. Reports are
   * metrics, not changes by a person: they are not audited (the chain would drown in them).
   */
  async report(apiKey: string, raw: unknown): Promise<{ accepted: number; counters: number }> {
    const batch = parseInput(UsageEventsBody, raw);
    const principal = await this.apiKeys.authenticate(apiKey);
    const now = this.deps.clock.now();
    const totals = new Map<string, { teamId: string; day: string; events: number }>();
    batch.forEach((item, index) => {
      const day = utcDay(this.reportTime(item.at, now, index));
      const key = `${item.teamId} ${day}`;
      const entry = totals.get(key) ?? { teamId: item.teamId, day, events: 0 };
      totals.set(key, { ...entry, events: entry.events + item.count });
    });
    await this.deps.db.transaction(async (tx) => {
      await assertTeams(tx, principal.tenantId, [...new Set(batch.map((i) => i.teamId))]);
      await upsertCounters(tx, principal.tenantId, principal.keyId, [...totals.values()]);
    });
    return { accepted: batch.length, counters: totals.size };
  }

  /** Usage of a calendar month (UTC; default the current one), per day and per team, against the limit. */
  async month(actor: ActorContext, rawMonth?: string): Promise<UsageMonthReport> {
    authorize(actor, 'usage:view');
    const month = rawMonth === undefined ? utcDay(this.deps.clock.now()).slice(0, 7) : parseMonth(rawMonth);
    const em = this.deps.db.manager;
    const tenant = await em.findOneByOrFail(Tenant, { id: actor.tenantId });
    const rows = await em
      .createQueryBuilder(UsageCounter, 'u')
      .where('u.tenantId = :tenantId AND u.day >= :first AND u.day <= :last', {
        tenantId: actor.tenantId,
        first: `${month}-01`,
        last: `${month}-31`,
      })
      .orderBy('u.day', 'ASC')
      .addOrderBy('u.teamId', 'ASC')
      .getMany();
    const names = await teamNames(em, actor.tenantId, [...new Set(rows.map((r) => r.teamId))]);
    const total = rows.reduce((sum, r) => sum + r.events, 0);
    return {
      month,
      monthlyEventLimit: tenant.monthlyEventLimit,
      total,
      percentOfLimit: tenant.monthlyEventLimit ? percent(total, tenant.monthlyEventLimit) : null,
      warning: warningOf(month, total, tenant.monthlyEventLimit),
      days: sumByDay(rows),
      teams: byTeam(rows, names),
    };
  }

  /**
   * The banner `GET /api/me` shows to whoever may change the limit (owners): approaching at 80%,
   * reached at 100% of this month's limit; null otherwise.
   */
  async warningFor(actor: ActorContext): Promise<UsageWarning | null> {
    if (!can(actor, 'usageLimit:edit')) return null;
    const em = this.deps.db.manager;
    const tenant = await em.findOneBy(Tenant, { id: actor.tenantId });
    if (!tenant?.monthlyEventLimit) return null;
    const month = utcDay(this.deps.clock.now()).slice(0, 7);
    const row = await em
      .createQueryBuilder(UsageCounter, 'u')
      .select('COALESCE(SUM(u.events), 0)', 'total')
      .where('u.tenantId = :tenantId AND u.day >= :first AND u.day <= :last', {
        tenantId: actor.tenantId,
        first: `${month}-01`,
        last: `${month}-31`,
      })
      .getRawOne<{ total: string | number }>();
    return warningOf(month, Number(row?.total ?? 0), tenant.monthlyEventLimit);
  }

  async setLimit(
    actor: ActorContext,
    raw: UsageLimitBodyType,
  ): Promise<{ monthlyEventLimit: number | null }> {
    const { monthlyEventLimit } = parseInput(UsageLimitBody, raw);
    authorize(actor, 'usageLimit:edit');
    return this.deps.db.transaction(async (tx) => {
      const tenant = await lockTenant(tx, actor.tenantId);
      await tx.update(Tenant, { id: tenant.id }, { monthlyEventLimit, updatedAt: this.deps.clock.now() });
      await this.deps.audit.record(tx, actor, {
        action: 'usage_limit.changed',
        targetType: 'usage_limit',
        targetId: tenant.id,
        change: { before: { monthlyEventLimit: tenant.monthlyEventLimit }, after: { monthlyEventLimit } },
      });
      return { monthlyEventLimit };
    });
  }

  private reportTime(at: string | undefined, now: Date, index: number): Date {
    if (at === undefined) return now;
    const time = new Date(at);
    if (time.getTime() > now.getTime() + MAX_REPORT_SKEW_MS) {
      throw new InvalidInput('usage.future_event', `${index}.at: the time is in the future.`);
    }
    if (now.getTime() - time.getTime() > MAX_REPORT_AGE_DAYS * 86_400_000) {
      throw new InvalidInput(
        'usage.stale_event',
        `${index}.at: events older than ${MAX_REPORT_AGE_DAYS} days are not accepted.`,
      );
    }
    return time;
  }
}

export const utcDay = (time: Date): string => time.toISOString().slice(0, 10);

const percent = (used: number, limit: number) => Math.round((used / limit) * 1000) / 10;

function parseMonth(raw: string): string {
  return parseInput(UsageMonth, raw);
}

function warningOf(month: string, used: number, limit: number | null): UsageWarning | null {
  if (!limit || used < limit * APPROACHING_AT) return null;
  return {
    level: used >= limit ? 'reached' : 'approaching',
    month,
    used,
    limit,
    percent: percent(used, limit),
  };
}

/** Every team must be one of the tenant's (drafts spaces do not run production events); else 404. */
async function assertTeams(tx: EntityManager, tenantId: string, teamIds: string[]): Promise<void> {
  const found = await tx.find(Team, {
    select: { id: true },
    where: { tenantId, kind: 'team', id: In(teamIds) },
  });
  const known = new Set(found.map((t) => t.id));
  const unknown = teamIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new NotFound('team.not_found', `No such team: ${unknown.join(', ')}.`, { teamIds: unknown });
  }
}

/** One statement: `INSERT … ON CONFLICT DO UPDATE SET events = events + excluded.events` (both dialects). */
async function upsertCounters(
  tx: EntityManager,
  tenantId: string,
  keyId: string,
  rows: Array<{ teamId: string; day: string; events: number }>,
): Promise<void> {
  const postgres = tx.connection.options.type === 'postgres';
  const columns = 5;
  const params = rows.flatMap((r) => [tenantId, r.day, r.teamId, r.events, keyId]);
  const values = rows.map((_, i) => {
    const slots = Array.from({ length: columns }, (__, j) => (postgres ? `$${i * columns + j + 1}` : '?'));
    return `(${slots.join(', ')})`;
  });
  await tx.query(
    `INSERT INTO usage_counters (tenant_id, day, team_id, events, last_reported_by) VALUES ${values.join(', ')}
     ON CONFLICT (tenant_id, day, team_id)
     DO UPDATE SET events = usage_counters.events + excluded.events, last_reported_by = excluded.last_reported_by`,
    params,
  );
}

async function teamNames(em: EntityManager, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const teams = await em.find(Team, { select: { id: true, name: true }, where: { tenantId, id: In(ids) } });
  return new Map(teams.map((t) => [t.id, t.name]));
}

function sumByDay(rows: UsageCounter[]): DayCount[] {
  const days = new Map<string, number>();
  for (const r of rows) days.set(r.day, (days.get(r.day) ?? 0) + r.events);
  return [...days].map(([day, events]) => ({ day, events }));
}

function byTeam(rows: UsageCounter[], names: Map<string, string>): UsageMonthReport['teams'] {
  const teams = new Map<string, DayCount[]>();
  for (const r of rows) {
    const days = teams.get(r.teamId) ?? [];
    days.push({ day: r.day, events: r.events });
    teams.set(r.teamId, days);
  }
  return [...teams]
    .map(([teamId, days]) => ({
      teamId,
      teamName: names.get(teamId) ?? null,
      total: days.reduce((sum, d) => sum + d.events, 0),
      days,
    }))
    .sort((a, b) => b.total - a.total || a.teamId.localeCompare(b.teamId));
}
