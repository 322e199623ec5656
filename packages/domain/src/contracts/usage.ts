import { z } from 'zod';

// Event usage (seed 000 "Monitoring event usage … whether you're approaching any limits").

export const CreateApiKeyBody = z.object({ name: z.string().trim().min(1, 'Required.').max(100) });
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const ApiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;

export const ApiKeyList = z.object({ items: z.array(ApiKeyView) });
export type ApiKeyList = z.infer<typeof ApiKeyList>;

export const CreatedApiKey = z.object({
  /** Shown once: only its hash is kept. */
  key: z.string(),
  item: ApiKeyView,
});
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const ApiKeyIdParams = z.object({ keyId: z.string().max(64) });
export type ApiKeyIdParams = z.infer<typeof ApiKeyIdParams>;

/** One report from the workflow runtime: events of a team, at a time (default: now). */
export const UsageEventInput = z.object({
  teamId: z.string().trim().min(1).max(36),
  count: z.number().int().min(1).max(1_000_000),
  at: z.iso.datetime({ offset: true }).optional(),
});
export type UsageEventInput = z.infer<typeof UsageEventInput>;

export const UsageEventsBody = z.array(UsageEventInput).min(1).max(1000);
export type UsageEventsBody = z.infer<typeof UsageEventsBody>;

export const UsageEventsAccepted = z.object({
  accepted: z.number().int(),
  /** Counters touched: one per team per UTC day. */
  counters: z.number().int(),
});
export type UsageEventsAccepted = z.infer<typeof UsageEventsAccepted>;

export const UsageMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Use YYYY-MM.');
export type UsageMonth = z.infer<typeof UsageMonth>;

export const UsageQuery = z.object({ month: UsageMonth.optional() });
export type UsageQuery = z.infer<typeof UsageQuery>;

export const USAGE_WARNING_LEVELS = ['approaching', 'reached'] as const;
export type UsageWarningLevel = (typeof USAGE_WARNING_LEVELS)[number];

/** 80% of the monthly limit: approaching; 100%: reached. */
export const UsageWarning = z.object({
  level: z.enum(USAGE_WARNING_LEVELS),
  month: z.string(),
  used: z.number().int(),
  limit: z.number().int(),
  percent: z.number(),
});
export type UsageWarning = z.infer<typeof UsageWarning>;

export const UsageReport = z.object({
  month: z.string(),
  /** Null: no limit. */
  monthlyEventLimit: z.number().int().nullable(),
  total: z.number().int(),
  percentOfLimit: z.number().nullable(),
  warning: UsageWarning.nullable(),
  days: z.array(z.object({ day: z.string(), events: z.number().int() })),
  teams: z.array(
    z.object({
      teamId: z.string(),
      teamName: z.string().nullable(),
      total: z.number().int(),
      days: z.array(z.object({ day: z.string(), events: z.number().int() })),
    }),
  ),
});
export type UsageReport = z.infer<typeof UsageReport>;

export const UsageLimitBody = z.object({
  /** Events per calendar month (UTC); null: unlimited. */
  monthlyEventLimit: z.number().int().min(1).max(2_000_000_000).nullable(),
});
export type UsageLimitBody = z.infer<typeof UsageLimitBody>;
