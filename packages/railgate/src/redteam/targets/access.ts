/**
 * Where a red-team run may connect. Network targets go through the adapters' SSRF-guarded client
 * (src/models/net): public addresses always; this machine when the user typed it in the URL (a loopback
 * address such as 127.0.0.1 or ::1, or `localhost`) — pointing the tool at a local gateway is the common
 * case and is explicit; private networks (10/8, 192.168/16, …) and names that resolve to loopback only with
 * `--allow-private`. Link-local (cloud metadata) is never reached.
 */
import { classifyAddress, parseAddress } from '../../models/net/address.js';
import { endpointProblem } from '../../models/net/client.js';
import { accessOf, type OutboundParams } from '../../models/net/params.js';
import { normalizeHost, type OutboundAccess } from '../../models/net/ssrf-guard.js';

/** The allowances of the SSRF guard for one URL given on the command line, as adapter params. */
export type AccessParams = Pick<OutboundParams, 'allow_private' | 'allow_hosts' | 'allow_cidrs'>;

const LOCAL_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

export function accessParamsFor(url: URL, allowPrivate: boolean): AccessParams {
  const host = normalizeHost(url.hostname);
  const address = parseAddress(host);
  const loopbackLiteral = address !== undefined && classifyAddress(address) === 'loopback';
  return {
    allow_private: allowPrivate,
    allow_hosts: LOCAL_NAMES.has(host) || host.endsWith('.localhost') ? [host] : [],
    // The literal itself, not the whole loopback range: only what the user typed.
    allow_cidrs: loopbackLiteral ? [host] : [],
  };
}

export function accessFor(url: URL, allowPrivate: boolean): OutboundAccess {
  return accessOf({ ...accessParamsFor(url, allowPrivate), request_timeout_ms: 0, max_response_bytes: 0 });
}

/** Why the URL cannot be a target, or null (checked before the run, without DNS). */
export function targetUrlProblem(url: URL, allowPrivate: boolean): string | null {
  const problem = endpointProblem(url, accessFor(url, allowPrivate));
  return problem ? problem.replace(/set allow_private: true[^;]*/, 'pass --allow-private') : null;
}
