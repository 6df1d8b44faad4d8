/**
 * `npm run bench:ratelimit` — what the rate limiter (src/core/rateLimit.ts)
 * costs each message, in process and in a second: one check per message over
 * 10,000 and 100,000 users in turn, the web's two checks (address, then
 * session), and the case with more users than the limiter keeps (each
 * message a new user, so every one goes through the bounded map's sweep).
 * The measurement itself is lib/rateLimitCost, shared with bench:load.
 */
import { measureRateLimitCost } from './lib/rateLimitCost.js';

const us = (ns: number): string => `${(ns / 1000).toFixed(2)} µs`;

for (const users of [10_000, 100_000]) {
  const c = measureRateLimitCost(users, 1_000_000);
  console.log(
    `${users.toLocaleString('en')} users: one check ${us(c.takeNs)} a message, web (address + session) ${us(c.webPairNs)}, ` +
      `more users than kept ${us(c.evictingNs)} (kept ${c.keptAfterEvicting.toLocaleString('en')} keys)`,
  );
}
