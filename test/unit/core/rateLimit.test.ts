/**
 * The token buckets every channel checks before the engine: a burst, then a
 * steady rate, one bucket per key (one person's flood never empties
 * another's), a polite message said once per flood, and a map that stays
 * bounded whatever number of keys arrives.
 */
import { describe, expect, it } from 'vitest';
import { RateLimiter, retrySeconds, takeAll, tooFastText } from '../../../src/core/rateLimit.js';
import { fixedClock } from '../../helpers.js';

const at = (clock: ReturnType<typeof fixedClock>, ms: number): void =>
  clock.set(new Date(clock.now().getTime() + ms).toISOString());

describe('RateLimiter', () => {
  it('allows a burst, then refuses with the wait until the next token, and refills at the rate', () => {
    const clock = fixedClock();
    const limiter = new RateLimiter({ burst: 3, perMinute: 6 }, clock);
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    const refused = limiter.take('a');
    expect(refused).toEqual({ ok: false, retryAfterMs: 10_000, first: true });
    expect(retrySeconds(refused)).toBe(10);
    at(clock, 9_999);
    expect(limiter.take('a').ok).toBe(false);
    at(clock, 1);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it("keeps each key's bucket apart: one key's flood leaves another untouched", () => {
    const clock = fixedClock();
    const limiter = new RateLimiter({ burst: 2, perMinute: 1 }, clock);
    for (let i = 0; i < 1000; i++) limiter.take('flood');
    expect(limiter.take('calm').ok).toBe(true);
    expect(limiter.take('calm').ok).toBe(true);
  });

  it('says "first" once per flood, again only after an allowed request', () => {
    const clock = fixedClock();
    const limiter = new RateLimiter({ burst: 1, perMinute: 60 }, clock);
    limiter.take('a');
    const firsts = [1, 2, 3].map(() => {
      const r = limiter.take('a');
      return !r.ok && r.first;
    });
    expect(firsts).toEqual([true, false, false]);
    at(clock, 1000);
    expect(limiter.take('a').ok).toBe(true);
    const again = limiter.take('a');
    expect(!again.ok && again.first).toBe(true);
  });

  it('never refills above the burst after a long pause', () => {
    const clock = fixedClock();
    const limiter = new RateLimiter({ burst: 2, perMinute: 60 }, clock);
    limiter.take('a');
    at(clock, 3_600_000);
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, false]);
  });

  it('stays bounded under a flood of fresh keys, dropping refilled buckets first', () => {
    const clock = fixedClock();
    const limiter = new RateLimiter({ burst: 1, perMinute: 1 }, clock, 100);
    for (let i = 0; i < 10_000; i++) limiter.take(`k${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    // A key emptied a moment ago is still held while the map is full of other fresh keys.
    limiter.take('flooder');
    for (let i = 0; i < 50; i++) limiter.take(`m${i}`);
    expect(limiter.take('flooder').ok).toBe(false);
    // Once every bucket has refilled, a sweep drops them all before anything active.
    at(clock, 61_000);
    limiter.take('active');
    for (let i = 0; i < 50; i++) limiter.take(`n${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    expect(limiter.take('active').ok).toBe(false);
  });

  it('allows() looks without taking', () => {
    const clock = fixedClock();
    const limiter = new RateLimiter({ burst: 1, perMinute: 1 }, clock);
    expect(limiter.allows('a')).toBe(true);
    expect(limiter.allows('a')).toBe(true);
    limiter.take('a');
    expect(limiter.allows('a')).toBe(false);
  });

  it('takeAll stops at the first refusal', () => {
    const clock = fixedClock();
    const address = new RateLimiter({ burst: 1, perMinute: 1 }, clock);
    const person = new RateLimiter({ burst: 5, perMinute: 1 }, clock);
    expect(
      takeAll([
        [address, 'ip'],
        [person, 'p'],
      ]).ok,
    ).toBe(true);
    expect(
      takeAll([
        [address, 'ip'],
        [person, 'p'],
      ]).ok,
    ).toBe(false);
    // The refused request took nothing from the person's bucket: four left.
    expect([1, 2, 3, 4, 5].map(() => person.take('p').ok)).toEqual([true, true, true, true, false]);
  });

  it('words the wait politely in seconds or minutes', () => {
    expect(tooFastText(20)).toContain('khoảng 20 giây');
    expect(tooFastText(150)).toContain('khoảng 3 phút');
    expect(tooFastText(5)).toMatch(/^Bà con gửi hơi nhanh/);
  });
});
