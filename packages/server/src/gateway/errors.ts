/** Errors in the shape of the API the client speaks, so its SDK raises its usual exception types. */

export type ApiFlavor = 'openai' | 'anthropic' | 'railgate';

const ANTHROPIC_TYPES: Record<string, string> = {
  invalid_request_error: 'invalid_request_error',
  authentication_error: 'authentication_error',
  permission_error: 'permission_error',
  not_found_error: 'not_found_error',
  content_policy_violation: 'invalid_request_error',
  upstream_error: 'api_error',
  timeout_error: 'api_error',
  request_too_large: 'request_too_large',
  overloaded_error: 'overloaded_error',
};

export function errorBody(flavor: ApiFlavor, type: string, message: string, code?: string): unknown {
  if (flavor === 'anthropic') {
    return { type: 'error', error: { type: ANTHROPIC_TYPES[type] ?? 'api_error', message } };
  }
  return { error: { message, type, param: null, code: code ?? null } };
}

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}
