/**
 * The parts of a URL the scanner judges, and what its host is: an IP literal (and whether it was written
 * in an obfuscated form such as decimal `2130706433`), a private or internal address, an internationalized
 * name mixing scripts. Hosts are canonicalized the way browsers do (WHATWG host parsing through
 * `domainToASCII`), so `0x7f.1`, `２１３０７０６４３３` and `127.1` are all 127.0.0.1.
 */
import { isIPv6 } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';

export interface UrlParts {
  /** Lowercase scheme without `:`, or null for scheme-less (`www.…`, `//host`, relative). */
  scheme: string | null;
  /** The host as written (lowercase, brackets kept for IPv6), or null when the URL has no authority. */
  rawHost: string | null;
  /** Path, query and fragment as written. */
  path: string;
  query: string;
}

const SCHEME = /^([a-z][a-z0-9+.-]{0,31}):/i;

/** Splits a URL into scheme, host, path and query; tolerant of anything a model may write. */
export function splitUrl(url: string): UrlParts {
  // Browsers ignore tabs and newlines inside URLs and accept backslashes for slashes.
  const clean = /[\t\n\r\\]/.test(url) ? url.replace(/[\t\n\r]/g, '').replace(/\\/g, '/') : url;
  const scheme = SCHEME.exec(clean)?.[1]?.toLowerCase() ?? null;
  let rest = scheme ? clean.slice(scheme.length + 1) : clean;
  let rawHost: string | null = null;
  if (rest.startsWith('//') || (!scheme && /^www\./i.test(rest))) {
    if (rest.startsWith('//')) rest = rest.slice(2);
    const authorityEnd = rest.search(/[/?#]/);
    const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
    rest = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
    // Everything before the last @ is user info: http://trusted.com@evil.com goes to evil.com.
    const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
    rawHost = (hostPort.startsWith('[') ? hostPort.slice(0, hostPort.indexOf(']') + 1) : (hostPort.split(':')[0] ?? ''))
      .toLowerCase()
      .replace(/\.$/, '');
  }
  const hash = rest.indexOf('#');
  const beforeHash = hash < 0 ? rest : rest.slice(0, hash);
  const q = beforeHash.indexOf('?');
  return {
    scheme,
    rawHost: rawHost === '' ? null : rawHost,
    path: q < 0 ? beforeHash : beforeHash.slice(0, q),
    query: q < 0 ? '' : beforeHash.slice(q + 1),
  };
}

export interface HostInfo {
  /** Canonical ASCII host (punycode for IDN, dotted quad for any IPv4 form, compressed IPv6 without brackets). */
  ascii: string;
  /** The host in Unicode, for script checks. */
  unicode: string;
  ipv4: [number, number, number, number] | null;
  ipv6: string | null;
  /** The IP was written in a form other than its canonical one (decimal, hex, octal, shortened). */
  obfuscatedIp: boolean;
}

const PLAIN_NAME = /^[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,126}$/;
/** WHATWG parses a host whose last label is a number (decimal, 0x-hex, octal) as an IPv4 address. */
const NUMERIC_LAST_LABEL = /(?:^|\.)(?:0x[0-9a-f]*|\d+)\.?$/;
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseQuad(text: string): [number, number, number, number] | null {
  const m = DOTTED_QUAD.exec(text);
  if (!m) return null;
  const parts = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as [number, number, number, number];
  return parts.every((p) => p <= 255) ? parts : null;
}

function canonicalIpv6(host: string): string | null {
  const inner = host.slice(1, -1);
  if (!isIPv6(inner.split('%')[0] ?? '')) return null;
  try {
    return new URL(`http://${host}/`).hostname.slice(1, -1);
  } catch {
    return inner;
  }
}

export function hostInfo(rawHost: string): HostInfo {
  if (rawHost.startsWith('[')) {
    const ipv6 = canonicalIpv6(rawHost);
    return { ascii: ipv6 ?? rawHost, unicode: ipv6 ?? rawHost, ipv4: null, ipv6, obfuscatedIp: false };
  }
  // domainToASCII applies the WHATWG host parser: IDNA mapping, and every IPv4 notation to a dotted quad.
  // A plain lowercase name whose last label is not numeric maps to itself, and a name longer than DNS
  // allows is not a host anyone can reach: both skip the (costly) mapping.
  const plainName = PLAIN_NAME.test(rawHost) && !NUMERIC_LAST_LABEL.test(rawHost);
  const ascii = plainName || rawHost.length > 253 ? rawHost : domainToASCII(rawHost) || rawHost;
  const ipv4 = parseQuad(ascii);
  return {
    ascii,
    unicode: ascii.includes('xn--') ? domainToUnicode(ascii) || ascii : ascii,
    ipv4,
    ipv6: null,
    obfuscatedIp: ipv4 !== null && rawHost !== ascii,
  };
}

/** Why an address is not on the public internet, or null. Metadata endpoints are named as such. */
export function privateReason(info: HostInfo): string | null {
  const v4 = info.ipv4 ?? mappedIpv4(info.ipv6);
  if (v4) return privateIpv4(v4);
  if (info.ipv6 !== null) return privateIpv6(info.ipv6);
  return privateName(info.ascii);
}

function mappedIpv4(ipv6: string | null): [number, number, number, number] | null {
  const m = ipv6 ? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ipv6) : null;
  if (!m) return null;
  const high = Number.parseInt(m[1] ?? '0', 16);
  const low = Number.parseInt(m[2] ?? '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255];
}

function privateIpv4([a, b, c, d]: [number, number, number, number]): string | null {
  if (a === 169 && b === 254 && c === 169 && d === 254) return 'cloud metadata endpoint';
  if (a === 100 && b === 100 && c === 100 && d === 200) return 'cloud metadata endpoint';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private network';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 100 && b >= 64 && b <= 127) return 'carrier-grade NAT';
  if (a === 0) return 'unspecified address';
  return null;
}

function privateIpv6(ip: string): string | null {
  if (ip === '::1') return 'loopback';
  if (ip === '::') return 'unspecified address';
  if (ip === 'fd00:ec2::254') return 'cloud metadata endpoint';
  if (/^f[cd][0-9a-f]{0,2}:/.test(ip)) return 'unique local address';
  if (/^fe[89ab][0-9a-f]?:/.test(ip)) return 'link-local';
  return null;
}

const INTERNAL_SUFFIXES = ['local', 'internal', 'intranet', 'lan', 'home.arpa', 'corp', 'localdomain'];
/** Public DNS names that resolve to loopback, or to whatever IP is written inside them. */
const LOOPBACK_NAMES = ['localtest.me', 'lvh.me', 'vcap.me'];
const IP_ECHO_SERVICES = ['nip.io', 'sslip.io', 'xip.io'];

function privateName(host: string): string | null {
  if (host === 'metadata.google.internal' || host === 'metadata') return 'cloud metadata endpoint';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  if (!host.includes('.')) return host === '' ? null : 'single-label (intranet) host';
  for (const suffix of INTERNAL_SUFFIXES) {
    if (host === suffix || host.endsWith(`.${suffix}`)) return `internal name (.${suffix})`;
  }
  for (const name of LOOPBACK_NAMES) {
    if (host === name || host.endsWith(`.${name}`)) return 'public name resolving to loopback';
  }
  for (const service of IP_ECHO_SERVICES) {
    if (!host.endsWith(`.${service}`)) continue;
    const embedded = /(?:^|[.-])(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})(?=[.-])/.exec(host);
    const quad = embedded ? parseQuad(embedded.slice(1, 5).join('.')) : null;
    const reason = quad ? privateIpv4(quad) : null;
    if (reason) return `${reason} via ${service}`;
  }
  return null;
}

type Script = 'latin' | 'cyrillic' | 'greek' | 'other';

function scriptOf(code: number): Script | null {
  if ((code >= 0x61 && code <= 0x7a) || (code >= 0xc0 && code <= 0x24f)) return 'latin';
  if (code >= 0x400 && code <= 0x52f) return 'cyrillic';
  if (code >= 0x370 && code <= 0x3ff) return 'greek';
  if (code < 0x80) return null;
  return 'other';
}

/** Cyrillic and Greek letters drawn like Latin ones: a label made only of these spoofs a Latin word. */
const LATIN_LOOKALIKES = new Set([...'аеорсухіјѕԁһӏԛԝ', ...'οανυικρ']);

export interface ScriptVerdict {
  /** The label that mixes scripts or imitates Latin, in Unicode. */
  label: string;
  kind: 'mixed' | 'lookalike';
  scripts: string[];
}

/** A label mixing Latin with Cyrillic/Greek (or the two), or a non-Latin label spelled with Latin look-alikes. */
export function scriptProblem(unicodeHost: string): ScriptVerdict | null {
  if (!/[^\x00-\x7f]/.test(unicodeHost)) return null;
  for (const label of unicodeHost.split('.')) {
    const scripts = new Set<Script>();
    let lookalikes = 0;
    let letters = 0;
    for (const ch of label) {
      const script = scriptOf(ch.codePointAt(0) ?? 0);
      if (script === null) continue;
      scripts.add(script);
      letters++;
      if (LATIN_LOOKALIKES.has(ch)) lookalikes++;
    }
    const confusable = ['latin', 'cyrillic', 'greek'].filter((s) => scripts.has(s as Script));
    if (confusable.length >= 2) return { label, kind: 'mixed', scripts: confusable };
    if (letters > 0 && lookalikes === letters && !scripts.has('latin')) {
      return { label, kind: 'lookalike', scripts: confusable };
    }
  }
  return null;
}
