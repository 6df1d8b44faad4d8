import { describe, expect, it } from 'vitest';
import { maxRrfScore, reciprocalRankFusion, RRF_K } from '../../../src/rag/rrf.js';

describe('reciprocalRankFusion', () => {
  it('sums 1/(k + rank) over the rankings that list an item', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['c', 'a'],
    ]);
    const score = new Map(fused.map((f) => [f.id, f.score]));
    expect(score.get('a')).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(score.get('b')).toBeCloseTo(1 / 62, 12);
    expect(score.get('c')).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(fused.map((f) => f.id)).toEqual(['a', 'c', 'b']);
    expect(fused.find((f) => f.id === 'b')?.ranks).toEqual([2, undefined]);
  });

  it('lets two rankers that agree beat one ranker that is sure', () => {
    // x is second in both lists, y first in one and absent from the other.
    const fused = reciprocalRankFusion([
      ['y', 'x'],
      ['z', 'x'],
    ]);
    expect(fused[0]?.id).toBe('x');
  });

  it('breaks ties by best rank, then in favour of the earlier ranking', () => {
    // p and q have the same ranks (1 and 3) in opposite lists; r and s appear once each at rank 2.
    const fused = reciprocalRankFusion([
      ['p', 'r', 'q'],
      ['q', 's', 'p'],
    ]);
    expect(fused.map((f) => f.id)).toEqual(['p', 'q', 'r', 's']);
  });

  it('never lets an item found by one ranking alone pass the first item of the other', () => {
    const fused = reciprocalRankFusion([['lexical-first'], ['dense-only', 'other']]);
    expect(fused[0]?.id).toBe('lexical-first');
    expect(fused[0]?.score).toBe(fused[1]?.score);
  });

  it('counts an id repeated within one ranking at its first position only', () => {
    const fused = reciprocalRankFusion([['a', 'a', 'b']]);
    expect(fused.map((f) => [f.id, f.score])).toEqual([
      ['a', 1 / 61],
      ['b', 1 / 63],
    ]);
  });

  it('handles empty input and honours k', () => {
    expect(reciprocalRankFusion([])).toEqual([]);
    expect(reciprocalRankFusion([[], []])).toEqual([]);
    expect(reciprocalRankFusion([['a']], 0)[0]?.score).toBe(1);
    expect(() => reciprocalRankFusion([['a']], -1)).toThrow(RangeError);
    expect(() => reciprocalRankFusion([['a']], Number.NaN)).toThrow(RangeError);
  });

  it('has a maximum of one first place per ranking', () => {
    const [top] = reciprocalRankFusion([['a'], ['a']]);
    expect(top?.score).toBeCloseTo(maxRrfScore(2), 15);
    expect(maxRrfScore(2, RRF_K)).toBeCloseTo(2 / 61, 15);
  });
});
