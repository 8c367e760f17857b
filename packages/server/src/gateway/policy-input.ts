/** A tenant's stored policy text → what the library's Guard takes: a preset name, or a JSON/YAML document. */
import { Guard, PolicyError } from 'railgate';
import { parse } from 'yaml';
import { GatewayError } from './errors.js';

export function policyInput(policy: string): string | Record<string, unknown> {
  const trimmed = policy.trim();
  if (/^[a-z][a-z0-9_-]*$/.test(trimmed)) return trimmed;
  let doc: unknown;
  try {
    doc = trimmed.startsWith('{') ? JSON.parse(trimmed) : parse(trimmed);
  } catch (error) {
    throw new GatewayError(
      400,
      'invalid_request_error',
      `policy is neither a preset name nor valid JSON/YAML: ${(error as Error).message}`,
    );
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new GatewayError(
      400,
      'invalid_request_error',
      'policy must be a preset name or a policy document (an object)',
    );
  }
  return doc as Record<string, unknown>;
}

/** Compiles a policy text; a policy error becomes a 400 listing every problem with its path and fix. */
export function compilePolicy(policy: string): Guard {
  try {
    return new Guard({ policy: policyInput(policy) });
  } catch (error) {
    if (error instanceof PolicyError)
      throw new GatewayError(400, 'invalid_request_error', error.message, 'invalid_policy');
    throw error;
  }
}
