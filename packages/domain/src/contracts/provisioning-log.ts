import { z } from 'zod';

// The provisioning log as the admin API serves it (the SPA's sync-health view): SCIM requests,
// newest first, keyset-paged by an opaque cursor.

export const ListProvisioningLogQuery = z.object({
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** One resource's history (a user's or group's SCIM id). */
  resourceId: z.string().max(64).optional(),
  /** Only requests that failed (status ≥ 400). */
  failuresOnly: z.coerce.boolean().default(false),
});
export type ListProvisioningLogQuery = z.input<typeof ListProvisioningLogQuery>;

export const ProvisioningLogItem = z.object({
  id: z.string(),
  occurredAt: z.string(),
  tokenId: z.string().nullable(),
  tokenName: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  durationMs: z.number().int(),
  resourceType: z.string().nullable(),
  resourceId: z.string().nullable(),
  changes: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  requestId: z.string().nullable(),
});
export type ProvisioningLogItem = z.infer<typeof ProvisioningLogItem>;

export const ProvisioningLogPage = z.object({
  items: z.array(ProvisioningLogItem),
  nextCursor: z.string().nullable(),
});
export type ProvisioningLogPage = z.infer<typeof ProvisioningLogPage>;
