/**
 * Writes decisions off the request path: records queue in memory and are flushed in batches (every
 * `flushMs` or `batchSize` records, whichever comes first). When the store refuses a batch, the batch goes
 * to an append-only spool file on disk and is replayed, in order and before anything newer, once the store
 * answers again — so a database outage loses no record. The spool is bounded (`maxSpoolBytes`); when it is
 * full, `full` turns true and the gateway applies its `on_error` (fail_closed: refuse new requests with
 * 503; fail_open: serve them and count the records it could not keep).
 */
import { appendFileSync, existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import type { DecisionRecord, Store } from '../store/types.js';

/** While the store is down, how often to try again. */
const RETRY_MS = 1000;

export interface AuditWriterOptions {
  flushMs?: number;
  batchSize?: number;
  /** File the unwritten batches go to while the store is down. Without one they stay in memory. */
  spoolPath?: string;
  /** Largest spool, in bytes. Default 256 MiB. */
  maxSpoolBytes?: number;
  onError?: (error: unknown) => void;
}

export class AuditWriter {
  private queue: DecisionRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private spoolBytes: number;
  /** A record did not fit in the spool since it was last emptied. */
  private overflowed = false;
  /** The last write failed: retry less often than the flush interval. */
  private failing = false;
  private closed = false;
  /** Records that could be neither written nor spooled (spool full). */
  dropped = 0;
  written = 0;
  failures = 0;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly maxSpoolBytes: number;

  constructor(
    private readonly store: Store,
    private readonly options: AuditWriterOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 50;
    this.batchSize = options.batchSize ?? 200;
    this.maxSpoolBytes = options.maxSpoolBytes ?? 256 * 1024 * 1024;
    this.spoolBytes = options.spoolPath && existsSync(options.spoolPath) ? statSync(options.spoolPath).size : 0;
    // Records spooled by an earlier run are replayed on the first flush.
    if (this.spoolBytes > 0) this.schedule();
  }

  /** Records waiting in memory. */
  get depth(): number {
    return this.queue.length;
  }

  /** Bytes of records waiting on disk. */
  get spooled(): number {
    return this.spoolBytes;
  }

  /** True when the spool has no room left: new records would be lost. */
  get full(): boolean {
    return this.overflowed || this.spoolBytes >= this.maxSpoolBytes;
  }

  push(record: DecisionRecord): void {
    this.queue.push(record);
    if (this.queue.length >= this.batchSize) void this.flush();
    else this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        void this.flush();
      },
      this.failing ? RETRY_MS : this.flushMs,
    );
    this.timer.unref();
  }

  /** Writes what is spooled, then what is queued; resolves when done or when the store refused. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.drain().finally(() => {
      this.flushing = null;
      if (this.queue.length > 0 || this.spoolBytes > 0) this.schedule();
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    if (this.spoolBytes > 0 && !(await this.replaySpool())) {
      // The store is still down: newer records join the spool behind the older ones, keeping the order.
      this.spool(this.queue.splice(0));
      return;
    }
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchSize);
      try {
        await this.store.appendDecisions(batch);
        this.written += batch.length;
        this.failing = false;
      } catch (error) {
        this.failing = true;
        this.failures++;
        this.options.onError?.(error);
        this.spool([...batch, ...this.queue.splice(0)]);
        return;
      }
    }
  }

  private spool(records: DecisionRecord[]): void {
    if (records.length === 0) return;
    if (!this.options.spoolPath) {
      // No spool file: keep them in memory (front of the queue) for the next attempt.
      this.queue.unshift(...records);
      return;
    }
    const room = this.maxSpoolBytes - this.spoolBytes;
    let text = '';
    let kept = 0;
    for (const record of records) {
      const line = `${JSON.stringify(record)}\n`;
      if (text.length + line.length > room) break;
      text += line;
      kept++;
    }
    this.dropped += records.length - kept;
    if (kept < records.length) this.overflowed = true;
    if (text === '') return;
    appendFileSync(this.options.spoolPath, text);
    this.spoolBytes += Buffer.byteLength(text);
  }

  /** Writes the spool to the store; true when it is empty afterwards. */
  private async replaySpool(): Promise<boolean> {
    const path = this.options.spoolPath as string;
    if (!existsSync(path)) {
      this.spoolBytes = 0;
      return true;
    }
    const records = readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as DecisionRecord);
    let done = 0;
    try {
      while (done < records.length) {
        const batch = records.slice(done, done + this.batchSize);
        await this.store.appendDecisions(batch);
        done += batch.length;
        this.written += batch.length;
      }
    } catch (error) {
      this.failing = true;
      this.failures++;
      this.options.onError?.(error);
      // Batches are transactions: the ones written are gone from the spool, so none is written twice.
      if (done > 0) {
        const rest = records
          .slice(done)
          .map((r) => `${JSON.stringify(r)}\n`)
          .join('');
        writeFileSync(path, rest);
        this.spoolBytes = Buffer.byteLength(rest);
      }
      return false;
    }
    unlinkSync(path);
    this.spoolBytes = 0;
    this.overflowed = false;
    this.failing = false;
    return true;
  }

  /** Flushes once more and stops the timer; records still unwritten stay in the spool for the next run. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
