import {
  createCipheriv,
  createDecipheriv,
  hash,
  randomBytes,
  randomFillSync,
  timingSafeEqual,
} from 'node:crypto';
import { InvalidInput } from './errors.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
// Random bits are drawn a page at a time, as randomUUID does: one getrandom per 256 ids, not per id.
const pool = Buffer.alloc(16 * 256);
let poolAt = pool.length;

/**
 * A row id: a UUIDv7 (RFC 9562 §5.7), 48 bits of Unix milliseconds, a 12-bit counter, then 62 random
 * bits. Rows written together get neighbouring keys, so a batch of inserts (a sync's users, their group
 * memberships, the audit and provisioning-log records) appends to the end of each index instead of
 * dirtying a random page per row. Ids made in one millisecond count up from a random start (§6.2
 * method 1), so they sort in the order they were made: the audit log, newest first by (time, id),
 * listed a group's deletion after the role changes it caused when both fell in one millisecond. The
 * time it carries is no secret: every resource shows its creation time anyway.
 */
const sequence = { ms: 0, count: 0 };

export function newId(): string {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const b = pool.subarray(poolAt, poolAt + 16);
  poolAt += 16;
  const ms = Date.now();
  // A new millisecond (or a clock set back) starts from a random count below 2048, leaving room for at
  // least 2048 more ids in the same millisecond before the count would wrap (then it starts afresh).
  if (ms !== sequence.ms || sequence.count >= 0xfff) {
    sequence.ms = ms;
    sequence.count = (((b[6] ?? 0) << 8) | (b[7] ?? 0)) & 0x7ff;
  } else {
    sequence.count += 1;
  }
  b[0] = Math.floor(ms / 2 ** 40) & 0xff;
  b[1] = Math.floor(ms / 2 ** 32) & 0xff;
  b[2] = (ms >>> 24) & 0xff;
  b[3] = (ms >>> 16) & 0xff;
  b[4] = (ms >>> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = (sequence.count >>> 8) | 0x70; // version 7, then the count's high four bits
  b[7] = sequence.count & 0xff;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const h = (i: number) => HEX[b[i] ?? 0] ?? '00';
  return (
    `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-` +
    `${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`
  );
}

/** A bearer secret (SCIM token, session id, invitation link): 256 random bits, URL-safe. */
export function randomToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * Secrets we issue carry 256 bits of entropy, so a fast hash is enough to make a stolen
 * database useless (no dictionary to try); lookups stay one indexed equality.
 */
export const sha256Hex = (value: string): string => hash('sha256', value, 'hex');

/** Compares two strings without leaking where they differ through timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = hash('sha256', a, 'buffer');
  const hb = hash('sha256', b, 'buffer');
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** AES-256-GCM with the instance key for secrets we must read back (IdP client secrets, API keys). */
export class SecretBox {
  private readonly key: Buffer;
  constructor(key: Buffer) {
    if (key.length !== 32)
      throw new InvalidInput('secret_key.length', 'The encryption key must be 32 bytes.');
    this.key = key;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      'v1',
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unrecognised sealed secret.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}
