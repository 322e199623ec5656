import type { AuditEventFilter, AuditEventSummary, ExportFormat } from '@gatehouse/domain/contracts';
import { defineStore } from 'pinia';
import { call, download } from '../../shared/api/client';
import { useKeysetList } from '../../shared/composables/use-keyset-list';
import { useResource } from '../../shared/composables/use-resource';
import { auditRoutes } from './audit.api';

/** The audit area: the filtered log (infinite scroll by keyset), one event's detail, exports, the chain. */
export const useAuditStore = defineStore('audit', () => {
  const list = useKeysetList<AuditEventSummary, AuditEventFilter>((filters, cursor) =>
    call(auditRoutes.list, { query: { ...filters, limit: 100, cursor: cursor ?? undefined } }),
  );
  const verdict = useResource(() => call(auditRoutes.verify));

  const detail = (eventId: string) => call(auditRoutes.get, { params: { eventId } });

  function exportLog(
    filter: AuditEventFilter,
    format: ExportFormat,
    signal: AbortSignal,
    onProgress: (bytes: number) => void,
  ) {
    const accept = format === 'csv' ? 'text/csv' : 'application/x-ndjson';
    return download(auditRoutes.export, { query: { ...filter, format } }, { accept, signal, onProgress });
  }

  return { list, verdict, detail, exportLog };
});
