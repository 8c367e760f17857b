/**
 * The ONNX runtime, found at policy load and run on a worker thread.
 *
 * `onnxruntime-node` and `onnxruntime-web` are optional peer dependencies: the scanner resolves the first
 * one installed when a rule is compiled, so a missing runtime is a policy error that names the install
 * command. Inference runs in a worker thread that owns the session, because both runtimes execute a
 * `session.run()` synchronously on the calling thread (the node binding inside a setImmediate, the
 * WebAssembly build in place): on the main thread a 100 ms model would stall every other request. The main
 * thread only tokenizes and posts typed arrays (transferred, not copied).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Runtimes tried in order when a rule says `runtime: auto`. */
export const RUNTIME_MODULES = ['onnxruntime-node', 'onnxruntime-web'] as const;

export const INSTALL_HINT =
  'install one: `npm install onnxruntime-node --ignore-scripts` (native CPU build, fastest; the CPU binaries ship ' +
  'inside the package, its install script only downloads optional CUDA libraries) or `npm install onnxruntime-web` ' +
  '(WebAssembly, no install script, slower)';

export interface ResolvedRuntime {
  /** Module name as installed, e.g. `onnxruntime-node`. */
  name: string;
  /** Absolute path of its CommonJS entry point, loaded by the worker. */
  entry: string;
}

/** Raised at policy load when no ONNX runtime can be resolved. */
export class RuntimeMissingError extends Error {
  override readonly name = 'RuntimeMissingError';
  readonly code = 'ONNX_RUNTIME_MISSING';
}

const requireHere = createRequire(import.meta.url);

/** The first of `candidates` that resolves from this package, or a RuntimeMissingError naming the fix. */
export function resolveRuntime(candidates: readonly string[]): ResolvedRuntime {
  for (const name of candidates) {
    try {
      return { name, entry: requireHere.resolve(name) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    }
  }
  throw new RuntimeMissingError(`no ONNX runtime is installed (looked for ${candidates.join(', ')}); ${INSTALL_HINT}`);
}

// ---- the worker ------------------------------------------------------------------------------------------

/**
 * Worker thread source (CommonJS, evaluated): loads the runtime and the session once, then answers run
 * requests in order. Kept in a string because the build copies only compiled TypeScript into dist.
 */
const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');

function halfToFloat(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function toFloats(tensor) {
  if (tensor.type === 'float32' || tensor.type === 'float64') return tensor.data;
  // Without Float16Array (Node 20) the runtime hands half floats over as their raw 16-bit patterns.
  if (tensor.type === 'float16') return tensor.data instanceof Uint16Array ? Array.from(tensor.data, halfToFloat) : tensor.data;
  throw new Error('output type ' + tensor.type + ' is not a floating-point tensor');
}

let ort;
let session;
const loading = (async () => {
  ort = require(workerData.entry);
  if (ort.env && ort.env.wasm) ort.env.wasm.numThreads = workerData.threads;
  session = await ort.InferenceSession.create(workerData.modelPath, {
    intraOpNumThreads: workerData.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  return { inputs: [...session.inputNames], outputs: [...session.outputNames] };
})();

loading.then(
  (names) => parentPort.postMessage({ id: 0, ok: true, names }),
  (error) => parentPort.postMessage({ id: 0, ok: false, error: String((error && error.message) || error) }),
);

parentPort.on('message', async (request) => {
  try {
    await loading;
    const feeds = {};
    for (const feed of request.feeds) feeds[feed.name] = new ort.Tensor(feed.type, feed.data, request.dims);
    const results = await session.run(feeds, [request.output]);
    const tensor = results[request.output];
    const data = Float32Array.from(toFloats(tensor));
    parentPort.postMessage({ id: request.id, ok: true, data, dims: [...tensor.dims] }, [data.buffer]);
  } catch (error) {
    parentPort.postMessage({ id: request.id, ok: false, error: String((error && error.message) || error) });
  }
});
`;

export interface Feed {
  name: string;
  type: 'int64' | 'int32';
  data: BigInt64Array | Int32Array;
}

export interface RunRequest {
  feeds: Feed[];
  /** [batch, sequence] */
  dims: [number, number];
  output: string;
}

export interface RunResult {
  data: Float32Array;
  dims: number[];
}

interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

type WorkerAnswer =
  | { id: number; ok: true; data?: Float32Array; dims?: number[]; names?: { inputs: string[]; outputs: string[] } }
  | { id: number; ok: false; error: string };

/**
 * Everything the worker's listeners touch. It deliberately holds no reference to the SessionHost, so a
 * host nobody uses any more can be garbage-collected and its worker terminated.
 */
interface HostState {
  /** Runtime module name, to prefix the errors the worker reports. */
  runtime: string;
  worker: Worker | null;
  ready: Promise<SessionNames> | null;
  waiters: Map<number, Waiter>;
  nextId: number;
  /** Scans in progress: while above zero the worker keeps the process alive. */
  busy: number;
}

export interface SessionNames {
  inputs: string[];
  outputs: string[];
}

export interface SessionOptions {
  runtime: ResolvedRuntime;
  modelPath: string;
  threads: number;
}

const finalizer = new FinalizationRegistry<HostState>((state) => {
  void state.worker?.terminate();
});

function settleAll(state: HostState, error: Error): void {
  for (const waiter of state.waiters.values()) waiter.reject(error);
  state.waiters.clear();
}

/** Starts the worker; its listeners touch `state` only. */
function startWorker(state: HostState, options: SessionOptions): Promise<SessionNames> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { entry: options.runtime.entry, modelPath: options.modelPath, threads: options.threads },
  });
  state.worker = worker;
  const ready = new Promise<SessionNames>((resolve, reject) => {
    state.waiters.set(0, { resolve: resolve as Waiter['resolve'], reject });
  });
  // Awaited by scans; a policy that never scans must not see an unhandled rejection.
  ready.catch(() => undefined);
  state.ready = ready;
  worker.on('message', (answer: WorkerAnswer) => {
    const waiter = state.waiters.get(answer.id);
    if (!waiter) return;
    state.waiters.delete(answer.id);
    if (answer.ok) waiter.resolve(answer.id === 0 ? answer.names : { data: answer.data, dims: answer.dims });
    else waiter.reject(new Error(`${state.runtime}: ${answer.error}`));
  });
  worker.on('error', (error) => settleAll(state, error));
  worker.on('exit', (code) => {
    // A crashed worker is replaced by the next scan.
    if (state.worker === worker) {
      state.worker = null;
      state.ready = null;
    }
    settleAll(state, new Error(`the ONNX worker thread exited (code ${code})`));
  });
  // An idle model must not keep the process alive; scans hold a reference while they wait. (After the
  // listeners: attaching a message listener references the worker again.)
  if (state.busy === 0) worker.unref();
  return ready;
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** One model session living in its own worker thread, started as soon as the host is created. */
export class SessionHost {
  private readonly state: HostState;

  constructor(private readonly options: SessionOptions) {
    this.state = { runtime: options.runtime.name, worker: null, ready: null, waiters: new Map(), nextId: 1, busy: 0 };
    finalizer.register(this, this.state);
    startWorker(this.state, options);
  }

  /** Input and output names as the runtime sees them; rejects when the model cannot be loaded. */
  names(): Promise<SessionNames> {
    return this.state.ready ?? startWorker(this.state, this.options);
  }

  /** Runs the model on one batch; rejects promptly when `signal` aborts (the worker finishes on its own). */
  async run(request: RunRequest, signal?: AbortSignal): Promise<RunResult> {
    const state = this.state;
    if (state.busy++ === 0) state.worker?.ref();
    try {
      signal?.throwIfAborted();
      // The first scans wait for the model to load (up to a second for a large one): a timeout must not.
      await untilAborted(this.names(), signal);
      return await this.post(request, signal);
    } finally {
      if (--state.busy === 0) state.worker?.unref();
    }
  }

  private async post(request: RunRequest, signal: AbortSignal | undefined): Promise<RunResult> {
    const state = this.state;
    const worker = state.worker;
    if (!worker) throw new Error('the ONNX worker thread is not running');
    const id = state.nextId++;
    const answer = new Promise<RunResult>((resolve, reject) => {
      state.waiters.set(id, { resolve: resolve as Waiter['resolve'], reject });
    });
    const onAbort = (): void => {
      const waiter = state.waiters.get(id);
      state.waiters.delete(id);
      waiter?.reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.postMessage(
      { id, ...request },
      request.feeds.map((f) => f.data.buffer as ArrayBuffer),
    );
    try {
      return await answer;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

const hosts = new Map<string, WeakRef<SessionHost>>();

/**
 * The session host for a model, shared by every rule that uses the same file, runtime and thread count
 * (a model on the input and the retrieval rail is loaded once).
 */
export function sessionHost(options: SessionOptions): SessionHost {
  const key = `${options.runtime.entry}\u0000${options.modelPath}\u0000${options.threads}`;
  const existing = hosts.get(key)?.deref();
  if (existing) return existing;
  const host = new SessionHost(options);
  hosts.set(key, new WeakRef(host));
  return host;
}
