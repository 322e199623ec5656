import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, otpauthUrl, totpAt, verifyTotp } from '../src/services/totp.js';

// RFC 6238 Appendix B (SHA-1 key "12345678901234567890"), read as 6 digits: the last six of the 8-digit values.
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890'));
const VECTORS: Array<[number, string]> = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
  [20000000000, '353130'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(VECTORS)('at %i s the code is %s', (seconds, code) => {
    expect(totpAt(RFC_SECRET, new Date(seconds * 1000))).toBe(code);
  });

  it('HOTP matches RFC 4226 Appendix D', () => {
    const secret = Buffer.from('12345678901234567890');
    expect([0, 1, 2, 9].map((c) => hotp(secret, c))).toEqual(['755224', '287082', '359152', '520489']);
  });

  it('accepts one step of drift either way, and says which step matched', () => {
    const at = new Date(1_700_000_000_000);
    const step = Math.floor(at.getTime() / 30_000);
    expect(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, at), at)).toBe(step);
    expect(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, new Date(at.getTime() - 30_000)), at)).toBe(step - 1);
    expect(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, new Date(at.getTime() + 30_000)), at)).toBe(step + 1);
    expect(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, new Date(at.getTime() - 90_000)), at)).toBeNull();
    expect(verifyTotp(RFC_SECRET, '12345', at)).toBeNull();
    expect(verifyTotp(RFC_SECRET, 'abcdef', at)).toBeNull();
  });

  it('base32 round-trips', () => {
    for (const len of [0, 1, 5, 10, 20, 33]) {
      const bytes = Buffer.from(Array.from({ length: len }, (_, i) => (i * 37) % 256));
      expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    }
  });

  it('the provisioning URI names issuer and account', () => {
    expect(otpauthUrl('ABC', 'ada@example.com (acme)', 'Gatehouse')).toBe(
      'otpauth://totp/Gatehouse%3Aada%40example.com%20(acme)?secret=ABC&issuer=Gatehouse&algorithm=SHA1&digits=6&period=30',
    );
  });
});
