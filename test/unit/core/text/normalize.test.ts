import { describe, expect, it } from 'vitest';
import {
  bigrams,
  cleanText,
  foldMarks,
  hasVietnameseMarks,
  indexText,
  tokenize,
} from '../../../../src/core/text/normalize.js';

const NFC = 'Đăng ký định danh mức 2';
const NFD = NFC.normalize('NFD');

describe('tokenize', () => {
  it('gives identical tokens for NFC and NFD input', () => {
    expect(NFD).not.toBe(NFC); // the fixture really is decomposed
    expect(tokenize(NFD)).toEqual(tokenize(NFC));
  });

  it('folds tone marks, vowel marks and đ/Đ so marked and unmarked text meet', () => {
    expect(tokenize(NFC)).toEqual(['dang', 'ky', 'dinh', 'danh', 'muc', '2']);
    expect(tokenize(NFC)).toEqual(tokenize('dang ky dinh danh muc 2'));
    expect(tokenize('ĐỊNH DANH điện tử')).toEqual(['dinh', 'danh', 'dien', 'tu']);
  });

  it('splits on punctuation and keeps numbers as tokens', () => {
    expect(tokenize('VNeID, mức-2?!')).toEqual(['vneid', 'muc', '2']);
    expect(tokenize('  ')).toEqual([]);
    expect(tokenize('😀👍 ...')).toEqual([]);
  });

  it.each([
    ['ko', ['khong']],
    ['k', ['khong']],
    ['KO', ['khong']],
    ['dc', ['duoc']],
    ['đc', ['duoc']],
    ['j', ['gi']],
    ['ntn', ['nhu', 'the', 'nao']],
    ['sdt', ['so', 'dien', 'thoai']],
    ['cccd', ['can', 'cuoc', 'cong', 'dan']],
    ['CCCD', ['can', 'cuoc', 'cong', 'dan']],
    ['dvc', ['dich', 'vu', 'cong']],
    ['e', ['em']],
  ])('expands the abbreviation %s', (abbr, expected) => {
    expect(tokenize(abbr)).toEqual(expected);
  });

  it('expands abbreviations inside a sentence to match the full wording', () => {
    expect(tokenize('đổi sdt trên vneid ntn, ko dc')).toEqual(
      tokenize('đổi số điện thoại trên vneid như thế nào, không được'),
    );
    expect(tokenize('làm cccd')).toEqual(tokenize('làm căn cước công dân'));
  });

  it('reads everyday chat shorthand as the words a careful writer uses', () => {
    expect(tokenize('mn oi lm tkhoan trc hay sau, tg bn lau, cx khum bik')).toEqual(
      tokenize('mọi người ơi làm tài khoản trước hay sau, thời gian bao nhiêu lâu, cũng không biết'),
    );
  });

  it('leaves words that merely contain an abbreviation alone', () => {
    expect(tokenize('kon kho')).toEqual(['kon', 'kho']);
  });
});

describe('foldMarks', () => {
  it('lower-cases and removes every mark, including on NFD input', () => {
    expect(foldMarks('Thủ tục Đăng ký Thường trú')).toBe('thu tuc dang ky thuong tru');
    expect(foldMarks(NFD)).toBe('dang ky dinh danh muc 2');
  });
});

describe('bigrams', () => {
  it('joins adjacent syllables with "_"', () => {
    expect(bigrams(['dinh', 'danh', 'muc', '2'])).toEqual(['dinh_danh', 'danh_muc', 'muc_2']);
  });

  it('has no pairs for fewer than two tokens', () => {
    expect(bigrams(['vneid'])).toEqual([]);
    expect(bigrams([])).toEqual([]);
  });

  it('indexText puts syllables first, then their pairs', () => {
    expect(indexText('Dịch vụ công')).toBe('dich vu cong dich_vu vu_cong');
    expect(indexText('dvc')).toBe(indexText('dịch vụ công'));
  });
});

describe('cleanText', () => {
  it('removes control characters but keeps tabs and newlines inside the text', () => {
    expect(cleanText('a\u0000b\u0007c\u001Bd\u007Fe\u0085f\tg\nh')).toBe('abcdef\tg\nh');
  });

  it('removes zero-width and direction characters', () => {
    expect(cleanText('vn\u200Beid\u200C \u200Dmức\uFEFF 2\u2060\u202E')).toBe('vneid mức 2');
  });

  it('trims and composes to NFC', () => {
    const out = cleanText(`  ${NFD}\n `);
    expect(out).toBe(NFC);
    expect(out.normalize('NFC')).toBe(out);
  });

  it('turns a message of only invisible characters into an empty string', () => {
    expect(cleanText('\u200B\uFEFF \u0000\u2060')).toBe('');
  });
});

describe('hasVietnameseMarks', () => {
  it('is false for unmarked text, whatever the case', () => {
    expect(hasVietnameseMarks('dang ky dinh danh muc 2')).toBe(false);
    expect(hasVietnameseMarks('DANG KY VNeID')).toBe(false);
    expect(hasVietnameseMarks('')).toBe(false);
  });

  it('is true for tone marks, vowel marks and đ, in NFC and NFD', () => {
    expect(hasVietnameseMarks(NFC)).toBe(true);
    expect(hasVietnameseMarks(NFD)).toBe(true);
    expect(hasVietnameseMarks('đi')).toBe(true);
    expect(hasVietnameseMarks('Đ')).toBe(true);
    expect(hasVietnameseMarks('ô')).toBe(true);
  });
});
