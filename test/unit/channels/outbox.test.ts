/**
 * The dispatcher's pauses: doubling from the base, capped, with equal jitter
 * (half fixed, half random), never shorter than the platform's own wait.
 */
import { describe, expect, it } from 'vitest';
import { retryDelay, type BackoffPolicy } from '../../../src/channels/outbox.js';

const policy: BackoffPolicy = { baseMs: 2_000, maxMs: 60_000, maxAttempts: 5 };
const fixed = (v: number) => ({ next: () => v });

describe('retryDelay', () => {
  it('doubles from the base and stops at the cap, without jitter when no randomness is given', () => {
    expect([1, 2, 3, 4, 6, 10].map((n) => retryDelay(policy, n))).toEqual([
      2_000, 4_000, 8_000, 16_000, 60_000, 60_000,
    ]);
  });

  it('spreads a pause between half of it and all of it', () => {
    expect(retryDelay(policy, 3, fixed(0))).toBe(4_000);
    expect(retryDelay(policy, 3, fixed(0.5))).toBe(6_000);
    expect(retryDelay(policy, 3, fixed(0.999999))).toBe(8_000);
  });

  it('never retries sooner than the platform asked (Retry-After)', () => {
    expect(retryDelay(policy, 1, fixed(0), 30_000)).toBe(30_000);
    expect(retryDelay(policy, 5, fixed(1), 1_000)).toBe(32_000);
  });
});
