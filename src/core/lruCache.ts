/**
 * @module core/lruCache
 *
 * A least-recently-used cache bounded two ways: by its number of entries and
 * by the sum of their weights (an estimate of their bytes). A count alone
 * does not bound memory when entries differ in size, and a service that
 * caches what many different people ask must hold the same memory after a
 * million of them as after a thousand. A Map keeps insertion order, so the
 * oldest entry is always first: a hit moves its entry to the end.
 */

export interface LruLimits {
  /** Entries kept at most. */
  readonly maxEntries: number;
  /** Sum of the entries' weights kept at most (Infinity when only the count matters). */
  readonly maxWeight?: number;
}

export class LruCache<K, V> {
  private readonly entries = new Map<K, { readonly value: V; readonly weight: number }>();
  private total = 0;
  private readonly maxWeight: number;

  constructor(
    private readonly limits: LruLimits,
    /** Weight of one entry (its estimated bytes); 1 each by default. */
    private readonly weigh: (value: V, key: K) => number = () => 1,
  ) {
    if (!(limits.maxEntries >= 1)) throw new RangeError('an LRU cache keeps at least one entry');
    this.maxWeight = limits.maxWeight ?? Number.POSITIVE_INFINITY;
  }

  /** The value for `key`, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /**
   * Remembers `value` as the most recently used and drops the least recently
   * used entries until both limits hold. A value heavier than the whole
   * budget is not kept at all (it would only push everything else out).
   */
  set(key: K, value: V): void {
    this.delete(key);
    const weight = Math.max(0, this.weigh(value, key));
    if (weight > this.maxWeight) return;
    this.entries.set(key, { value, weight });
    this.total += weight;
    while (this.entries.size > this.limits.maxEntries || this.total > this.maxWeight) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.weight;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  /** Entries held now (never above `maxEntries`). */
  get size(): number {
    return this.entries.size;
  }

  /** Sum of the held entries' weights (never above `maxWeight`). */
  get weight(): number {
    return this.total;
  }
}
