import { describe, expect, it } from 'vitest';
import { cidrContains, classifyAddress, parseAddress, parseCidr, parseIPv6 } from './address.js';

const classOf = (text: string) => {
  const parsed = parseAddress(text);
  if (!parsed) throw new Error(`not an address: ${text}`);
  return classifyAddress(parsed);
};

describe('address classes', () => {
  it('IPv4: loopback, private (RFC 1918 and CGNAT), link-local metadata, and their public neighbours', () => {
    expect(
      ['127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1'].map(
        classOf,
      ),
    ).toEqual(['loopback', 'loopback', 'private', 'private', 'private', 'private', 'private']);
    expect(['169.254.169.254', '169.254.0.1'].map(classOf)).toEqual(['link_local', 'link_local']);
    expect(['172.32.0.1', '172.15.255.255', '100.128.0.1', '11.0.0.1', '8.8.8.8', '192.169.0.1'].map(classOf)).toEqual([
      'public',
      'public',
      'public',
      'public',
      'public',
      'public',
    ]);
  });

  it('IPv4: unspecified, multicast, broadcast and reserved blocks', () => {
    expect(
      ['0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250', '255.255.255.255', '198.18.0.1'].map(classOf),
    ).toEqual(['unspecified', 'unspecified', 'multicast', 'multicast', 'reserved', 'reserved']);
  });

  it('IPv6: loopback, unspecified, unique-local, link-local (with a zone), multicast, public', () => {
    expect(
      ['::1', '::', 'fd00::1', 'fc00::', 'fe80::1%eth0', '[fe80::1]', 'ff02::1', '2606:4700::1111'].map(classOf),
    ).toEqual(['loopback', 'unspecified', 'private', 'private', 'link_local', 'link_local', 'multicast', 'public']);
  });

  it('IPv6 forms carrying an IPv4 address are judged by that address', () => {
    expect(
      [
        '::ffff:127.0.0.1',
        '::ffff:7f00:1',
        '::ffff:169.254.169.254',
        '::ffff:10.0.0.1',
        '::127.0.0.1',
        '64:ff9b::a00:1',
        '2002:7f00:1::',
        '::ffff:8.8.8.8',
      ].map(classOf),
    ).toEqual(['loopback', 'loopback', 'link_local', 'private', 'loopback', 'private', 'loopback', 'public']);
  });

  it('parses every IPv6 spelling of one address to the same value, and rejects non-addresses', () => {
    const full = parseIPv6('0:0:0:0:0:ffff:7f00:1');
    expect(full).toBe(0xffff7f000001n);
    expect(parseIPv6('::ffff:127.0.0.1')).toBe(full);
    expect(parseIPv6('::FFFF:7F00:0001')).toBe(full);
    expect(parseIPv6('1:2:3:4:5:6:1.2.3.4')).toBe(0x0001000200030004000500060102_0304n);
    expect(parseIPv6('1::')).toBe(1n << 112n);
    expect(parseAddress('example.com')).toBeUndefined();
    expect(parseAddress('1.2.3')).toBeUndefined();
    expect(parseAddress('::ffff:999.0.0.1')).toBeUndefined();
  });
});

describe('CIDR blocks', () => {
  it('parses blocks and bare addresses, rejects bad prefixes', () => {
    expect(parseCidr('10.0.0.0/8')).toMatchObject({ family: 4, prefix: 8 });
    expect(parseCidr('169.254.169.254')).toMatchObject({ family: 4, prefix: 32 });
    expect(parseCidr('fd00::/8')).toMatchObject({ family: 6, prefix: 8 });
    expect(['10.0.0.0/33', '::/129', 'ten/8', '10.0.0.0/', '10.0.0.0/-1'].map(parseCidr)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('an IPv4 block also covers the IPv4-mapped IPv6 form of its addresses', () => {
    const block = parseCidr('10.20.0.0/16');
    if (!block) throw new Error('unparsed');
    const inside = parseAddress('10.20.3.4');
    const mapped = parseAddress('::ffff:10.20.3.4');
    const outside = parseAddress('10.21.0.1');
    if (!inside || !mapped || !outside) throw new Error('unparsed');
    expect([cidrContains(block, inside), cidrContains(block, mapped), cidrContains(block, outside)]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
