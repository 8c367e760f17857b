/**
 * Params shared by the adapters that call out: the endpoint URL, the network allowances of the SSRF guard,
 * time and size bounds, and secrets named by environment variable (a policy never holds a key itself).
 */
import { z } from 'zod';
import { parseCidr } from './address.js';
import { endpointProblem } from './client.js';
import { normalizeHost, type OutboundAccess } from './ssrf-guard.js';

export const MEBIBYTE = 1024 * 1024;

/** The name of an environment variable, never its value. */
export const envVarName = z
  .string()
  .refine(
    (text) => /^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(text),
    'an environment variable name such as OPENAI_API_KEY (the name, not the key)',
  );

/** An absolute http(s) URL; the SSRF part of the check needs the allowances and runs in `endpointIssue`. */
export const endpointUrl = z
  .string()
  .max(2048)
  .refine((text) => URL.canParse(text), 'an absolute URL such as https://api.example.com/v1');

const hostName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9._-]+$/, 'a host name such as ollama.internal (no scheme, port or path)');

const cidrBlock = z
  .string()
  .max(64)
  .refine((text) => parseCidr(text) !== undefined, 'a CIDR block such as 10.0.0.0/8 or fd00::/8, or one address');

/** The outbound fields of an adapter's params; spread into its strictObject. */
export function outboundShape(defaultTimeoutMs: number) {
  return {
    /** Allow loopback and private-network destinations (a local Ollama, a vLLM in the VPC). */
    allow_private: z.boolean().default(false),
    /** Host names that may resolve to loopback or private addresses. */
    allow_hosts: z.array(hostName).max(100).default([]),
    /** Address blocks reachable whatever their class (e.g. a link-local range), except unspecified and multicast. */
    allow_cidrs: z.array(cidrBlock).max(100).default([]),
    /** Bound on one HTTP attempt; the rule's `timeout_ms` bounds the whole rule. */
    request_timeout_ms: z.number().int().min(1).max(120_000).default(defaultTimeoutMs),
    /** Bound on the answer body. */
    max_response_bytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * MEBIBYTE)
      .default(MEBIBYTE),
  };
}

export interface OutboundParams {
  allow_private: boolean;
  allow_hosts: string[];
  allow_cidrs: string[];
  request_timeout_ms: number;
  max_response_bytes: number;
}

export function accessOf(params: OutboundParams): OutboundAccess {
  return {
    allowPrivate: params.allow_private,
    allowHosts: new Set(params.allow_hosts.map(normalizeHost)),
    allowCidrs: params.allow_cidrs.flatMap((text) => parseCidr(text) ?? []),
  };
}

/**
 * Checks what can be known about an endpoint at policy load, without DNS: scheme, credentials, IP
 * literals and local names against the rule's allowances. Reports at `key` so the policy error points at the URL.
 */
export function endpointIssue(
  params: OutboundParams & Record<string, unknown>,
  key: string,
  ctx: z.RefinementCtx,
): void {
  const text = params[key];
  if (typeof text !== 'string' || !URL.canParse(text)) return;
  const problem = endpointProblem(new URL(text), accessOf(params));
  if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
}

/** The value of an environment variable a policy names; throws (a compile error at load) when unset. */
export function readEnv(name: string, param: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`environment variable ${name} (named by ${param}) is not set or is empty`);
  }
  return value;
}
