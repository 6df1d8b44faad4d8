import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../../src/core/text/normalize.js';
import { isVietnameseSyllable, isWellFormedSyllable } from '../../../../src/core/text/syllable.js';
import { repairTypedWords, repairTyping, splitJoined } from '../../../../src/core/text/typing.js';

describe('repairTyping: a letter typed twice', () => {
  it.each([
    ['truongg', 'truong'],
    ['hhoc', 'hoc'],
    ['nhieeu', 'nhieu'],
    ['boo', 'bo'],
    ['thuee', 'thue'],
    ['luatt', 'luat'],
    ['xinn', 'xin'],
    ['bieen', 'bien'],
  ])('%j → %j', (typed, fixed) => {
    expect(repairTyping(typed)).toBe(fixed);
  });

  it('repairs a word of the field that is not a syllable ("vssidd", "zaloo")', () => {
    expect(repairTyping('vssidd')).toBe('vssid');
    expect(repairTyping('zaloo')).toBe('zalo');
    expect(repairTyping('vneiid')).toBe('vneid');
  });

  it('leaves a run of letters longer than any word as it is (a pasted blob, not a slip)', () => {
    const blob = 'e'.repeat(20_000);
    expect(repairTyping(blob)).toBe(blob);
    expect(repairTyping('vneiddddddddddddddd')).toBe('vneiddddddddddddddd');
  });

  it('lands on chat shorthand after one slip, never after two', () => {
    expect(repairTyping('dcc')).toBe('dc');
    expect(repairTyping('kkk')).toBe('kkk');
  });
});

describe('repairTyping: Telex keys left in a word', () => {
  it.each([
    ['mootj', 'mot'],
    ['ddi', 'di'],
    ['ddeen', 'den'],
    ['nhaf', 'nha'],
    ['maj', 'ma'],
    ['nuwowcs', 'nuoc'],
    ['hoongf', 'hong'],
    ['owr', 'o'],
    ['uwf', 'u'],
  ])('%j → %j', (typed, fixed) => {
    expect(repairTyping(typed)).toBe(fixed);
  });

  it('reads a final s, r, x as a tone key and w as a vowel key, except in English words residents use', () => {
    expect(repairTyping('thaays')).toBe('thay');
    expect(repairTyping('bens')).toBe('ben');
    expect(repairTyping('chor')).toBe('cho');
    expect(repairTyping('ngax')).toBe('nga');
    expect(repairTyping('tuwf')).toBe('tu');
    expect(repairTyping('muwa')).toBe('mua');
    for (const w of ['bus', 'ios', 'max', 'box']) expect(repairTyping(w)).toBe(w);
  });
});

describe('repairTyping leaves alone', () => {
  it('well-formed syllables, including the loan words written with "oo" and ưu folded to "uu"', () => {
    for (const w of ['xoong', 'boong', 'cuu', 'huu', 'luu', 'nghieng', 'khuyen']) expect(repairTyping(w)).toBe(w);
  });

  it('English words and brands whose repair is no syllable, roman numerals, numbers and short tokens', () => {
    for (const w of ['facebook', 'shopee', 'google', 'hello', 'iii', 'viii', 'xii', '2025', 'oo'])
      expect(repairTyping(w)).toBe(w);
  });
});

describe('isWellFormedSyllable', () => {
  it('rejects doubled vowels Vietnamese never writes once folded, accepts what the looser shape accepts otherwise', () => {
    for (const w of ['baan', 'khoong', 'thoon', 'chuup', 'tii']) {
      expect(isVietnameseSyllable(w)).toBe(true);
      expect(isWellFormedSyllable(w)).toBe(false);
    }
    for (const w of ['ban', 'xoong', 'huu', 'thuong', 'nguyen']) expect(isWellFormedSyllable(w)).toBe(true);
  });
});

describe('tokenize reads phone typing as the words meant', () => {
  it('one reading for the careful and the hurried spelling of a question', () => {
    expect(tokenize('Lệ phí làm thẻ căn cước là bao nhiêu?')).toEqual(tokenize('le phii lamm the can cuocc la bn'));
    expect(tokenize('Tôi không vào được tài khoản')).toEqual(tokenize('toi khoong vao dc tai khoaan'));
  });

  it('repairs a slip that lands on shorthand, then expands the shorthand', () => {
    expect(tokenize('zaloo kko gui dcc tin')).toEqual(['zalo', 'khong', 'gui', 'duoc', 'tin']);
  });

  it('Telex typed with the input method off reads as the folded words', () => {
    expect(tokenize('caif ddawt lichj khams')).toEqual(['cai', 'dat', 'lich', 'kham']);
  });
});

describe('splitJoined: syllables typed without the space', () => {
  it.each([
    ['chuyenkhoan', ['chuyen', 'khoan']],
    ['hoctap', ['hoc', 'tap']],
    ['thenao', ['the', 'nao']],
    ['lamthenao', ['lam', 'the', 'nao']],
    ['baonhieu', ['bao', 'nhieu']],
    ['odau', ['o', 'dau']],
    ['nguoidan', ['nguoi', 'dan']],
  ])('%j → %j', (typed, parts) => {
    expect(splitJoined(typed)).toEqual(parts);
  });

  it('leaves a slip inside one word whole, for the speller ("ngupi" is "nguoi" with one wrong key)', () => {
    expect(splitJoined('ngupi')).toBeUndefined();
    expect(splitJoined('thosi')).toBeUndefined();
  });

  it('prefers a piece that opens with a two-letter initial ("co|the", not "cot|he")', () => {
    expect(splitJoined('cothe')).toEqual(['co', 'the']);
    expect(splitJoined('bikhoa')).toEqual(['bi', 'khoa']);
    expect(splitJoined('hokhau')).toEqual(['ho', 'khau']); // not the shorthand "hok" + "hau"
  });

  it('leaves a token whole when two splits are equally good (the speller decides with the vocabulary)', () => {
    expect(splitJoined('congan')).toBeUndefined(); // cong|an, con|gan or co|ngan
    expect(splitJoined('nganhang')).toBeUndefined(); // ngan|hang or nga|nhang
  });

  it('never splits syllables, words of the field, shorthand or words that split no way', () => {
    for (const w of ['nghieng', 'vneid', 'hocvuso', 'cccd', 'facebook', 'google', 'laptop', 'ab'])
      expect(splitJoined(w)).toBeUndefined();
  });

  it('splits a word of the field or shorthand from the syllable typed against it', () => {
    expect(splitJoined('xoavneid')).toEqual(['xoa', 'vneid']);
    expect(splitJoined('zalobi')).toEqual(['zalo', 'bi']);
    expect(tokenize('doisdt')).toEqual(['doi', 'so', 'dien', 'thoai']);
  });

  it('uses the spelling of initials to rule out rival splits ("thung|hang", never "thu|nghang")', () => {
    expect(splitJoined('cungnghe')).toEqual(['cung', 'nghe']);
    expect(splitJoined('thunghang')).toEqual(['thung', 'hang']);
  });

  it('tokenize splits them, so the answer layer reads the words too', () => {
    expect(tokenize('caidat ungdung o dau')).toEqual(['cai', 'dat', 'ung', 'dung', 'o', 'dau']);
  });
});

describe('isWellFormedSyllable: spelling of initials', () => {
  it('gh, ngh and k stand only before e, i, y; c, g and ng never do', () => {
    for (const w of ['ghop', 'ngha', 'kao', 'ce', 'ngi', 'ge']) expect(isWellFormedSyllable(w)).toBe(false);
    for (const w of ['ghe', 'nghi', 'ky', 'khong', 'cha', 'gi', 'gin', 'nga', 'ne'])
      expect(isWellFormedSyllable(w)).toBe(true);
  });
});

describe('isWellFormedSyllable: vowel clusters', () => {
  it('accepts only the clusters Vietnamese writes', () => {
    for (const w of ['soea', 'nguai', 'thoui', 'kieo']) expect(isWellFormedSyllable(w)).toBe(false);
    for (const w of ['khuay', 'ruou', 'khuya', 'ngoeo', 'hoai', 'quay', 'xoay'])
      expect(isWellFormedSyllable(w)).toBe(true);
  });

  it('a cluster ending in a glide takes no final consonant; uô/iê/yê need one', () => {
    for (const w of ['baon', 'caim', 'muo', 'tie']) expect(isWellFormedSyllable(w)).toBe(false);
    for (const w of ['bao', 'muon', 'tien', 'yeu', 'giup', 'giong', 'quyen', 'huynh', 'thuong', 'gioi'])
      expect(isWellFormedSyllable(w)).toBe(true);
  });
});

describe('repairTypedWords', () => {
  it('repairs the words typed without marks and leaves the rest of the message as typed', () => {
    expect(repairTypedWords('Làm lại giấy khai sinh ttheo quy dinh, vneidd ko vào được?')).toBe(
      'Làm lại giấy khai sinh theo quy dinh, vneid ko vào được?',
    );
    // Marked words, real syllables, numbers and brand names are never touched.
    expect(repairTypedWords('Xoong nồi, facebook, iPhone 11 Pro Max, mức 2')).toBe(
      'Xoong nồi, facebook, iPhone 11 Pro Max, mức 2',
    );
  });
});
