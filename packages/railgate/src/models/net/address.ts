/**
 * What kind of network an IP address belongs to, for the outbound-request guard. IPv4 and IPv6 are both
 * held as bigints so one CIDR table covers them; IPv6 forms that carry an IPv4 address (mapped
 * `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the
 * IPv4 address inside, so `::ffff:127.0.0.1` is loopback like `127.0.0.1`.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** Address classes; only `public` is reachable without an allowance. */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link_local' | 'unspecified' | 'multicast' | 'reserved';

export interface ParsedAddress {
  family: 4 | 6;
  value: bigint;
}

/** A parsed CIDR block (`10.0.0.0/8`, `fd00::/8`; a bare address is a /32 or /128). */
export interface Cidr {
  family: 4 | 6;
  base: bigint;
  prefix: number;
  text: string;
}

const V4_BITS = 32;
const V6_BITS = 128;

export function parseIPv4(text: string): bigint | undefined {
  if (!isIPv4(text)) return undefined;
  let value = 0n;
  for (const part of text.split('.')) value = (value << 8n) | BigInt(Number(part));
  return value;
}

export function parseIPv6(text: string): bigint | undefined {
  const address = text.includes('%') ? text.slice(0, text.indexOf('%')) : text;
  if (!isIPv6(address)) return undefined;
  let body = address;
  const tail: number[] = [];
  const lastColon = address.lastIndexOf(':');
  const last = address.slice(lastColon + 1);
  if (last.includes('.')) {
    // A dotted IPv4 tail stands for the last two groups.
    const v4 = parseIPv4(last);
    if (v4 === undefined) return undefined;
    tail.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    body = address.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const gap = body.indexOf('::');
  const headText = gap < 0 ? body : body.slice(0, gap);
  const restText = gap < 0 ? '' : body.slice(gap + 2);
  const head = headText ? headText.split(':') : [];
  const rest = restText ? restText.split(':') : [];
  const fill = gap < 0 ? 0 : 8 - head.length - rest.length - tail.length;
  if (fill < 0) return undefined;
  const groups = [...head.map(hexGroup), ...new Array<number>(fill).fill(0), ...rest.map(hexGroup), ...tail];
  if (groups.length !== 8) return undefined;
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value;
}

function hexGroup(group: string): number {
  return Number.parseInt(group, 16);
}

/** Parses an IPv4 or IPv6 address (brackets and a zone id allowed); undefined when it is not one. */
export function parseAddress(text: string): ParsedAddress | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const v4 = parseIPv4(bare);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIPv6(bare);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/** Parses `10.0.0.0/8`, `fd00::/8`, or a bare address; undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) return undefined;
  const bits = address.family === 4 ? V4_BITS : V6_BITS;
  const prefixText = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  return { family: address.family, base: maskOf(address.value, bits, prefix), prefix, text };
}

function maskOf(value: bigint, bits: number, prefix: number): bigint {
  const hostBits = BigInt(bits - prefix);
  return (value >> hostBits) << hostBits;
}

export function cidrContains(cidr: Cidr, address: ParsedAddress): boolean {
  const bits = address.family === 4 ? V4_BITS : V6_BITS;
  if (cidr.family === address.family) return maskOf(address.value, bits, cidr.prefix) === cidr.base;
  // An IPv4 block also covers the IPv4-mapped IPv6 form of its addresses, and the other way round.
  const inner = embeddedIPv4(address);
  if (inner !== undefined && cidr.family === 4) return maskOf(inner, V4_BITS, cidr.prefix) === cidr.base;
  return false;
}

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`internal: bad CIDR ${text}`);
  return parsed;
}

/** Special-purpose IPv4 blocks (RFC 6890 and friends); everything else is public. */
const V4_TABLE: ReadonlyArray<[Cidr, AddressClass]> = [
  [cidr('0.0.0.0/8'), 'unspecified'],
  [cidr('10.0.0.0/8'), 'private'],
  [cidr('100.64.0.0/10'), 'private'],
  [cidr('127.0.0.0/8'), 'loopback'],
  [cidr('169.254.0.0/16'), 'link_local'],
  [cidr('172.16.0.0/12'), 'private'],
  [cidr('192.0.0.0/24'), 'reserved'],
  [cidr('192.0.2.0/24'), 'reserved'],
  [cidr('192.168.0.0/16'), 'private'],
  [cidr('198.18.0.0/15'), 'reserved'],
  [cidr('198.51.100.0/24'), 'reserved'],
  [cidr('203.0.113.0/24'), 'reserved'],
  [cidr('224.0.0.0/4'), 'multicast'],
  [cidr('240.0.0.0/4'), 'reserved'],
];

const V6_TABLE: ReadonlyArray<[Cidr, AddressClass]> = [
  [cidr('::/128'), 'unspecified'],
  [cidr('::1/128'), 'loopback'],
  [cidr('100::/64'), 'reserved'],
  [cidr('2001:db8::/32'), 'reserved'],
  [cidr('fc00::/7'), 'private'],
  [cidr('fe80::/10'), 'link_local'],
  [cidr('fec0::/10'), 'private'],
  [cidr('ff00::/8'), 'multicast'],
];

const MAPPED = cidr('::ffff:0:0/96');
const COMPATIBLE = cidr('::/96');
const NAT64 = cidr('64:ff9b::/96');
const SIX_TO_FOUR = cidr('2002::/16');

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedIPv4(address: ParsedAddress): bigint | undefined {
  if (address.family !== 6) return undefined;
  const v = address.value;
  const low32 = v & 0xffffffffn;
  if (cidrContains(MAPPED, address) || cidrContains(NAT64, address)) return low32;
  // `::` and `::1` are IPv6's own unspecified and loopback addresses, not compatible IPv4 forms.
  if (cidrContains(COMPATIBLE, address) && v > 1n) return low32;
  if (cidrContains(SIX_TO_FOUR, address)) return (v >> 80n) & 0xffffffffn;
  return undefined;
}

function lookupClass(table: ReadonlyArray<[Cidr, AddressClass]>, address: ParsedAddress): AddressClass {
  for (const [block, kind] of table) if (cidrContains(block, address)) return kind;
  return 'public';
}

/** The class of a parsed address; IPv6 forms carrying IPv4 are judged by the IPv4 address. */
export function classifyAddress(address: ParsedAddress): AddressClass {
  if (address.family === 4) return lookupClass(V4_TABLE, address);
  const own = lookupClass(V6_TABLE, address);
  if (own !== 'public') return own;
  const inner = embeddedIPv4(address);
  return inner === undefined ? 'public' : lookupClass(V4_TABLE, { family: 4, value: inner });
}
