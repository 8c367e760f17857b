/**
 * The outbound HTTP client of the adapters: one JSON POST to one fixed endpoint, through the SSRF guard,
 * bounded in time (the engine's signal and a per-attempt timeout) and in size, never following redirects.
 *
 * Built on node:http/node:https rather than the global fetch: fetch in Node 20 cannot be told which
 * address to connect to (that needs undici's Agent, not importable without adding the dependency), while
 * node:http takes a `lookup` hook that checks the very address the socket then uses, and keeps TLS
 * verification and SNI on the host name.
 */
import http from 'node:http';
import https from 'node:https';
import { parseAddress } from './address.js';
import {
  addressProblem,
  guardedLookup,
  hostNameProblem,
  normalizeHost,
  type OutboundAccess,
  OutboundRefusedError,
  type Resolver,
  systemResolver,
} from './ssrf-guard.js';

export type OutboundErrorCode = 'REFUSED' | 'NETWORK' | 'TIMEOUT' | 'ABORTED' | 'REDIRECT' | 'TOO_LARGE';

/** A failed outbound call. `retryable` is true for network failures and per-attempt timeouts. */
export class OutboundError extends Error {
  override readonly name = 'OutboundError';
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

export interface EndpointOptions {
  access: OutboundAccess;
  /** Bound on one attempt, from connect to the last byte of the answer. */
  timeoutMs: number;
  /** Bound on the answer body; a larger answer is an error, not a truncation. */
  maxResponseBytes: number;
  /** Name resolution; the system resolver unless a caller needs its own. */
  resolve?: Resolver;
}

export interface OutboundResponse {
  status: number;
  contentType: string;
  body: string;
}

/** Why a URL cannot be an adapter endpoint, or null: scheme, credentials, and hosts refused without DNS. */
export function endpointProblem(url: URL, access: OutboundAccess): string | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `scheme ${url.protocol} is not http or https`;
  if (url.username || url.password) {
    return 'credentials in the URL would be logged; pass them through an environment variable instead';
  }
  const host = normalizeHost(url.hostname);
  if (parseAddress(host)) return addressProblem(host, host, access);
  return hostNameProblem(host, access);
}

/** The URL as it may appear in messages and logs: origin and path, no query (it may carry a token). */
export function describeEndpoint(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export class OutboundEndpoint {
  readonly url: URL;
  readonly label: string;
  private readonly options: EndpointOptions;
  private readonly transport: typeof http | typeof https;
  /** One agent per endpoint: a pooled socket is never shared with a rule under other allowances. */
  private readonly agent: http.Agent;
  private readonly lookup: ReturnType<typeof guardedLookup>;

  constructor(url: string | URL, options: EndpointOptions) {
    this.url = new URL(url);
    this.label = describeEndpoint(this.url);
    const problem = endpointProblem(this.url, options.access);
    if (problem) throw new OutboundRefusedError(`${this.label} refused: ${problem}`);
    this.options = options;
    const secure = this.url.protocol === 'https:';
    this.transport = secure ? https : http;
    this.agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets: 32 })
      : new http.Agent({ keepAlive: true, maxSockets: 32 });
    this.lookup = guardedLookup(options.access, options.resolve ?? systemResolver);
  }

  /** POSTs a JSON body; resolves with any non-redirect status (callers judge 4xx/5xx). */
  post(body: string, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<OutboundResponse> {
    if (signal.aborted) return Promise.reject(new OutboundError('ABORTED', `${this.label}: aborted before sending`));
    return new Promise<OutboundResponse>((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | null, response?: OutboundResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(response as OutboundResponse);
      };
      const request = this.transport.request({
        protocol: this.url.protocol,
        hostname: normalizeHost(this.url.hostname),
        port: this.url.port || undefined,
        path: `${this.url.pathname}${this.url.search}`,
        method: 'POST',
        agent: this.agent,
        lookup: this.lookup,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          accept: 'application/json',
          'user-agent': 'railgate',
          ...headers,
        },
      });
      const fail = (error: OutboundError): void => {
        finish(error);
        request.destroy();
      };
      const timer = setTimeout(
        () => fail(new OutboundError('TIMEOUT', `${this.label}: no answer within ${this.options.timeoutMs} ms`, true)),
        this.options.timeoutMs,
      );
      const onAbort = (): void => fail(new OutboundError('ABORTED', `${this.label}: aborted`));
      signal.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error) => finish(this.translate(error)));
      request.on('response', (response) => this.read(response, fail, finish));
      request.end(body);
    });
  }

  private read(
    response: http.IncomingMessage,
    fail: (error: OutboundError) => void,
    finish: (error: Error | null, response?: OutboundResponse) => void,
  ): void {
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400) {
      fail(
        new OutboundError(
          'REDIRECT',
          `${this.label}: answered a redirect (HTTP ${status}); redirects are not followed`,
        ),
      );
      return;
    }
    const limit = this.options.maxResponseBytes;
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      fail(new OutboundError('TOO_LARGE', `${this.label}: answer of ${declared} bytes exceeds ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(new OutboundError('TOO_LARGE', `${this.label}: answer exceeds ${limit} bytes`));
      else chunks.push(chunk);
    });
    response.on('error', (error) => finish(this.translate(error)));
    response.on('end', () =>
      finish(null, {
        status,
        contentType: String(response.headers['content-type'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
      }),
    );
  }

  private translate(error: Error): Error {
    if (error instanceof OutboundError) return error;
    if (error instanceof OutboundRefusedError) {
      return new OutboundError('REFUSED', `${this.label} refused: ${error.message}`);
    }
    const code = (error as NodeJS.ErrnoException).code;
    return new OutboundError('NETWORK', `${this.label}: ${code ?? error.message}`, true);
  }
}
