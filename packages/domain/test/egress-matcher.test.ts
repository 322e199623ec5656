import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../src/errors.js';
import { formatIp, formatRange, parseCidr, parseIp } from '../src/services/egress-ip.js';
import {
  egressTarget,
  evaluateEgress,
  normalizeHostPattern,
  type EgressRuleLike,
} from '../src/services/egress-matcher.js';

// `xn--` opens a punycode label, which the URL parser validates and mostly refuses: not a plain name.
const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/).filter((l) => !l.startsWith('xn--'));
const domain = fc.array(label, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.'));
const ipv4 = fc.ipV4();
const scheme = fc.constantFrom('http', 'https');
const port = fc.integer({ min: 1, max: 65535 });
const effect = fc.constantFrom('allow' as const, 'deny' as const);

const rule = (host: string, overrides: Partial<EgressRuleLike> = {}): EgressRuleLike => ({
  effect: 'allow',
  host,
  ports: [],
  schemes: [],
  ...overrides,
});

const anyRule: fc.Arbitrary<EgressRuleLike> = fc.record({
  effect,
  host: fc.oneof(
    domain,
    domain.map((d) => `*.${d}`),
    ipv4,
    ipv4.map((ip) => `${ip}/16`),
  ),
  ports: fc.array(port, { maxLength: 2 }),
  schemes: fc.array(scheme, { maxLength: 1 }),
});

const decide = (rules: EgressRuleLike[], url: string) => evaluateEgress(rules, egressTarget(url));

describe('egress decisions', () => {
  it('allows every URL when the tenant has no rules', () => {
    fc.assert(
      fc.property(scheme, fc.oneof(domain, ipv4), (s, host) => {
        expect(decide([], `${s}://${host}/x`)).toEqual({ allowed: true, rule: null });
      }),
    );
  });

  it('lets the first matching rule decide, whatever follows it', () => {
    fc.assert(
      fc.property(domain, effect, fc.array(anyRule, { maxLength: 6 }), (host, first, rest) => {
        const winner = rule(host, { effect: first });
        const decision = decide([winner, ...rest], `https://${host}/path`);
        expect(decision.rule).toBe(winner);
        expect(decision.allowed).toBe(first === 'allow');
      }),
    );
  });

  it('skips rules that do not match and lets a later matching one decide', () => {
    fc.assert(
      fc.property(domain, domain, effect, (host, other, later) => {
        fc.pre(host !== other && !host.endsWith(`.${other}`));
        const decision = decide(
          [rule(other, { effect: 'deny' }), rule(host, { effect: later })],
          `https://${host}/`,
        );
        expect(decision.rule?.host).toBe(host);
        expect(decision.allowed).toBe(later === 'allow');
      }),
    );
  });

  it('when nothing matches: allows under a deny-only list, denies once the list has an allow rule', () => {
    fc.assert(
      fc.property(domain, fc.array(domain, { minLength: 1, maxLength: 4 }), (host, others) => {
        fc.pre(others.every((o) => o !== host && !host.endsWith(`.${o}`)));
        const denies = others.map((o) => rule(o, { effect: 'deny' }));
        expect(decide(denies, `https://${host}/`)).toEqual({ allowed: true, rule: null });
        const withAllow = [...denies, rule(others[0] ?? 'x.test', { effect: 'allow' })];
        expect(decide(withAllow, `https://${host}/`)).toEqual({ allowed: false, rule: null });
      }),
    );
  });

  it('matches an exact host in any letter case and with a trailing dot, never a longer name', () => {
    fc.assert(
      fc.property(domain, label, (host, prefix) => {
        const rules = [rule(host, { effect: 'deny' })];
        expect(decide(rules, `https://${host.toUpperCase()}./`).allowed).toBe(false);
        expect(decide(rules, `https://${prefix}${host}/`).rule).toBeNull();
        expect(decide(rules, `https://${prefix}.${host}/`).rule).toBeNull();
      }),
    );
  });

  it('matches *.domain on subdomains at any depth but not on the domain itself or a look-alike', () => {
    fc.assert(
      fc.property(domain, fc.array(label, { minLength: 1, maxLength: 3 }), label, (d, subs, lookalike) => {
        const rules = [rule(`*.${d}`, { effect: 'deny' })];
        expect(decide(rules, `https://${subs.join('.')}.${d}/`).allowed).toBe(false);
        expect(decide(rules, `https://${d}/`).rule).toBeNull();
        expect(decide(rules, `https://${lookalike}${d}/`).rule).toBeNull();
      }),
    );
  });

  it('matches ports, counting the scheme’s default port when the URL names none', () => {
    fc.assert(
      fc.property(domain, port, (host, p) => {
        const rules = [rule(host, { ports: [p], effect: 'deny' })];
        expect(decide(rules, `https://${host}:${p}/`).rule).not.toBeNull();
        fc.pre(p !== 443 && p !== 80);
        expect(decide(rules, `https://${host}/`).rule).toBeNull();
        expect(decide([rule(host, { ports: [443] })], `https://${host}/`).rule).not.toBeNull();
        expect(decide([rule(host, { ports: [80] })], `http://${host}/`).rule).not.toBeNull();
      }),
    );
  });

  it('matches schemes exactly', () => {
    fc.assert(
      fc.property(domain, (host) => {
        const rules = [rule(host, { schemes: ['https'], effect: 'deny' })];
        expect(decide(rules, `https://${host}/`).rule).not.toBeNull();
        expect(decide(rules, `http://${host}/`).rule).toBeNull();
      }),
    );
  });

  it('matches an IPv4 address inside a CIDR range, and not one outside it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 32 }), (n, prefix) => {
        const address = formatIp({ version: 4, value: BigInt(n) });
        const range = parseCidr(`${address}/${prefix}`);
        if (!range) throw new Error('a formatted address parses');
        const cidr = formatRange(range);
        expect(decide([rule(cidr, { effect: 'deny' })], `http://${address}/`).allowed).toBe(false);
        // flip the last bit inside the prefix: the address leaves the range
        const outside = formatIp({ version: 4, value: BigInt(n) ^ (1n << BigInt(32 - prefix)) });
        expect(decide([rule(cidr, { effect: 'deny' })], `http://${outside}/`).rule).toBeNull();
      }),
    );
  });

  it('treats an IPv4-mapped IPv6 URL as the IPv4 address it carries', () => {
    fc.assert(
      fc.property(ipv4, (ip) => {
        const rules = [rule(`${ip}/32`, { effect: 'deny' })];
        expect(decide(rules, `http://[::ffff:${ip}]/`).allowed).toBe(false);
      }),
    );
  });

  it('never lets a host name rule match an IP literal, nor an IP rule match a name', () => {
    fc.assert(
      fc.property(ipv4, domain, (ip, name) => {
        expect(decide([rule(name)], `http://${ip}/`).rule).toBeNull();
        expect(decide([rule('0.0.0.0/0')], `http://${name}/`).rule).toBeNull();
      }),
    );
  });
});

describe('egress parsing', () => {
  it('turns any string into a target or InvalidInput, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl()), (text) => {
        try {
          const target = egressTarget(text);
          expect(target.host.length).toBeGreaterThan(0);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidInput);
        }
      }),
    );
  });

  it('normalises host patterns idempotently, or refuses them with InvalidInput', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          domain,
          domain.map((d) => `*.${d.toUpperCase()}.`),
          ipv4,
          fc.ipV6(),
        ),
        (text) => {
          let normal: string;
          try {
            normal = normalizeHostPattern(text);
          } catch (err) {
            expect(err).toBeInstanceOf(InvalidInput);
            return;
          }
          expect(normalizeHostPattern(normal)).toBe(normal);
        },
      ),
    );
  });

  it('prints IPv6 addresses in a form that parses back to the same address', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (value) => {
        fc.pre(value >> 32n !== 0xffffn); // IPv4-mapped addresses read back as IPv4 on purpose
        const text = formatIp({ version: 6, value });
        expect(parseIp(text)).toEqual({ version: 6, value });
      }),
    );
  });

  it('clears host bits of a CIDR and keeps single addresses bare', () => {
    expect(normalizeHostPattern('10.1.2.3/8')).toBe('10.0.0.0/8');
    expect(normalizeHostPattern('2001:DB8::1/32')).toBe('2001:db8::/32');
    expect(normalizeHostPattern('192.0.2.1/32')).toBe('192.0.2.1');
    expect(normalizeHostPattern('[::1]')).toBe('::1');
    expect(normalizeHostPattern('*.Example.COM.')).toBe('*.example.com');
    expect(() => normalizeHostPattern('10.0.0.0/33')).toThrow(InvalidInput);
    expect(() => normalizeHostPattern('*.*.example.com')).toThrow(InvalidInput);
    expect(() => normalizeHostPattern('exa mple.com')).toThrow(InvalidInput);
  });
});
