// Whether an address falls inside an allowlist entry, to warn an owner before they lock themselves out
// (issue 5). The gateway decides; this only predicts its answer for the warning.

function v4(address: string): bigint | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function v6(address: string): bigint | null {
  let text = address.toLowerCase();
  const mapped = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (mapped) {
    const tail = v4(mapped[2]!);
    if (tail === null) return null;
    text = `${mapped[1]}${(tail >> 16n).toString(16)}:${(tail & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

function parse(address: string): { bits: 32 | 128; value: bigint } | null {
  const a = v4(address);
  if (a !== null) return { bits: 32, value: a };
  const b = v6(address);
  return b === null ? null : { bits: 128, value: b };
}

/** A single address or a CIDR range, IPv4 or IPv6. */
export function isValidEntry(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.trim().split('/');
  const parsed = parse(address);
  if (!parsed || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= parsed.bits;
}

export function entryContains(entry: string, address: string): boolean {
  const [base = '', prefix] = entry.trim().split('/');
  const range = parse(base);
  let ip = parse(address);
  if (!range || !ip) return false;
  // An IPv4-mapped IPv6 client address (::ffff:a.b.c.d) is matched against IPv4 entries.
  if (range.bits === 32 && ip.bits === 128 && ip.value >> 32n === 0xffffn)
    ip = { bits: 32, value: ip.value & 0xffffffffn };
  if (range.bits !== ip.bits) return false;
  const length = BigInt(prefix === undefined ? range.bits : Number(prefix));
  const shift = BigInt(range.bits) - length;
  return range.value >> shift === ip.value >> shift;
}

/** An empty list admits everyone (issue 5); otherwise the address must fall in an entry. */
export function listAdmits(entries: readonly string[], address: string | null): boolean {
  if (entries.length === 0 || address === null) return true;
  return entries.some((e) => entryContains(e, address));
}
