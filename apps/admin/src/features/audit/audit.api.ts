import type {
  AuditChainVerdict,
  AuditEventDetail,
  AuditEventExportQuery,
  AuditEventListQuery,
  AuditEventPage,
} from '@gatehouse/domain/contracts';
import { route } from '../../shared/api/client';

/** The audit log (issue 6 "Monitoring"): keyset list, detail, streamed export and chain verification. */
export const auditRoutes = {
  list: route<AuditEventPage, { query: AuditEventListQuery }>('GET', '/api/audit-events'),
  get: route<AuditEventDetail, { params: { eventId: string } }>('GET', '/api/audit-events/:eventId'),
  export: route<string, { query: AuditEventExportQuery }>('GET', '/api/audit-events/export'),
  verify: route<AuditChainVerdict>('GET', '/api/audit-events/verify'),
};
