import { z } from 'zod';
import { TEAM_ROLES, TENANT_ROLES } from '../permissions/roles.js';
import { UsageWarning } from './usage.js';

/** GET /api/me: who is signed in, with what the SPA needs to build the same actor `can()` uses. */
export const MeResponse = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    displayName: z.string().nullable(),
    tenantRole: z.enum(TENANT_ROLES),
  }),
  tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  teamRoles: z.record(z.string(), z.enum(TEAM_ROLES)),
  features: z.object({ cases: z.boolean(), customObjectSharing: z.boolean() }),
  /** Echo in X-CSRF-Token on state-changing calls; keep in memory only. */
  csrfToken: z.string(),
  /** For those who may change the monthly event limit (owners): this month's usage at 80% or 100%. */
  usageWarning: UsageWarning.optional(),
});
export type MeResponse = z.infer<typeof MeResponse>;
