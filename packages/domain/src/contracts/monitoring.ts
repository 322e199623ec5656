import { z } from 'zod';
import { ACTOR_TYPES, SIGN_IN_METHODS, SIGN_IN_RESULTS } from './enums.js';

// Monitoring (seed 000 "Monitor and maintain"; seed 001 "Management → Observability"): the audit log,
// sign-in activity and the provisioning log, all listed newest first by keyset on (occurred_at, id).

/** An opaque keyset cursor (base64url JSON of the last row's sort key and id). */
export const Cursor = z.string().max(512, 'Invalid cursor.');

/** `limit` is capped so one page is one bounded query. */
export const PageLimit = z.coerce.number().int().min(1).max(200).default(50);

/** A point in time in a query string: ISO 8601 with an offset (`2026-01-31T00:00:00Z`). */
export const Instant = z.iso.datetime({
  offset: true,
  message: 'Use an ISO 8601 time such as 2026-01-31T00:00:00Z.',
});

const TimeRange = {
  /** Inclusive lower bound. */
  from: Instant.optional(),
  /** Exclusive upper bound. */
  to: Instant.optional(),
};

/** The list envelope every keyset list answers with. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

// ---- audit log ----

export const AuditEventFilter = z.object({
  actorId: z.string().trim().min(1).max(64).optional(),
  action: z.string().trim().min(1).max(64).optional(),
  targetType: z.string().trim().min(1).max(32).optional(),
  targetId: z.string().trim().min(1).max(64).optional(),
  teamId: z.string().trim().min(1).max(36).optional(),
  ...TimeRange,
});
export type AuditEventFilter = z.infer<typeof AuditEventFilter>;

export const AuditEventListQuery = AuditEventFilter.extend({ cursor: Cursor.optional(), limit: PageLimit });
export type AuditEventListQuery = z.input<typeof AuditEventListQuery>;

export const AuditEventExportQuery = AuditEventFilter.extend({
  format: z.enum(EXPORT_FORMATS).default('csv'),
});
export type AuditEventExportQuery = z.input<typeof AuditEventExportQuery>;

export const AuditEventSummary = z.object({
  id: z.string(),
  seq: z.number().int(),
  occurredAt: z.string(),
  actorType: z.enum(ACTOR_TYPES),
  actorId: z.string().nullable(),
  actorLabel: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  teamId: z.string().nullable(),
  ip: z.string().nullable(),
});
export type AuditEventSummary = z.infer<typeof AuditEventSummary>;

/** The detail drawer: the summary plus the before/after record. */
export const AuditEventDetail = AuditEventSummary.extend({
  change: z.record(z.string(), z.unknown()),
  hash: z.string(),
  prevHash: z.string(),
});
export type AuditEventDetail = z.infer<typeof AuditEventDetail>;

export const AuditEventPage = pageOf(AuditEventSummary);
export type AuditEventPage = z.infer<typeof AuditEventPage>;

export const AuditEventIdParams = z.object({ eventId: z.string().max(64) });
export type AuditEventIdParams = z.infer<typeof AuditEventIdParams>;

export const AuditChainVerdict = z.object({
  ok: z.boolean(),
  records: z.number().int(),
  brokenAt: z.object({ seq: z.number().int(), id: z.string().nullable(), reason: z.string() }).nullable(),
  verifiedAt: z.string(),
});
export type AuditChainVerdict = z.infer<typeof AuditChainVerdict>;

// ---- sign-in activity (seed 000 "Monitoring access", "download sign-in activity logs") ----

export const SignInFilter = z.object({
  userId: z.string().trim().min(1).max(36).optional(),
  result: z.enum(SIGN_IN_RESULTS).optional(),
  method: z.enum(SIGN_IN_METHODS).optional(),
  ...TimeRange,
});
export type SignInFilter = z.infer<typeof SignInFilter>;

export const SignInListQuery = SignInFilter.extend({ cursor: Cursor.optional(), limit: PageLimit });
export type SignInListQuery = z.input<typeof SignInListQuery>;

export const SignInEventView = z.object({
  id: z.string(),
  occurredAt: z.string(),
  userId: z.string().nullable(),
  email: z.string().nullable(),
  result: z.enum(SIGN_IN_RESULTS),
  reason: z.string().nullable(),
  method: z.enum(SIGN_IN_METHODS),
  connectionId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type SignInEventView = z.infer<typeof SignInEventView>;

export const SignInPage = pageOf(SignInEventView);
export type SignInPage = z.infer<typeof SignInPage>;

export const SignInExportQuery = SignInFilter;
export type SignInExportQuery = z.infer<typeof SignInExportQuery>;

/** Days are UTC calendar days; the range is at most a year. */
export const SignInsPerDayQuery = z.object({ from: Instant, to: Instant });
export type SignInsPerDayQuery = z.infer<typeof SignInsPerDayQuery>;
export const SignInsPerDay = z.object({
  days: z.array(z.object({ day: z.string(), success: z.number().int(), failure: z.number().int() })),
});
export type SignInsPerDay = z.infer<typeof SignInsPerDay>;

// ---- provisioning log ----

/** `2xx`, `4xx`, `5xx`: how a SCIM request ended. */
export const STATUS_CLASSES = ['2xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

export const ProvisioningLogFilter = z.object({
  status: z.enum(STATUS_CLASSES).optional(),
  resourceId: z.string().trim().min(1).max(64).optional(),
  ...TimeRange,
});
export type ProvisioningLogFilter = z.infer<typeof ProvisioningLogFilter>;

export const ProvisioningLogQuery = ProvisioningLogFilter.extend({
  cursor: Cursor.optional(),
  limit: PageLimit,
});
export type ProvisioningLogQuery = z.input<typeof ProvisioningLogQuery>;

export const ProvisioningLogEntryView = z.object({
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
export type ProvisioningLogEntryView = z.infer<typeof ProvisioningLogEntryView>;

export const ProvisioningLogPage = pageOf(ProvisioningLogEntryView);
export type ProvisioningLogPage = z.infer<typeof ProvisioningLogPage>;
