import { z } from 'zod';
import { TEAM_ROLES, TENANT_ROLES } from '../permissions/roles.js';
import { SIGN_IN_METHODS } from './enums.js';
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

/**
 * One of the signed-in person's own live sessions (GET /api/me/sessions): where and how it was
 * signed in, and when it was last used. Never its token or anything kept for the IdP.
 */
export const OwnSessionView = z.object({
  id: z.string(),
  method: z.enum(SIGN_IN_METHODS),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  /** The session this request came with. */
  current: z.boolean(),
});
export type OwnSessionView = z.infer<typeof OwnSessionView>;

export const OwnSessionList = z.object({ items: z.array(OwnSessionView) });
export type OwnSessionList = z.infer<typeof OwnSessionList>;

export const OwnSessionIdParams = z.object({ sessionId: z.string().max(64) });
export type OwnSessionIdParams = z.infer<typeof OwnSessionIdParams>;
