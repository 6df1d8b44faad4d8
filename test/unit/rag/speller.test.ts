import { describe, expect, it } from 'vitest';
import { Speller } from '../../../src/rag/speller.js';

const vocab = new Map([
  ['vneid', 40],
  ['dang', 90],
  ['nhap', 30],
  ['ky', 80],
  ['facebook', 5],
  ['bang', 12],
]);

describe('Speller', () => {
  const s = new Speller(vocab);

  it.each([
    ['vneidd', ['vneid']],
    ['vnied', ['vneid']],
    ['facebok', ['facebook']],
    ['dangky', ['dang', 'ky']],
  ])('corrects %j', (typo, fixed) => {
    expect(s.correctToken(typo)).toEqual(fixed);
  });

  it('leaves known words, short words and well-formed syllables alone (an unknown topic stays unknown)', () => {
    expect(s.correctToken('vneid')).toEqual(['vneid']);
    expect(s.correctToken('bong')).toEqual(['bong']);
    expect(s.correctToken('xyz')).toEqual(['xyz']);
  });

  it('returns the same array when nothing changed', () => {
    const tokens = ['dang', 'nhap', 'vneid'];
    expect(s.correct(tokens)).toBe(tokens);
    expect(s.correct(['vneidd', 'ko', 'dang', 'nhap'])).toEqual(['vneid', 'ko', 'dang', 'nhap']);
  });
});
