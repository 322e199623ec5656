import { describe, expect, it } from 'vitest';
import { entryContains, isValidEntry, listAdmits } from './ip-match';

describe('IP allowlist lock-out prediction', () => {
  it.each([
    ['203.0.113.0/24', '203.0.113.7', true],
    ['203.0.113.0/24', '203.0.114.7', false],
    ['203.0.113.7', '203.0.113.7', true],
    ['10.0.0.0/8', '::ffff:10.1.2.3', true],
    ['2001:db8::/32', '2001:db8:1::5', true],
    ['2001:db8::/32', '2001:db9::5', false],
    ['::1', '::1', true],
    ['0.0.0.0/0', '198.51.100.1', true],
  ])('%s contains %s → %s', (entry, address, expected) => {
    expect(entryContains(entry, address)).toBe(expected);
  });

  it('accepts addresses and CIDR ranges and refuses anything else', () => {
    expect(['10.0.0.0/8', '2001:db8::/48', '192.168.1.1', '::1'].every(isValidEntry)).toBe(true);
    expect(['10.0.0.0/33', '300.1.1.1', 'example.com', '10.0.0.0/8/1', ''].some(isValidEntry)).toBe(false);
  });

  it('an empty list admits everyone; a list without your address does not admit you', () => {
    expect(listAdmits([], '198.51.100.1')).toBe(true);
    expect(listAdmits(['203.0.113.0/24'], '198.51.100.1')).toBe(false);
  });
});
