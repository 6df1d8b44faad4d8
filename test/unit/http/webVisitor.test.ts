/**
 * The network a web client is limited by: IPv4 addresses as they are, IPv6
 * ones by their /64 (a phone or household holds a whole /64 and could take a
 * new address for every request), IPv4-mapped IPv6 as the IPv4 address.
 */
import { describe, expect, it } from 'vitest';
import { networkKey } from '../../../src/http/webVisitor.js';

describe('networkKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0000:0000:0000:0009', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['not-an-address', 'not-an-address'],
  ])('%s → %s', (address, key) => {
    expect(networkKey(address)).toBe(key);
  });

  it('gives every address of one /64 the same key', () => {
    const keys = new Set(Array.from({ length: 50 }, (_, i) => networkKey(`2001:db8:aa:bb:${i.toString(16)}::${i}`)));
    expect([...keys]).toEqual(['2001:db8:aa:bb::/64']);
  });
});
