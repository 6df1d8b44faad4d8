/**
 * @module core/registry/linkGuard
 *
 * Limits on guessing link codes. A code joins the person who types it to the
 * citizen who made it, so a guessed live code is a stolen identity: 2,474
 * guesses a second from one client used to be accepted. Only failures count
 * (an unknown, expired or used code), per identity and per network address
 * (the web's cookie is free to throw away, its address is not); a person who
 * mistypes once or twice never notices.
 */
import type { Clock } from '../ports.js';
import { RateLimiter } from '../rateLimit.js';

/** Failed attempts allowed per identity: 5 per 10 minutes. */
export const LINK_FAILURES_PER_IDENTITY = { burst: 5, perMinute: 0.5 } as const;
/** Failed attempts allowed per network address: 20 per 10 minutes. */
export const LINK_FAILURES_PER_ADDRESS = { burst: 20, perMinute: 2 } as const;

export interface LinkGuard {
  /** Whether these keys may try a code now. */
  allows(keys: readonly string[]): boolean;
  /** Counts a failed attempt against every key. */
  failed(keys: readonly string[]): void;
}

/** Keys of one attempt: the identity, and the address when the channel knows it. */
export function linkGuardKeys(identity: { channel: string; userId: string }, network?: string): string[] {
  const keys = [`id:${identity.channel}:${identity.userId}`];
  if (network !== undefined) keys.push(`net:${network}`);
  return keys;
}

/** The in-memory guard: one bucket of failures per key, identities and addresses with their own limits. */
export function createLinkGuard(clock: Clock): LinkGuard {
  const identities = new RateLimiter(LINK_FAILURES_PER_IDENTITY, clock);
  const addresses = new RateLimiter(LINK_FAILURES_PER_ADDRESS, clock);
  const limiterOf = (key: string): RateLimiter => (key.startsWith('net:') ? addresses : identities);
  return {
    allows: (keys) => keys.every((k) => limiterOf(k).allows(k)),
    failed: (keys) => {
      for (const k of keys) limiterOf(k).take(k);
    },
  };
}
