import { isIP } from 'node:net';

// IP addresses and CIDR ranges as integers, for egress rules (and anything else that asks "is this
// address inside that range?"). IPv4 is 32 bits, IPv6 128; an IPv4-mapped IPv6 address
// (`::ffff:10.0.0.1`) is read as the IPv4 address it carries, so a rule about 10.0.0.0/8 cannot be
// stepped around by writing the same address in IPv6 form.

export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

export interface IpRange {
  version: 4 | 6;
  /** The first address of the range (host bits cleared). */
  network: bigint;
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

/** Parses an IPv4 or IPv6 literal (IPv6 with or without brackets, no zone); null when it is not one. */
export function parseIp(text: string): IpAddress | null {
  const literal = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const version = isIP(literal);
  if (version === 4) return { version: 4, value: parseV4(literal) };
  if (version !== 6 || literal.includes('%')) return null;
  const value = parseV6(literal);
  // ::ffff:a.b.c.d is the IPv4 address a.b.c.d (RFC 4291 §2.5.5.2)
  if (value >> 32n === 0xffffn) return { version: 4, value: value & 0xffffffffn };
  return { version: 6, value };
}

/** Parses `address/prefix` or a bare address (a range of one); null when malformed. */
export function parseCidr(text: string): IpRange | null {
  const slash = text.indexOf('/');
  const address = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!address) return null;
  const fromV6Mapped = isIP(text.slice(0, slash === -1 ? undefined : slash)) === 6 && address.version === 4;
  const bits = BITS[address.version];
  let prefix = bits;
  if (slash !== -1) {
    const raw = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(raw)) return null;
    prefix = Number(raw) - (fromV6Mapped ? 96 : 0);
    if (prefix < 0 || prefix > bits) return null;
  }
  return { version: address.version, network: address.value & mask(address.version, prefix), prefix };
}

export function rangeContains(range: IpRange, address: IpAddress): boolean {
  return (
    range.version === address.version && (address.value & mask(range.version, range.prefix)) === range.network
  );
}

/** `10.0.0.0/8`, `2001:db8::/32`; a single address without its prefix. */
export function formatRange(range: IpRange): string {
  const address = formatIp({ version: range.version, value: range.network });
  return range.prefix === BITS[range.version] ? address : `${address}/${range.prefix}`;
}

/** Dotted quad, or RFC 5952 text (lower case, the longest run of zero groups compressed). */
export function formatIp(address: IpAddress): string {
  if (address.version === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) =>
    Number((address.value >> BigInt(112 - 16 * i)) & 0xffffn),
  );
  const [start, length] = longestZeroRun(groups);
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (length < 2) return hex(groups);
  return `${hex(groups.slice(0, start))}::${hex(groups.slice(start + length))}`;
}

function mask(version: 4 | 6, prefix: number): bigint {
  const bits = BigInt(BITS[version]);
  const all = (1n << bits) - 1n;
  return (all << (bits - BigInt(prefix))) & all;
}

function parseV4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** Expects a literal `isIP` accepted: at most one `::`, an optional dotted IPv4 tail. */
function parseV6(text: string): bigint {
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  // a dotted IPv4 tail is the last two 16-bit groups
  const body = last.includes('.')
    ? `${text.slice(0, lastColon + 1)}${(parseV4(last) >> 16n).toString(16)}:${(parseV4(last) & 0xffffn).toString(16)}`
    : text;
  const [head = '', rest] = body.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const zeros = Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right].reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function longestZeroRun(groups: number[]): [number, number] {
  let best: [number, number] = [0, 0];
  let start = -1;
  for (let i = 0; i <= groups.length; i++) {
    if (i < groups.length && groups[i] === 0) {
      if (start === -1) start = i;
      continue;
    }
    if (start !== -1 && i - start > best[1]) best = [start, i - start];
    start = -1;
  }
  return best;
}
