import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import {
  AuditEventFilter,
  AuditEventListQuery,
  type AuditEventFilter as AuditEventFilterType,
  type AuditEventListQuery as AuditEventListQueryType,
} from '../contracts/monitoring.js';
import { AuditEvent } from '../entities/index.js';
import { NotFound } from '../errors.js';
import { can, type TenantAction } from '../permissions/index.js';
import { authorize, type ActorContext } from './context.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';

/**
 * Whose eyes the audit log of an owner-only policy area is for. The rule ("managers see the audit log
 * within their scope"): everyone with `audit:view` (owners and managers, seeds 000/001) sees every
 * event of the tenant — people, teams, objects, sign-in and provisioning activity — except the
 * history of an owner-only policy area, which only those who may edit that area see. Seed 000 makes
 * "Monitoring security events" part of the owner's security configuration duty, and 001 keeps
 * "owner-only tenant policy controls" out of managers' workflows; managers still read the current
 * settings (`settings:view`). The rule is derived from the permission table, never from role names.
 */
const POLICY_AREAS: ReadonlyArray<{ editedBy: TenantAction; targetTypes?: string[]; actions?: string[] }> = [
  { editedBy: 'authMethods:edit', actions: ['tenant.auth_methods_changed'] },
  { editedBy: 'sessionPolicy:edit', actions: ['tenant.session_policy_changed'] },
  { editedBy: 'ipAllowlist:edit', actions: ['ip_allowlist.replaced'] },
  { editedBy: 'egress:edit', targetTypes: ['egress_rules'] },
  { editedBy: 'sso:manage', targetTypes: ['sso_connection'] },
  { editedBy: 'scim:manage', targetTypes: ['scim_token'] },
  { editedBy: 'groupMapping:manage', targetTypes: ['group_mapping'] },
  { editedBy: 'ai:edit', targetTypes: ['ai_provider'] },
  { editedBy: 'featureFlags:edit', targetTypes: ['feature_flags'] },
  { editedBy: 'branding:edit', targetTypes: ['branding'] },
  { editedBy: 'integrations:edit', targetTypes: ['integration'] },
  { editedBy: 'usageKey:manage', targetTypes: ['api_key'] },
  { editedBy: 'usageLimit:edit', targetTypes: ['usage_limit'] },
];

/** What an actor may not see of the audit log: target types and actions of areas they cannot edit. */
function hiddenAuditAreas(actor: ActorContext): { targetTypes: string[]; actions: string[] } {
  const hidden = POLICY_AREAS.filter((area) => !can(actor, area.editedBy));
  return {
    targetTypes: hidden.flatMap((area) => area.targetTypes ?? []),
    actions: hidden.flatMap((area) => area.actions ?? []),
  };
}

const EXPORT_PAGE_SIZE = 1000;

/** The audit log for people (seed 000 "Reviewing audit logs"): filtered, keyset-paged, exported. */
export class AuditQueryService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Newest first, keyset on (occurred_at, id); `nextCursor` is null on the last page. */
  async list(
    actor: ActorContext,
    raw: AuditEventListQueryType,
  ): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
    const query = parseInput(AuditEventListQuery, raw);
    authorize(actor, 'audit:view');
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const rows = await this.page(this.deps.db.manager, actor, query, after, query.limit + 1);
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.occurredAt, last.id) : null,
    };
  }

  async get(actor: ActorContext, eventId: string): Promise<AuditEvent> {
    authorize(actor, 'audit:view');
    const query = visible(
      this.deps.db.manager
        .createQueryBuilder(AuditEvent, 'e')
        .where('e.tenantId = :tenantId AND e.id = :eventId', { tenantId: actor.tenantId, eventId }),
      actor,
    );
    const event = await query.getOne();
    if (!event) throw new NotFound('audit_event.not_found', 'No such audit event.');
    return event;
  }

  /**
   * Every matching event, newest first, one page of rows at a time as the consumer pulls them: the
   * export streams in constant memory whatever the range. Authorised when called, before any row.
   */
  export(actor: ActorContext, raw: AuditEventFilterType): AsyncIterable<AuditEvent[]> {
    const filter = parseInput(AuditEventFilter, raw);
    authorize(actor, 'audit:view');
    const em = this.deps.db.manager;
    const page = this.page.bind(this);
    return {
      async *[Symbol.asyncIterator]() {
        let after: { at: Date; id: string } | null = null;
        for (;;) {
          const rows = await page(em, actor, filter, after, EXPORT_PAGE_SIZE);
          if (rows.length > 0) yield rows;
          const last = rows.at(-1);
          if (rows.length < EXPORT_PAGE_SIZE || !last) return;
          after = { at: last.occurredAt, id: last.id };
        }
      },
    };
  }

  private page(
    em: EntityManager,
    actor: ActorContext,
    filter: AuditEventFilterType,
    after: { at: Date; id: string } | null,
    take: number,
  ): Promise<AuditEvent[]> {
    // idx_audit_events_tenant_time (tenant_id, occurred_at, id) serves the order and the keyset.
    const q = em
      .createQueryBuilder(AuditEvent, 'e')
      .where('e.tenantId = :tenantId', { tenantId: actor.tenantId })
      .orderBy('e.occurredAt', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(take);
    applyFilter(q, filter);
    visible(q, actor);
    // the redundant `<=` bounds the index range scan; the OR breaks ties on the id
    if (after) {
      q.andWhere('e.occurredAt <= :at AND (e.occurredAt < :at OR e.id < :id)', after);
    }
    return q.getMany();
  }
}

function applyFilter(q: SelectQueryBuilder<AuditEvent>, f: AuditEventFilterType): void {
  if (f.actorId) q.andWhere('e.actorId = :actorId', { actorId: f.actorId });
  if (f.action) q.andWhere('e.action = :action', { action: f.action });
  if (f.targetType) q.andWhere('e.targetType = :targetType', { targetType: f.targetType });
  if (f.targetId) q.andWhere('e.targetId = :targetId', { targetId: f.targetId });
  if (f.teamId) q.andWhere('e.teamId = :teamId', { teamId: f.teamId });
  if (f.from) q.andWhere('e.occurredAt >= :from', { from: new Date(f.from) });
  if (f.to) q.andWhere('e.occurredAt < :to', { to: new Date(f.to) });
}

function visible(q: SelectQueryBuilder<AuditEvent>, actor: ActorContext): SelectQueryBuilder<AuditEvent> {
  const hidden = hiddenAuditAreas(actor);
  if (hidden.targetTypes.length > 0) {
    q.andWhere('e.targetType NOT IN (:...hiddenTypes)', { hiddenTypes: hidden.targetTypes });
  }
  if (hidden.actions.length > 0) {
    q.andWhere('e.action NOT IN (:...hiddenActions)', { hiddenActions: hidden.actions });
  }
  return q;
}
