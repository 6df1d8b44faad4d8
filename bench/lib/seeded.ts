/**
 * The benches' one seeded generator (mulberry32): simulated residents' choices
 * and phone-typing errors come from a fixed seed, so two runs of a bench, and
 * a bench before and after a change, draw the same sequence and compare.
 * Not for anything secret: the service uses node:crypto.
 */

/** Floats in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
