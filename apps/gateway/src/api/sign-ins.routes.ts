// Sign-in activity (seed 000 "Monitoring access: You can view when users last signed in, download
// sign-in activity logs"; seed 001: managers review "access logs").
import {
  SignInExportQuery,
  SignInListQuery,
  SignInPage,
  SignInsPerDay,
  SignInsPerDayQuery,
  type SignInEventView,
} from '@gatehouse/domain/contracts';
import type { Services, SignInEventItem } from '@gatehouse/domain';
import { defineRoute, type Route } from '../http/define-route.js';
import { mapPage } from '../http/pages.js';
import { streamDownload } from './audit.routes.js';

const TAG = 'sign-ins';

export function signInsRoutes(services: Services): Route[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/sign-ins',
        tag: TAG,
        summary: 'Sign-in attempts, newest first, filtered by user, result, method and time; keyset paged',
        query: SignInListQuery,
        response: SignInPage,
        action: 'signIns:view',
      },
      async ({ actor, query }) => {
        const page = await services.signIns.list(actor, query);
        return mapPage(page, toSignInView);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/sign-ins/export',
        tag: TAG,
        summary: 'Download sign-in activity as CSV for a filter and date range, streamed',
        query: SignInExportQuery,
        action: 'signIns:export',
        produces: ['text/csv'],
      },
      async ({ actor, query, res }) => {
        const lines = await services.signIns.exportCsv(actor, query);
        const stamp = new Date().toISOString().slice(0, 10);
        await streamDownload(
          res,
          { contentType: 'text/csv; charset=utf-8', filename: `sign-ins-${stamp}.csv` },
          lines,
        );
        return undefined;
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/sign-ins/per-day',
        tag: TAG,
        summary: 'Successful and failed sign-ins per UTC day in [from, to), for the home chart',
        query: SignInsPerDayQuery,
        response: SignInsPerDay,
        action: 'signIns:view',
      },
      async ({ actor, query }) => {
        const { days } = await services.signIns.countsPerDay(actor, query.from, query.to);
        return { days: days.map((d) => ({ day: d.day, success: d.success, failure: d.failure })) };
      },
    ),
  ];
}

function toSignInView(e: SignInEventItem): SignInEventView {
  return {
    id: e.id,
    occurredAt: e.occurredAt,
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
