/**
 * What the rate limiter costs a message, measured in process: `take` over
 * many identities in turn (each call a different key, as under many users),
 * and the web's pair of checks (`takeAll`, per address then per session) that
 * every `/api/chat` turn pays before the engine. The clock is the system's,
 * as in the service, so a `Date` per call is part of the figure.
 */
import { RateLimiter, takeAll, type RateRule } from '../../src/core/rateLimit.js';

/** Generous enough that no call is refused: the cost of an allowed message is what a resident pays. */
const RULE: RateRule = { burst: 1_000_000, perMinute: 1_000_000 };
const clock = { now: (): Date => new Date() };

export interface RateLimitCost {
  readonly identities: number;
  /** One `take` per message, keys in turn. */
  readonly takeNs: number;
  /** The web's two checks per message (`takeAll` per address and per session). */
  readonly webPairNs: number;
  /** One `take` when there are more identities than the limiter keeps (every call evicts the oldest). */
  readonly evictingNs: number;
  /** Keys the limiter held afterwards (bounded by its `maxKeys`). */
  readonly keptAfterEvicting: number;
}

function nsPerCall(calls: number, run: (i: number) => void): number {
  for (let i = 0; i < Math.min(calls, 20_000); i++) run(i); // warm up: the first pass fills the map and compiles
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) run(i);
  return Number(process.hrtime.bigint() - t0) / calls;
}

export function measureRateLimitCost(identities = 10_000, calls = 1_000_000): RateLimitCost {
  const keys = Array.from({ length: identities }, (_, i) => `web:bench-session-${i.toString(36).padStart(8, '0')}`);
  const nets = Array.from(
    { length: identities },
    (_, i) => `web-net:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  );
  const one = new RateLimiter(RULE, clock);
  const takeNs = nsPerCall(calls, (i) => one.take(keys[i % identities] ?? ''));
  const perAddress = new RateLimiter(RULE, clock);
  const perIdentity = new RateLimiter(RULE, clock);
  const webPairNs = nsPerCall(calls, (i) =>
    takeAll([
      [perAddress, nets[i % identities] ?? ''],
      [perIdentity, keys[i % identities] ?? ''],
    ]),
  );
  const small = new RateLimiter(RULE, clock, Math.floor(identities / 2));
  const evictingNs = nsPerCall(calls, (i) => small.take(keys[i % identities] ?? ''));
  return { identities, takeNs, webPairNs, evictingNs, keptAfterEvicting: small.size };
}
