// The audit log (seed 000 "Reviewing audit logs: Regularly checking who's accessing what and what
// changes are being made"): filters, keyset pages newest first, a detail with before/after, streamed
// CSV/NDJSON exports and chain verification. Managers see it within their scope (AuditQueryService).
import {
  AuditChainVerdict,
  AuditEventDetail,
  AuditEventExportQuery,
  AuditEventIdParams,
  AuditEventListQuery,
  AuditEventPage,
  type AuditEventDetail as AuditEventDetailBody,
  type AuditEventSummary,
} from '@gatehouse/domain/contracts';
import type { AuditEvent, Services } from '@gatehouse/domain';
import type { Response } from 'express';
import { defineRoute, type Route } from '../http/define-route.js';
import { mapPage } from '../http/pages.js';

const TAG = 'audit';

const CSV_COLUMNS = [
  'occurred_at',
  'seq',
  'actor_type',
  'actor_id',
  'actor_label',
  'action',
  'target_type',
  'target_id',
  'team_id',
  'ip',
  'change',
  'id',
  'hash',
] as const;

export function auditRoutes(services: Services): Route[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/audit-events',
        tag: TAG,
        summary: 'Audit events, newest first, filtered by actor, action, target, team and time; keyset paged',
        query: AuditEventListQuery,
        response: AuditEventPage,
        action: 'audit:view',
      },
      async ({ actor, query }) => {
        const page = await services.auditQuery.list(actor, query);
        return mapPage(page, toSummary);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/audit-events/export',
        tag: TAG,
        summary: 'Download the filtered audit log as CSV or NDJSON, streamed',
        query: AuditEventExportQuery,
        action: 'audit:view',
        produces: ['text/csv', 'application/x-ndjson'],
      },
      async ({ actor, query, res }) => {
        const { format, ...filter } = query;
        const pages = services.auditQuery.export(actor, filter);
        const stamp = new Date().toISOString().slice(0, 10);
        await streamDownload(
          res,
          format === 'csv'
            ? { contentType: 'text/csv; charset=utf-8', filename: `audit-events-${stamp}.csv` }
            : {
                contentType: 'application/x-ndjson; charset=utf-8',
                filename: `audit-events-${stamp}.ndjson`,
              },
          format === 'csv' ? csvChunks(pages) : ndjsonChunks(pages),
        );
        return undefined;
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/audit-events/verify',
        tag: TAG,
        summary: 'Recompute the tenant’s hash chain and report the first broken link',
        response: AuditChainVerdict,
        action: 'audit:verify',
      },
      async ({ actor }) => {
        const verdict = await services.audit.verify(actor);
        return {
          ok: verdict.ok,
          records: verdict.records,
          brokenAt: verdict.ok ? null : verdict.brokenAt,
          verifiedAt: services.clock.now().toISOString(),
        };
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/audit-events/:eventId',
        tag: TAG,
        summary: 'One audit event with its before/after record',
        params: AuditEventIdParams,
        response: AuditEventDetail,
        action: 'audit:view',
      },
      async ({ actor, params }) => toDetail(await services.auditQuery.get(actor, params.eventId)),
    ),
  ];
}

function toSummary(e: AuditEvent): AuditEventSummary {
  return {
    id: e.id,
    seq: e.seq,
    occurredAt: e.occurredAt.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    teamId: e.teamId,
    ip: e.ip,
  };
}

function toDetail(e: AuditEvent): AuditEventDetailBody {
  return { ...toSummary(e), change: e.change, hash: e.hash, prevHash: e.prevHash };
}

async function* csvChunks(pages: AsyncIterable<AuditEvent[]>): AsyncIterable<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  for await (const page of pages) {
    yield page
      .map((e) => {
        const cells = [
          e.occurredAt.toISOString(),
          String(e.seq),
          e.actorType,
          e.actorId,
          e.actorLabel,
          e.action,
          e.targetType,
          e.targetId,
          e.teamId,
          e.ip,
          JSON.stringify(e.change),
          e.id,
          e.hash,
        ];
        return `${cells.map(csvCell).join(',')}\r\n`;
      })
      .join('');
  }
}

async function* ndjsonChunks(pages: AsyncIterable<AuditEvent[]>): AsyncIterable<string> {
  for await (const page of pages) yield page.map((e) => `${JSON.stringify(toDetail(e))}\n`).join('');
}

/**
 * RFC 4180 quoting, with a leading `'` on cells a spreadsheet would run as a formula (labels, emails
 * and before/after values come from people and IdPs: CSV injection).
 */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Writes chunks as they are pulled, waiting for `drain` when the socket's buffer is full, so the
 * export holds one page in memory however long it is. A client that goes away stops the pulling.
 */
export async function streamDownload(
  res: Response,
  file: { contentType: string; filename: string },
  chunks: AsyncIterable<string>,
): Promise<void> {
  res.status(200);
  res.set({
    'Content-Type': file.contentType,
    'Content-Disposition': `attachment; filename="${file.filename}"`,
    'Cache-Control': 'no-store',
  });
  for await (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await drainedOrClosed(res);
  }
  res.end();
}

/** Resolves on `drain` or `close`, whichever comes first, and leaves no listener behind. */
function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
