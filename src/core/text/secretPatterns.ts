/**
 * @module core/text/secretPatterns
 *
 * The wordings residents use to type a password, passcode, PIN or OTP, as
 * patterns over the *folded* text (lower case, marks removed, đ→d; see
 * `foldAligned` in sensitive.ts), so "mật khẩu", "mat khau" and "MẬT KHẨU"
 * are one pattern. A value may come after the keyword ("mật khẩu VNeID mới
 * của tôi là Hoa123xyz", "passcode vneid 246810", "my password is …") or
 * before it ("135790 là mã OTP ngân hàng gửi"), within one clause: words in
 * between never cross a full stop, comma, semicolon or a placeholder.
 */
import { isVietnameseSyllable } from './syllable.js';

/** Start and end of a word, for letters with or without marks. */
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';

/** Passwords, passcodes and PINs (bare "pin" is also a battery, see PIN_WORD). */
const SECRET_WORD = `${B}(?:mat\\s*khau|mat\\s*ma|mk|pass(?:\\s*(?:word|code)|wd)?|pwd|(?:ma|so)\\s*pin|pin\\s*code)${E}`;
/** "pin" alone: a secret only with an explicit separator and digits ("pin: 1234", "my pin is 1234"). */
const PIN_WORD = `${B}pin${E}`;
/** One-time codes, in Vietnamese and English. */
const OTP_WORD =
  `${B}(?:smart\\s*otp|otp|ma\\s*(?:otp|xac\\s*(?:thuc|nhan|minh)|kich\\s*hoat|bao\\s*mat|giao\\s*dich)` +
  `|verification\\s*code|security\\s*code|one[\\s-]*time\\s*(?:code|password|pin)|auth(?:entication)?\\s*code|2fa(?:\\s*code)?)(?!\\p{L})`;

/** A word between the keyword and the value: no clause punctuation, no placeholder. */
const GAP_WORD = '[^\\s.!?;:=,\\[\\]]{1,20}';
/** "là", "chính là", "is", ":", "=" (and "là:"): what introduces a value. */
const SEP = `(?:\\s+(?:chinh\\s+la|la|is|was)${E}\\s*[:=]?\\s*|\\s*[:=]\\s*)`;
/** A typed value: no spaces, no clause punctuation. */
const VALUE = '[^\\s,;\\[\\]]{4,64}';
/** Looks ahead for a digit inside the value that follows. */
const WITH_DIGIT = '(?=[^\\s,;\\[\\]]*\\d)';
/** Four to ten digits, maybe in groups: "123456", "123 456", "12-34-56". */
const CODE_DIGITS = '\\d(?:[\\s.-]?\\d){3,9}(?!\\d)';

export type SecretKind = 'password' | 'otp';

/** Any keyword at all: a message without one (and without a digit) has no secret to find. */
export const SECRET_KEYWORD = new RegExp(`${SECRET_WORD}|${PIN_WORD}|${OTP_WORD}`, 'u');

/**
 * One way of typing a secret: the pattern (over folded text) and which of its
 * groups is the value. `accept` judges the value and the keyword found.
 */
export interface SecretPattern {
  readonly regex: RegExp;
  /** Index of the capture group holding the keyword, and of the one holding the value. */
  readonly keyword: number;
  readonly value: number;
  readonly kind: (keyword: string) => SecretKind;
  readonly accept: (value: string, keyword: string) => boolean;
}

const otpOrPassword = (keyword: string): SecretKind => (new RegExp(OTP_WORD, 'u').test(keyword) ? 'otp' : 'password');

/** English words that follow "password is" in a sentence about a password, not in a password. */
const ENGLISH_PROSE = new Set(
  (
    'wrong incorrect correct weak strong forgotten forgot lost expired invalid required needed what where when which ' +
    'being still very always never changed blocked locked reset same different this that okay fine safe secure ' +
    'secret private long short case empty working used asked leaked stolen also just only hard easy good gone there ' +
    'here something nothing sent given shown saved stored mine yours known unknown'
  ).split(' '),
);

const digitsOf = (v: string): number => v.replace(/\D/g, '').length;
const YEAR = /^(?:19|20)\d\d$/;
/** "8-12", "5ghz", "12h", "6so": counts and units, not secrets. */
const UNIT = /^\d{1,3}(?:[-–/]\d{1,3})?[a-z]{0,5}$/;

/**
 * A value after an explicit "là"/":"/"is": anything of four characters or
 * more, except a word of prose ("là gì", "là chuỗi ký tự", "is wrong"): a
 * Vietnamese syllable, a word that had marks, or a common English word.
 */
function secretAfterSeparator(value: string, keyword: string): boolean {
  if (value.length < 4 || value.startsWith('[') || UNIT.test(value)) return false;
  const hasDigit = /\d/.test(value);
  // "mk" is also chat shorthand for "mình": "mk là sinh viên" is not a password.
  if (keyword === 'mk' && !hasDigit) return false;
  if (hasDigit) return digitsOf(value) >= 4 || /\p{L}/u.test(value);
  if (!/^[a-z]+$/.test(value)) return !/^\p{L}+$/u.test(value);
  return !isVietnameseSyllable(value) && !ENGLISH_PROSE.has(value);
}

/**
 * A value straight after the keyword (a few words allowed in between), with
 * no separator: only something that looks like a code counts ("passcode vneid
 * 246810", "mk abc123"), never "mật khẩu có 8-12 ký tự" or "năm 2025".
 */
function secretWithoutSeparator(value: string): boolean {
  if (value.startsWith('[') || UNIT.test(value) || YEAR.test(value)) return false;
  const digits = digitsOf(value);
  if (digits >= 4) return true;
  return digits >= 1 && /[a-z]/.test(value) && value.length >= 6;
}

/** A value typed before the keyword ("135790 là mã OTP", "Hoa@1990 là mật khẩu"): it must hold digits. */
function secretBeforeKeyword(value: string): boolean {
  if (value.startsWith('[') || UNIT.test(value) || YEAR.test(value)) return false;
  const digits = digitsOf(value);
  return digits >= 4 || (digits >= 1 && /[a-z]/.test(value) && value.length >= 6);
}

const PIN_VALUE = /^\d{4,8}$/;

/** Applied in this order; each sees the text with the previous ones' values already hidden. */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    // "mã OTP ngân hàng gửi là 135790", "otp 123 456", "otp123456"
    regex: new RegExp(`(${OTP_WORD})((?:\\s+${GAP_WORD}){0,8}?)(${SEP}|\\s*)(${CODE_DIGITS})`, 'gu'),
    keyword: 1,
    value: 4,
    kind: () => 'otp',
    accept: () => true,
  },
  {
    // "135790 là mã OTP ngân hàng gửi", "246810 passcode vneid", "Hoa@1990 chính là mật khẩu của tôi"
    regex: new RegExp(
      `${B}(${WITH_DIGIT}[^\\s,;!?\\[\\]]{4,64})(\\s+(?:(?:chinh\\s+)?la|is|was)${E}(?:\\s+${GAP_WORD}){0,2}?\\s+|\\s*[:=]\\s*|\\s+)(${OTP_WORD}|${SECRET_WORD})`,
      'gu',
    ),
    keyword: 3,
    value: 1,
    kind: otpOrPassword,
    accept: secretBeforeKeyword,
  },
  {
    // "mật khẩu VNeID mới của tôi là Hoa123xyz", "my password is hunter2secret", "pin: 1234"
    regex: new RegExp(`(${SECRET_WORD}|${PIN_WORD})((?:\\s+${GAP_WORD}){0,8}?)(${SEP})(${VALUE})`, 'gu'),
    keyword: 1,
    value: 4,
    kind: () => 'password',
    accept: (value, keyword) =>
      keyword === 'pin' ? PIN_VALUE.test(value) : secretAfterSeparator(value, keyword.replace(/\s+/g, ' ')),
  },
  {
    // "passcode vneid 246810 bị khóa", "mk 12345678"
    regex: new RegExp(`(${SECRET_WORD})((?:\\s+${GAP_WORD}){0,3}?)\\s+(${WITH_DIGIT}${VALUE})`, 'gu'),
    keyword: 1,
    value: 3,
    kind: () => 'password',
    accept: (value) => secretWithoutSeparator(value),
  },
];
