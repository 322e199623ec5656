import { z } from 'zod';
import { FEATURE_FLAGS } from './enums.js';
import { Email } from './inputs.js';

// Tenant-wide configuration (seed 000 "Configuration and customization"): feature flags, AI
// providers and models, branding. Viewing is `settings:view` (owners and managers); editing is owner-only.

// ---- feature flags ----

const flagShape = Object.fromEntries(FEATURE_FLAGS.map((key) => [key, z.boolean()])) as Record<
  (typeof FEATURE_FLAGS)[number],
  z.ZodBoolean
>;

export const FeatureFlagsView = z.object({ flags: z.object(flagShape) });
export type FeatureFlagsView = z.infer<typeof FeatureFlagsView>;

/** Only the flags named change; an unknown flag is an error, not ignored. */
export const FeatureFlagsBody = z.object({ flags: z.object(flagShape).partial().strict() });
export type FeatureFlagsBody = z.infer<typeof FeatureFlagsBody>;

// ---- AI providers and models ----

export const AI_PROVIDERS = [
  'openai',
  'anthropic',
  'azure_openai',
  'google',
  'aws_bedrock',
  'mistral',
] as const;
export type AiProvider = (typeof AI_PROVIDERS)[number];

const ModelName = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, 'Use the provider’s model identifier, e.g. gpt-4o.');

export const AiProviderInput = z.object({
  provider: z.enum(AI_PROVIDERS),
  enabled: z.boolean(),
  allowedModels: z.array(ModelName).max(100).default([]),
  /** Write-only. Omitted: keep the stored key; null: remove it; a string: replace it. */
  apiKey: z.string().min(1).max(4096).nullable().optional(),
});
export type AiProviderInput = z.input<typeof AiProviderInput>;

/** The providers named are set; providers not named keep their settings. */
export const AiProvidersBody = z.object({ providers: z.array(AiProviderInput).max(AI_PROVIDERS.length) });
export type AiProvidersBody = z.input<typeof AiProvidersBody>;

export const AiProviderView = z.object({
  provider: z.enum(AI_PROVIDERS),
  enabled: z.boolean(),
  allowedModels: z.array(z.string()),
  /** Whether a key is stored; the key is never returned. */
  apiKeySet: z.boolean(),
  updatedAt: z.string().nullable(),
});
export type AiProviderView = z.infer<typeof AiProviderView>;

export const AiProvidersView = z.object({ providers: z.array(AiProviderView) });
export type AiProvidersView = z.infer<typeof AiProvidersView>;

// ---- branding ----

/** Goes into a From: header: one line only. */
const SenderName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\r\n<>"]*$/, 'Use one line without quotes or angle brackets.');

export const BrandingBody = z.object({
  senderEmail: Email.nullable(),
  senderName: SenderName.nullable(),
  /** Plain text shown on the sign-in page. */
  loginNotice: z.string().trim().max(2000).nullable(),
});
export type BrandingBody = z.infer<typeof BrandingBody>;

export const BrandingView = BrandingBody.extend({ updatedAt: z.string().nullable() });
export type BrandingView = z.infer<typeof BrandingView>;
