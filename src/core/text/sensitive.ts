/**
 * @module core/text/sensitive
 *
 * Finds secrets and personal numbers in what a resident typed, so the engine
 * can warn them (the commune never needs a password, OTP or full ID number)
 * and so nothing of it is stored or logged. Patterns accept text with and
 * without marks because residents type both.
 */

export type SensitiveKind = 'password' | 'otp' | 'id-number' | 'phone';

export interface RedactionResult {
  /** The text with every sensitive value replaced by a placeholder. */
  readonly text: string;
  /** What was found; empty when the text was clean. */
  readonly kinds: ReadonlySet<SensitiveKind>;
}

const SECRET_WORD = '(?:m[aậ]t\\s*kh[aẩ]u|mk|pass(?:word|code)?|pin)';
const OTP_WORD = '(?:otp|m[aã]\\s*(?:x[aá]c\\s*(?:th[uự]c|nh[aậ]n)|otp|kích\\s*hoạt|kich\\s*hoat))';

/** Up to three words between the keyword and its separator: "mật khẩu VNeID của tôi là …". */
const GAP = '(?:\\s+[^\\s:=]{1,12}){0,3}?';
/** "là", ":", "=", or "là:" – what introduces the value. */
const SEP = '\\s*(?:l[aà]\\s*[:=]?|[:=])\\s*';
/** "mật khẩu là abc123", "mk: abc" – a value after an explicit separator. */
const SECRET_AFTER_SEPARATOR = new RegExp(`(${SECRET_WORD}${GAP}${SEP})([^\\s,;]{4,})`, 'giu');
/** "passcode 123456", "mk abc123" – a value with a digit straight after the keyword. */
const SECRET_WITH_DIGIT = new RegExp(`(${SECRET_WORD}\\s+)((?=[^\\s,;]*\\d)[^\\s,;]{4,})`, 'giu');
/** "otp 123456", "mã OTP của tôi là 1234", "otp vừa nhận: 4829". */
const OTP_VALUE = new RegExp(`(${OTP_WORD}${GAP}(?:${SEP}|\\s+))(\\d[\\d\\s]{2,10}\\d)`, 'giu');
/** Runs of digits, allowing spaces, dots or dashes between groups ("0381 234 567", "+84 912 345 678"). */
const DIGIT_RUN = /(?:\+84[\s.-]?)?\d(?:[\s.-]?\d){5,15}/gu;
/** "2025 2026 2027": a list of years is not an ID number. */
const YEAR_LIST = /^(?:(?:19|20)\d\d[\s.,-]+)+(?:19|20)\d\d$/;

/** Classifies a run of digits by its length once separators are removed. */
function classifyDigits(digits: string): SensitiveKind | undefined {
  const n = digits.length;
  if (n === 12 || n === 9) return 'id-number';
  if ((n === 10 || n === 11) && digits.startsWith('0')) return 'phone';
  if (n === 10 || n === 11) return 'id-number';
  return undefined;
}

/** Replaces passwords, OTPs, ID numbers and phone numbers with placeholders. */
export function redactSensitive(input: string): RedactionResult {
  const kinds = new Set<SensitiveKind>();
  let text = input.replace(OTP_VALUE, (_m, head: string) => {
    kinds.add('otp');
    return `${head}[đã ẩn]`;
  });
  const hideSecret = (m: string, head: string, value: string): string => {
    // Questions *about* passwords ("mật khẩu là gì", "mật khẩu là bao nhiêu số") are not secrets.
    if (/^(g[iì]|j|sao|th[eế]|ntn|bao|m[aấ]y|nh[uư]|ph[aả]i|n[aà]o|l[aà]m|\[)/iu.test(value)) return m;
    kinds.add('password');
    return `${head}[đã ẩn]`;
  };
  text = text.replace(SECRET_AFTER_SEPARATOR, hideSecret);
  text = text.replace(SECRET_WITH_DIGIT, hideSecret);
  text = text.replace(DIGIT_RUN, (m) => {
    if (YEAR_LIST.test(m)) return m;
    const digits = m.replace(/\D/g, '');
    const kind = m.startsWith('+84') ? 'phone' : classifyDigits(digits);
    if (!kind) return m;
    kinds.add(kind);
    return kind === 'phone' ? '[số điện thoại đã ẩn]' : '[số đã ẩn]';
  });
  return { text, kinds };
}

/** Only the kinds that residents must be warned about (a phone number is not a secret). */
export function secretKinds(kinds: ReadonlySet<SensitiveKind>): SensitiveKind[] {
  return [...kinds].filter((k) => k !== 'phone');
}
