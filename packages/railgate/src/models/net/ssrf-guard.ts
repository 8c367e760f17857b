/**
 * The SSRF guard for adapters that call out (LLM judge, webhook). A policy names a URL; the guard decides
 * whether the address behind it may be reached: public addresses yes; loopback and private networks only
 * when the rule allows them; link-local (cloud metadata at 169.254.169.254), reserved ranges only through
 * an explicit CIDR allowance; unspecified and multicast never.
 *
 * The check runs inside the socket's own DNS lookup (the `lookup` hook of node:net), so the address that
 * was checked is the address connected to: a DNS answer that changes between check and connect (DNS
 * rebinding) cannot slip a private address through.
 */
import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { type AddressClass, type Cidr, cidrContains, classifyAddress, parseAddress } from './address.js';

/** What a rule allows beyond public addresses. */
export interface OutboundAccess {
  /** Loopback and private networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, 127/8, ::1). */
  allowPrivate: boolean;
  /** Host names (lowercase) that may resolve to loopback or private addresses. */
  allowHosts: ReadonlySet<string>;
  /** Blocks reachable whatever their class (except unspecified and multicast). */
  allowCidrs: readonly Cidr[];
}

export const PUBLIC_ONLY: OutboundAccess = { allowPrivate: false, allowHosts: new Set(), allowCidrs: [] };

/** Resolves a host name to all its addresses (node:dns `lookup` with `all: true` by default). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** Raised when the guard refuses a destination; never retried. */
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
  readonly code = 'OUTBOUND_REFUSED';
}

const CLASS_NAMES: Record<AddressClass, string> = {
  public: 'a public',
  loopback: 'a loopback',
  private: 'a private-network',
  link_local: 'a link-local (cloud metadata lives here)',
  unspecified: 'an unspecified',
  multicast: 'a multicast',
  reserved: 'a reserved',
};

/** Names that mean "this machine" whatever DNS says. */
function isLocalName(host: string): boolean {
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === 'localhost.localdomain' ||
    host === 'ip6-localhost' ||
    host === 'ip6-loopback'
  );
}

/** A host as compared: lowercase, no trailing dot, no IPv6 brackets. */
export function normalizeHost(host: string): string {
  const lower = host.toLowerCase().replace(/\.$/, '');
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}

/** Why a host name is refused before any DNS query, or null. IP literals go to addressProblem. */
export function hostNameProblem(host: string, access: OutboundAccess): string | null {
  const name = normalizeHost(host);
  if (!isLocalName(name) || access.allowPrivate || access.allowHosts.has(name)) return null;
  return `${name} names this machine (loopback); set allow_private: true or list it in allow_hosts to call a local endpoint`;
}

/** Why an address is refused, or null. `host` is the name it was resolved from, for the message. */
export function addressProblem(address: string, host: string, access: OutboundAccess): string | null {
  const parsed = parseAddress(address);
  if (!parsed) return `${address} is not an IP address`;
  const kind = classifyAddress(parsed);
  if (kind === 'public') return null;
  const where =
    normalizeHost(host) === normalizeHost(address) ? address : `${normalizeHost(host)} resolves to ${address}`;
  const what = `${where}, ${CLASS_NAMES[kind]} address`;
  if (kind === 'unspecified' || kind === 'multicast') return `${what}, is never a valid destination`;
  if (access.allowCidrs.some((block) => cidrContains(block, parsed))) return null;
  if (kind === 'loopback' || kind === 'private') {
    if (access.allowPrivate || access.allowHosts.has(normalizeHost(host))) return null;
    return `${what}; set allow_private: true, or list the host in allow_hosts or the range in allow_cidrs`;
  }
  return `${what}; list the range in allow_cidrs if this destination is intended`;
}

/**
 * A `lookup` for node:net that resolves the host, refuses it when any of its addresses is refused (an
 * answer mixing public and private addresses is refused whole), and otherwise hands the checked
 * addresses to the socket.
 */
export function guardedLookup(access: OutboundAccess, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const refusal = hostNameProblem(hostname, access);
    if (refusal) {
      callback(new OutboundRefusedError(refusal), '', 0);
      return;
    }
    resolve(hostname).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = wanted ? addresses.filter((a) => a.family === wanted) : addresses;
        if (usable.length === 0) {
          callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
          return;
        }
        for (const { address } of usable) {
          const problem = addressProblem(address, hostname, access);
          if (problem) {
            callback(new OutboundRefusedError(problem), '', 0);
            return;
          }
        }
        const first = usable[0] as LookupAddress;
        if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}
