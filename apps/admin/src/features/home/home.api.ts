import type { UsageReport } from '@gatehouse/domain/contracts';
import { route } from '../../shared/api/client';

/** Event usage against the tenant's monthly limit (issue 6 "Monitoring"). */
export const homeRoutes = {
  usage: route<UsageReport, { query: { month?: string } }>('GET', '/api/usage'),
};
