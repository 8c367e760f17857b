/**
 * Writes decisions off the request path: records queue in memory and are flushed in batches (every
 * `flushMs` or `batchSize` records, whichever comes first). A failed flush keeps the batch at the head of
 * the queue and retries on the next tick, so a store that is down for a while loses nothing until the
 * queue limit; past it the oldest records are dropped and counted (the on-disk spool is future work).
 */
import type { DecisionRecord, Store } from '../store/types.js';

export interface AuditWriterOptions {
  flushMs?: number;
  batchSize?: number;
  maxQueued?: number;
  onError?: (error: unknown) => void;
}

export class AuditWriter {
  private queue: DecisionRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  dropped = 0;
  written = 0;
  failures = 0;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly maxQueued: number;

  constructor(
    private readonly store: Store,
    private readonly options: AuditWriterOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 50;
    this.batchSize = options.batchSize ?? 200;
    this.maxQueued = options.maxQueued ?? 100_000;
  }

  get depth(): number {
    return this.queue.length;
  }

  push(record: DecisionRecord): void {
    this.queue.push(record);
    if (this.queue.length > this.maxQueued) {
      this.queue.shift();
      this.dropped++;
    }
    if (this.queue.length >= this.batchSize) void this.flush();
    else this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushMs);
    this.timer.unref();
  }

  /** Writes everything queued so far; resolves when done (or when the store refused, keeping the rest). */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.drain().finally(() => {
      this.flushing = null;
      if (this.queue.length > 0) this.schedule();
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.batchSize);
      try {
        await this.store.appendDecisions(batch);
      } catch (error) {
        this.failures++;
        this.options.onError?.(error);
        return;
      }
      this.queue.splice(0, batch.length);
      this.written += batch.length;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}
