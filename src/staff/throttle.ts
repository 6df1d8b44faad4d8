/**
 * @module staff/throttle
 *
 * How long a login name or a network address must wait after failed logins.
 * Pure: it reads the times of recent failures and says until when the next
 * attempt is refused. After `limit` failures within `windowMs` the key is
 * locked, for `baseLockMs` after the last failure, doubling with each further
 * failure of the day up to `maxLockMs`: a forgetful colleague waits a
 * minute, a guesser gets a handful of tries an hour. Names that have no
 * account are counted exactly like real ones, so the wait says nothing about
 * whether an account exists.
 */

export interface ThrottlePolicy {
  /** Failures within the window that lock the key. */
  readonly limit: number;
  readonly windowMs: number;
  readonly baseLockMs: number;
  readonly maxLockMs: number;
  /** How far back further failures make the lock grow. */
  readonly memoryMs: number;
}

const MINUTE = 60_000;

/** Per login name: five failures in 15 minutes. */
export const ACCOUNT_POLICY: ThrottlePolicy = {
  limit: 5,
  windowMs: 15 * MINUTE,
  baseLockMs: MINUTE,
  maxLockMs: 60 * MINUTE,
  memoryMs: 24 * 60 * MINUTE,
};

/** Per network address: more, since a commune office's staff share one address. */
export const NETWORK_POLICY: ThrottlePolicy = { ...ACCOUNT_POLICY, limit: 20 };

/**
 * Until when a key is locked, or undefined when it may try now.
 * `failures` are the key's failure times within `policy.memoryMs`, any order.
 */
export function lockedUntil(failures: readonly Date[], now: Date, policy: ThrottlePolicy): Date | undefined {
  const times = failures.map((d) => d.getTime()).filter((t) => t > now.getTime() - policy.memoryMs);
  const recent = times.filter((t) => t > now.getTime() - policy.windowMs);
  if (recent.length < policy.limit) return undefined;
  const extra = Math.min(times.length - policy.limit, 30);
  const lockMs = Math.min(policy.baseLockMs * 2 ** extra, policy.maxLockMs);
  const until = Math.max(...recent) + lockMs;
  return until > now.getTime() ? new Date(until) : undefined;
}

/** Whole minutes left until `until`, at least 1: what the refusal tells the person. */
export function minutesLeft(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / MINUTE));
}
