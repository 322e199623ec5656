import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_PROVISIONING_LOG,
  DEFAULT_SCIM_RATE_LIMIT,
  DEFAULT_SQLITE_PATH,
  dialectOf,
} from '@gatehouse/domain';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What Express accepts for 'trust proxy': a boolean, a hop count, or addresses/CIDRs/names. */
export type TrustProxy = boolean | number | string[];

export interface Config {
  port: number;
  host: string;
  /** `undefined` means the SQLite file at the domain's DEFAULT_SQLITE_PATH. */
  databaseUrl: string | undefined;
  /** The origin users and IdPs reach us at, without a trailing slash. */
  publicUrl: string;
  trustProxy: TrustProxy;
  logLevel: LogLevel;
  bodyLimit: string;
  /** The built admin SPA; it may not exist (the SPA is built separately). */
  adminDistDir: string;
  /** `smtp://` or `smtps://` relay for mail; without it mail stays in the outbox table (logged). */
  smtpUrl: string | undefined;
  /** Fixed-window budgets on every /auth endpoint, shared by all replicas through the database. */
  authRateLimit: AuthRateLimit;
  /**
   * Whether tenant-supplied URLs (SSO issuers, audit webhook receivers) may reach private, loopback
   * and link-local addresses (http/outbound.ts). `OUTBOUND_ALLOW_PRIVATE`; by default only where the
   * gateway itself is on loopback, a local install with its IdP and receivers on the same machine.
   */
  outboundAllowPrivate: boolean;
  /** SCIM (issue 4): the per-token request budget and how long the provisioning log keeps entries. */
  scim: ScimSettings;
}

export interface ScimSettings {
  /** Requests per token per minute, shared by all replicas; deprovisioning is never counted out. */
  rateLimitPerMinute: number;
  logRetentionDays: number;
}

/** The domain's defaults: far above the pace of an IdP's provisioning cycle; a month of sync history. */
export const DEFAULT_SCIM_SETTINGS: ScimSettings = {
  rateLimitPerMinute: (DEFAULT_SCIM_RATE_LIMIT.limit * 60) / DEFAULT_SCIM_RATE_LIMIT.windowSeconds,
  logRetentionDays: DEFAULT_PROVISIONING_LOG.retentionDays,
};

export interface AuthRateLimit {
  windowSeconds: number;
  /** Requests per client address per window. */
  perIp: number;
  /** Requests naming one email address per window. */
  perEmail: number;
}

/** Generous enough for an office behind one NAT address; low enough to stop guessing. */
export const DEFAULT_AUTH_RATE_LIMIT: AuthRateLimit = { windowSeconds: 15 * 60, perIp: 1000, perEmail: 30 };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

// From src/config.ts (tests) and dist/config.js (production) alike, this is apps/admin/dist.
const ADMIN_DIST_DIR = fileURLToPath(new URL('../../admin/dist', import.meta.url));

// proxy-addr's named ranges (https://expressjs.com/en/guide/behind-proxies.html).
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const Port = z.preprocess(
  blankToUndefined,
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(3000),
);

const TrustProxyValue = z.preprocess(
  blankToUndefined,
  z
    .string()
    .optional()
    .transform((raw, ctx): TrustProxy => {
      if (raw === undefined || raw === 'false') return false;
      if (raw === 'true') return true;
      if (/^\d+$/.test(raw)) return Number(raw);
      const entries = raw.split(',').map((s) => s.trim());
      const bad = entries.filter((e) => !isProxyEntry(e));
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `expected true, false, a hop count, or a comma list of addresses/CIDRs (bad: ${bad.join(', ')})`,
        });
        return z.NEVER;
      }
      return entries;
    }),
);

const PositiveInt = (fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .default(fallback),
  );

const Env = z.object({
  PORT: Port,
  HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  DATABASE_URL: z.preprocess(blankToUndefined, z.string().optional()),
  PUBLIC_URL: z.preprocess(
    blankToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  ),
  TRUST_PROXY: TrustProxyValue,
  LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(LOG_LEVELS).default('info')),
  SMTP_URL: z.preprocess(
    blankToUndefined,
    z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  ),
  OUTBOUND_ALLOW_PRIVATE: z.preprocess(
    blankToUndefined,
    z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  ),
  AUTH_RATE_LIMIT_WINDOW_SECONDS: PositiveInt(DEFAULT_AUTH_RATE_LIMIT.windowSeconds),
  AUTH_RATE_LIMIT_PER_IP: PositiveInt(DEFAULT_AUTH_RATE_LIMIT.perIp),
  AUTH_RATE_LIMIT_PER_EMAIL: PositiveInt(DEFAULT_AUTH_RATE_LIMIT.perEmail),
  SCIM_RATE_LIMIT_PER_MINUTE: PositiveInt(DEFAULT_SCIM_SETTINGS.rateLimitPerMinute),
  SCIM_LOG_RETENTION_DAYS: PositiveInt(DEFAULT_SCIM_SETTINGS.logRetentionDays),
});

/** Reads and validates the environment; throws `ConfigError` naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const publicUrl = e.PUBLIC_URL ?? `http://${hostForUrl(e.HOST)}:${e.PORT}`;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    publicUrl,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    bodyLimit: '1mb',
    adminDistDir: ADMIN_DIST_DIR,
    smtpUrl: e.SMTP_URL,
    authRateLimit: {
      windowSeconds: e.AUTH_RATE_LIMIT_WINDOW_SECONDS,
      perIp: e.AUTH_RATE_LIMIT_PER_IP,
      perEmail: e.AUTH_RATE_LIMIT_PER_EMAIL,
    },
    outboundAllowPrivate:
      e.OUTBOUND_ALLOW_PRIVATE === undefined
        ? isLoopbackHost(new URL(publicUrl).hostname)
        : e.OUTBOUND_ALLOW_PRIVATE === 'true',
    scim: { rateLimitPerMinute: e.SCIM_RATE_LIMIT_PER_MINUTE, logRetentionDays: e.SCIM_LOG_RETENTION_DAYS },
  };
}

/** `localhost`, 127.0.0.0/8 or ::1: a gateway only this machine reaches. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** `sqlite <absolute path>` or `postgres <url without password>`, for logs. */
export function describeDatabase(url: string | undefined): string {
  if (dialectOf(url) === 'sqlite') {
    // Mirrors how createDatabase() resolves the path, so the log names the file actually opened.
    return `sqlite ${resolve((url ?? DEFAULT_SQLITE_PATH).replace(/^sqlite:(\/\/)?/, ''))}`;
  }
  return `postgres ${redactUrl(url ?? '')}`;
}

function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    return u.toString();
  } catch {
    return '(unparsable url)';
  }
}

/**
 * The addresses an OIDC provider must have registered for this gateway: where it sends the browser
 * back after a sign-in (the redirect URI), and after a sign-out that Gatehouse started (the
 * post-logout redirect URI: the sign-in page).
 */
export function ssoRedirectUris(config: Pick<Config, 'publicUrl'>): {
  redirectUri: string;
  postLogoutRedirectUri: string;
} {
  return {
    redirectUri: `${config.publicUrl}/auth/callback`,
    postLogoutRedirectUri: `${config.publicUrl}/sign-in`,
  };
}

export function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (version === 4 && isIP(prefix) === 4) return true; // netmask form, 10.0.0.0/255.0.0.0
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (version === 4 ? 32 : 128);
}
