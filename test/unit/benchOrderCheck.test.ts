import { describe, expect, it } from 'vitest';
import { checkOrder } from '../../bench/lib/orderCheck.js';

const expected = (n: number, ...who: string[]): Map<string, number> => new Map(who.map((w) => [w, n]));

describe('checkOrder (bench:scale)', () => {
  it('counts a resident whose steps arrived 1..N once each in order', () => {
    const r = checkOrder(new Map([['a', [1, 2, 3]]]), expected(3, 'a'));
    expect(r).toMatchObject({ residents: 1, inOrder: 1, missing: 0, duplicated: 0, outOfOrder: 0 });
    expect(r.examples).toEqual([]);
  });

  it('finds a missing step and a resident who got nothing', () => {
    const r = checkOrder(new Map([['a', [1, 3]]]), expected(3, 'a', 'b'));
    expect(r).toMatchObject({ inOrder: 0, missing: 1 + 3 });
    expect(r.examples[0]).toBe('a: expected 1..3, got [1, 3]');
  });

  it('finds a step delivered twice (a redelivery answered again)', () => {
    const r = checkOrder(new Map([['a', [1, 2, 2, 3]]]), expected(3, 'a'));
    expect(r).toMatchObject({ inOrder: 0, duplicated: 1, missing: 0, outOfOrder: 0 });
  });

  it('finds a step that arrived after a later one', () => {
    const r = checkOrder(new Map([['a', [1, 3, 2]]]), expected(3, 'a'));
    expect(r).toMatchObject({ inOrder: 0, outOfOrder: 1, missing: 0, duplicated: 0 });
  });
});
