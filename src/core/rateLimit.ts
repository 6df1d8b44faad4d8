/**
 * @module core/rateLimit
 *
 * Token buckets keyed by who is asking (a web session, an address, a
 * Telegram or Zalo user). One resident's flood empties only their own
 * bucket: the check is a map lookup and a little arithmetic, answered before
 * any search, model or database work, so a flooded turn costs the others
 * nothing. Buckets live in memory, in one process (DESIGN.md: scale by
 * processes; a shared store would replace this class, not its callers).
 *
 * The map is bounded by `maxKeys`. When a new key would pass it, one sweep
 * drops every bucket that has refilled completely (it is the same as no
 * bucket at all) and, if the map is still nearly full of active keys, the
 * oldest tenth of them. A dropped bucket only comes back full, so the worst a
 * flood of fresh keys can do is make the limit forget an idle key, never
 * block an innocent one. Buckets are updated in place and the sweep runs once
 * per many new keys: re-inserting each key on use (a strict LRU) cost 10 µs a
 * message under churn, as a Map's deleted slots pile up at its front.
 */
import type { Clock } from './ports.js';

export interface RateRule {
  /** Requests allowed at once after a quiet spell (the bucket's size). */
  readonly burst: number;
  /** Requests allowed per minute on average (the refill rate). */
  readonly perMinute: number;
}

export type TakeResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** When one more request would be allowed. */
      readonly retryAfterMs: number;
      /** True for the first refusal since the last allowed request: tell the person once, then stay quiet. */
      readonly first: boolean;
    };

interface Bucket {
  tokens: number;
  /** Milliseconds since the epoch of the last refill. */
  at: number;
  /** A refusal has been reported since the last allowed request. */
  told: boolean;
}

const DEFAULT_MAX_KEYS = 20_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly rule: RateRule,
    private readonly clock: Clock,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {
    if (!(rule.burst >= 1) || !(rule.perMinute > 0))
      throw new RangeError('a rate rule needs burst ≥ 1 and perMinute > 0');
    this.perMs = rule.perMinute / 60_000;
  }

  /** Takes one token for `key`; refuses (and takes nothing) when the bucket is empty. */
  take(key: string): TakeResult {
    const bucket = this.refilled(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.told = false;
      return { ok: true };
    }
    const first = !bucket.told;
    bucket.told = true;
    return { ok: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / this.perMs), first };
  }

  /** Whether `key` could take a token now, without taking it (a guard checked before an attempt). */
  allows(key: string): boolean {
    const bucket = this.buckets.get(key);
    if (!bucket) return true;
    return Math.min(this.rule.burst, bucket.tokens + (this.clock.now().getTime() - bucket.at) * this.perMs) >= 1;
  }

  /** Keys currently remembered (bounded by `maxKeys`). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string): Bucket {
    const now = this.clock.now().getTime();
    const bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.rule.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.perMs);
      bucket.at = now;
      return bucket;
    }
    if (this.buckets.size >= this.maxKeys) this.sweep(now);
    const fresh = { tokens: this.rule.burst, at: now, told: false };
    this.buckets.set(key, fresh);
    return fresh;
  }

  /** Drops full buckets; then, if still nearly full, the oldest tenth (insertion order). */
  private sweep(now: number): void {
    const fullAfterMs = this.rule.burst / this.perMs;
    for (const [key, b] of this.buckets) if (now - b.at >= fullAfterMs) this.buckets.delete(key);
    if (this.buckets.size < this.maxKeys * 0.9) return;
    let drop = Math.max(1, Math.ceil(this.maxKeys / 10));
    for (const key of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

/**
 * The limits every channel applies to what residents send: per person
 * (a web session, a Telegram or Zalo user) and, on the web, per address, so
 * a client that throws its cookie away at every request is still held.
 */
export interface TurnLimits {
  readonly perIdentity: RateLimiter;
  readonly perAddress: RateLimiter;
}

/** Checks every key in order and stops at the first refusal (so a refused request takes nothing further). */
export function takeAll(checks: readonly (readonly [RateLimiter, string])[]): TakeResult {
  for (const [limiter, key] of checks) {
    const r = limiter.take(key);
    if (!r.ok) return r;
  }
  return { ok: true };
}

/** Seconds to tell a person, at least one. */
export function retrySeconds(result: TakeResult): number {
  return result.ok ? 0 : Math.max(1, Math.ceil(result.retryAfterMs / 1000));
}

/** What a resident reads when they send faster than the limit: polite, and says how long to wait. */
export function tooFastText(seconds: number): string {
  const wait = seconds <= 60 ? `khoảng ${seconds} giây` : `khoảng ${Math.ceil(seconds / 60)} phút`;
  return `Bà con gửi hơi nhanh, trợ lý chưa kịp đọc hết. Bà con vui lòng đợi ${wait} rồi gửi tiếp nhé.`;
}
