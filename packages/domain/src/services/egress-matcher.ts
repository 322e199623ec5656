import type { EgressEffect } from '../contracts/enums.js';
import { InvalidInput } from '../errors.js';
import { formatRange, parseCidr, parseIp, rangeContains, type IpRange } from './egress-ip.js';

// Action egress rules (seed 000 "action egress controls … that determine what can happen within your
// tenant"): which hosts, ports and schemes a workflow action may reach. The decision, documented:
//  - rules are evaluated in their saved order and the FIRST rule that matches decides;
//  - no rules at all: every URL is allowed (egress control is opt-in);
//  - rules exist but none matches: allowed when the list has only deny rules (a blocklist), denied as
//    soon as it has an allow rule (an allowlist means "only these").
// Host patterns: `example.com` (that host only), `*.example.com` (any subdomain, at any depth, not the
// bare domain), an IP address, or a CIDR range. Names are compared case-insensitively without a trailing
// dot; IP rules match IP literals only — this answers for the URL as written, and the runtime must
// check the address it actually connects to as well (DNS can point a name anywhere).

export interface EgressRuleLike {
  effect: EgressEffect;
  host: string;
  ports: readonly number[];
  schemes: readonly string[];
}

type HostPattern =
  { kind: 'name'; name: string } | { kind: 'wildcard'; suffix: string } | { kind: 'range'; range: IpRange };

export interface EgressTarget {
  scheme: string;
  /** Lower-case name without trailing dot, or the IP literal without brackets. */
  host: string;
  /** Explicit or the scheme's default; null when the scheme has none we know. */
  port: number | null;
}

export interface EgressDecision<R> {
  allowed: boolean;
  rule: R | null;
}

const LABEL = '(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)';
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443, ftp: 21 };

/** The canonical text of a host pattern, or InvalidInput saying what a valid one looks like. */
export function normalizeHostPattern(raw: string): string {
  const pattern = parseHostPattern(raw);
  if (!pattern) {
    throw new InvalidInput(
      'egress.invalid_host',
      `"${raw}" is not a host, *.domain wildcard, IP address or CIDR range.`,
    );
  }
  if (pattern.kind === 'name') return pattern.name;
  if (pattern.kind === 'wildcard') return `*.${pattern.suffix}`;
  return formatRange(pattern.range);
}

function parseHostPattern(raw: string): HostPattern | null {
  const text = raw.trim().toLowerCase();
  const range = parseCidr(text);
  if (range) return { kind: 'range', range };
  if (text.includes('/')) return null;
  const name = text.replace(/\.$/, '');
  if (name.startsWith('*.')) {
    const suffix = name.slice(2);
    return isHostName(suffix) ? { kind: 'wildcard', suffix } : null;
  }
  return isHostName(name) ? { kind: 'name', name } : null;
}

function isHostName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && HOST_NAME.test(name) && !/^[\d.]+$/.test(name);
}

/** What a URL reaches, or InvalidInput when it is not an absolute URL with a host. */
export function egressTarget(url: string): EgressTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInput(
      'egress.invalid_url',
      'Enter an absolute URL such as https://api.example.com/path.',
    );
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  const hostname = parsed.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (hostname === '') throw new InvalidInput('egress.invalid_url', 'The URL has no host.');
  const port = parsed.port === '' ? (DEFAULT_PORTS[scheme] ?? null) : Number(parsed.port);
  return { scheme, host: hostname.toLowerCase(), port };
}

/** First matching rule decides; see the header for what happens when none does. */
export function evaluateEgress<R extends EgressRuleLike>(
  rules: readonly R[],
  target: EgressTarget,
): EgressDecision<R> {
  for (const rule of rules) {
    if (ruleMatches(rule, target)) return { allowed: rule.effect === 'allow', rule };
  }
  return { allowed: !rules.some((rule) => rule.effect === 'allow'), rule: null };
}

export function ruleMatches(rule: EgressRuleLike, target: EgressTarget): boolean {
  if (rule.schemes.length > 0 && !rule.schemes.includes(target.scheme)) return false;
  if (rule.ports.length > 0 && (target.port === null || !rule.ports.includes(target.port))) return false;
  const pattern = parseHostPattern(rule.host);
  return pattern !== null && hostMatches(pattern, target.host);
}

function hostMatches(pattern: HostPattern, host: string): boolean {
  if (pattern.kind === 'range') {
    const address = parseIp(host);
    return address !== null && rangeContains(pattern.range, address);
  }
  if (parseIp(host)) return false;
  if (pattern.kind === 'name') return host === pattern.name;
  return host.endsWith(`.${pattern.suffix}`);
}
