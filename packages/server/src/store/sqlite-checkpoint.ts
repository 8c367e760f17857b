/**
 * WAL checkpoints off the event loop. better-sqlite3 is synchronous, and by default the commit that takes
 * the write-ahead log past its size limit copies the log into the database file and syncs it right there,
 * on the main thread: a 20–40 ms stall every few seconds under load (seen as event-loop delay spikes in
 * `npm run bench:gateway`, gone with checkpoints moved). So the gateway's connection never checkpoints;
 * a worker thread with a connection of its own runs PASSIVE checkpoints, which wait for nobody and make
 * nobody wait. If the worker fails, the gateway's connection goes back to checkpointing by itself.
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

/** SQLite's default auto-checkpoint size, in pages, restored if the worker stops. */
const DEFAULT_AUTOCHECKPOINT = 1000;

// Plain JavaScript run with `eval`: the worker needs no file of its own next to the compiled code or the
// test sources. It loads better-sqlite3 from the path resolved here.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class WalCheckpointer {
  private worker: Worker | null;

  constructor(
    private readonly db: Database,
    path: string,
    everyMs = 1000,
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    db.pragma('wal_autocheckpoint = 0');
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, path, everyMs } });
    // A checkpoint in progress should not keep a finished process alive.
    this.worker.unref();
    this.worker.on('message', (message: { error?: string }) => {
      if (message.error) this.onError(`WAL checkpoint failed: ${message.error}`);
    });
    this.worker.on('error', (error) => this.fallBack(error.message));
    this.worker.on('exit', () => this.fallBack(null));
  }

  /** The worker is gone: the gateway's connection checkpoints again, as SQLite does by default. */
  private fallBack(reason: string | null): void {
    if (!this.worker) return;
    this.worker = null;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    if (reason) this.onError(`WAL checkpoint worker stopped (${reason}); checkpointing on the main thread`);
  }

  get running(): boolean {
    return this.worker !== null;
  }

  /** Stops the worker after its current checkpoint. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    const exited = once(worker, 'exit');
    worker.postMessage('stop');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
    await worker.terminate();
  }
}
