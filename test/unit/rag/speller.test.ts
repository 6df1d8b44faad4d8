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

describe('Speller: tokens shaped like a syllable that Vietnamese never writes', () => {
  const s = new Speller(
    new Map([
      ['nguoi', 50],
      ['thoai', 20],
      ['bong', 0],
    ]),
  );

  it('mends one wrong or missing letter when the result is a known word ("nguai", "thoi" is left: it is a syllable)', () => {
    expect(s.correctToken('nguai')).toEqual(['nguoi']);
    expect(s.correctToken('thoia')).toEqual(['thoai']);
    expect(s.correctToken('thoi')).toEqual(['thoi']);
  });

  it('still leaves a well-formed syllable the knowledge base lacks ("bong" stays, so the honest "not sure" survives)', () => {
    expect(s.correctToken('bong')).toEqual(['bong']);
  });
});
