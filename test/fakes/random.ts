/**
 * Deterministic `Random` ports: the same seed gives the same ids, link codes
 * and option shuffles on every run, so a failing quiz test replays exactly.
 */
import type { Random } from '../../src/core/ports.js';

/** A seeded generator (mulberry32): a long, well-spread sequence, so generated ids do not collide. */
export function seededRandom(seed = 20261201): Random & { readonly draws: () => number } {
  let state = seed >>> 0;
  let draws = 0;
  return {
    next(): number {
      draws++;
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    draws: () => draws,
  };
}

/**
 * Returns the given values in order, then starts over: for tests that need one
 * particular shuffle. Values must lie in [0, 1).
 */
export function sequenceRandom(values: readonly number[]): Random {
  if (values.length === 0 || values.some((v) => !(v >= 0 && v < 1))) {
    throw new Error('sequenceRandom needs at least one value in [0, 1)');
  }
  let i = 0;
  return {
    next(): number {
      const v = values[i % values.length] as number;
      i++;
      return v;
    },
  };
}
