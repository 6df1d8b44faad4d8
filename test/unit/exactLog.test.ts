/**
 * rag/exactLog rounds ln(x) correctly: the values below were checked with
 * 60-digit decimal arithmetic; glibc's log (and so FTS5's bm25) rounds them
 * the other way, and V8's Math.log misses others.
 */
import { describe, expect, it } from 'vitest';
import { exactLog } from '../../src/rag/exactLog.js';

describe('exactLog', () => {
  it('rounds to the nearest double where libm does not', () => {
    expect(exactLog(1.1689259645464025)).toBe(0.1560853481887217);
    expect(exactLog(1.2182302062541583)).toBe(0.19739915492153623);
    expect(exactLog(0.9223524889486835)).toBe(-0.08082781943205794);
  });

  it('is exact where the answer is known, and within a unit in the last place of Math.log elsewhere', () => {
    expect(exactLog(1)).toBe(0);
    expect(exactLog(2)).toBe(Math.LN2);
    expect(exactLog(10)).toBe(Math.LN10);
    expect(exactLog(Math.E)).toBe(1);
    for (const x of [1e-300, 3e-9, 0.5, 0.7071, 1.4143, 3, 1039.5 / 0.5, 123456.789, 1e300]) {
      const y = exactLog(x);
      const m = Math.log(x);
      expect(Math.abs(y - m)).toBeLessThanOrEqual(Math.abs(m) * Number.EPSILON);
    }
  });

  it('leaves what has no real logarithm to Math.log', () => {
    expect(exactLog(0)).toBe(-Infinity);
    expect(exactLog(-1)).toBeNaN();
  });
});
