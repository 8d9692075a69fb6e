export interface ChangeAwareCacheOptions {
  /** Entries kept at most; the oldest stored goes first. */
  readonly maxEntries: number;
  /** How long an entry answers even if no change was ever announced (a lost notification's bound). */
  readonly ttlMs: number;
  /**
   * Longer keys are never stored: keys come from callers (a username as sent), and a miss is cached
   * too, so without it maxEntries junk names of a megabyte each would be kept.
   */
  readonly maxKeyLength: number;
  readonly now?: () => number;
}

interface Entry<V> {
  readonly value: V;
  readonly storedAt: number;
}

/**
 * A cache of rows that is right only while someone tells it every change: it answers nothing until
 * `enable` (the change feed is listening) and forgets everything on `invalidate` or `disable`.
 *
 * A read that began before a change may finish after it with the old row: it must present the ticket
 * it took when it began, and a ticket from before the last invalidation (or enable) stores nothing.
 */
export class ChangeAwareCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly now: () => number;
  private generation = 0;
  private enabled = false;

  constructor(private readonly options: ChangeAwareCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Taken before reading the source; `store` needs it. */
  ticket(): number {
    return this.generation;
  }

  /** The cached value (which may be null: "no such row" is cached too), or undefined on a miss. */
  get(key: string): { readonly value: V } | undefined {
    if (!this.enabled) return undefined;
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.now() - entry.storedAt >= this.options.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Keeps a value read since `ticket` was taken, unless a change was announced meanwhile. */
  store(ticket: number, key: string, value: V): boolean {
    if (!this.enabled || ticket !== this.generation || key.length > this.options.maxKeyLength) return false;
    this.entries.delete(key);
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, storedAt: this.now() });
    return true;
  }

  /** Something changed: every entry, and every read in flight, is stale. */
  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /** Changes are announced from now on; what happened before is unknown, so nothing is kept. */
  enable(): void {
    this.invalidate();
    this.enabled = true;
  }

  /** Changes may go unannounced: answer nothing until enabled again. */
  disable(): void {
    this.invalidate();
    this.enabled = false;
  }
}
