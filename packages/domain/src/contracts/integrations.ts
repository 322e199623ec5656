import { z } from 'zod';

// Integration settings (seed 000 "Integration settings"): the audit webhook streams every audit event,
// HMAC-signed (`X-Gatehouse-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`).

export const AuditWebhookBody = z.object({
  url: z.url({ protocol: /^https?$/, message: 'Enter the receiver’s URL (https://…).' }).max(2048),
  enabled: z.boolean(),
  /** Issue a new signing secret (shown once in the response). The first save always issues one. */
  rotateSecret: z.boolean().default(false),
});
export type AuditWebhookBody = z.input<typeof AuditWebhookBody>;

export const WebhookDeliveryStats = z.object({
  pending: z.number().int(),
  delivered: z.number().int(),
  failed: z.number().int(),
  lastDeliveredAt: z.string().nullable(),
  lastError: z.string().nullable(),
});
export type WebhookDeliveryStats = z.infer<typeof WebhookDeliveryStats>;

export const AuditWebhookView = z.object({
  configured: z.boolean(),
  url: z.string().nullable(),
  enabled: z.boolean(),
  secretSet: z.boolean(),
  updatedAt: z.string().nullable(),
  deliveries: WebhookDeliveryStats,
});
export type AuditWebhookView = z.infer<typeof AuditWebhookView>;

export const SavedAuditWebhook = AuditWebhookView.extend({
  /** The signing secret, when this save issued one; shown once. */
  secret: z.string().nullable(),
});
export type SavedAuditWebhook = z.infer<typeof SavedAuditWebhook>;

export const WebhookTestResult = z.object({
  delivered: z.boolean(),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
});
export type WebhookTestResult = z.infer<typeof WebhookTestResult>;
