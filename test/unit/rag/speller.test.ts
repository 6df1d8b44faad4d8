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

describe('Speller: syllables typed together', () => {
  const s = new Speller(
    new Map([
      ['ngan', 50],
      ['hang', 60],
      ['nga', 3],
      ['nhang', 1],
      ['thi', 40],
      ['truong', 30],
      ['thit', 2],
      ['ruong', 1],
      ['dien', 20],
      ['thoai', 25],
      ['moi', 35],
    ]),
  );

  it('splits where the pieces are words the knowledge base uses most, not merely known ones', () => {
    expect(s.correctToken('nganhang')).toEqual(['ngan', 'hang']);
    expect(s.correctToken('thitruong')).toEqual(['thi', 'truong']);
  });

  it('splits three syllables typed together', () => {
    expect(s.correctToken('dienthoaimoi')).toEqual(['dien', 'thoai', 'moi']);
  });

  it('leaves a token whose pieces are not all known', () => {
    expect(s.correctToken('ngankhoz')).toEqual(['ngankhoz']);
  });
});
