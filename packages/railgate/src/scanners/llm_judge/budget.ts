/**
 * Spending controls of the LLM judge, one instance per compiled rule: a cache of recent judgements so an
 * identical text is never paid for twice, and a token bucket that caps calls per minute.
 */

interface CacheEntry<V> {
  value: V;
  expires: number;
}

/** A size-bounded LRU map whose entries also expire after `ttlMs`. */
export class ExpiringLru<V> {
  private readonly entries = new Map<string, CacheEntry<V>>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= now) return undefined;
    // Re-inserting moves the key to the recent end of the Map's insertion order.
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, now: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: now + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}

/** A token bucket holding `perMinute` calls, refilled continuously. */
export class CallBudget {
  private tokens: number;
  private updated: number;
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    now: number,
  ) {
    this.tokens = perMinute;
    this.updated = now;
    this.perMs = perMinute / 60_000;
  }

  /** Takes one call from the bucket; false when it is empty. */
  take(now: number): boolean {
    this.tokens = Math.min(this.perMinute, this.tokens + (now - this.updated) * this.perMs);
    this.updated = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next call is allowed. */
  waitMs(): number {
    return Math.max(0, Math.ceil((1 - this.tokens) / this.perMs));
  }
}
