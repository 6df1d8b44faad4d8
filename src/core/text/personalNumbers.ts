/**
 * @module core/text/personalNumbers
 *
 * What a run of digits in a resident's message is, from its length and the
 * words just before it in the same clause: an ID number (9 or 12 digits), a
 * phone number, a bank account (6–19 digits after "số tài khoản", "stk",
 * "account"; any 13–19 digits that fail the card check) or a payment card
 * (13–19 digits that pass the Luhn check, or follow "thẻ", "card"). Works on
 * folded text (lower case, no marks), like the secret patterns.
 */

export type NumberKind = 'id-number' | 'phone' | 'bank-account' | 'card';

/** Runs of digits, allowing spaces, dots or dashes between groups ("0381 234 567", "+84 912 345 678"). */
export const DIGIT_RUN = /(?:\+84[\s.-]?)?\d(?:[\s.-]?\d){5,18}/gu;
/** "2025 2026 2027": a list of years is not an ID number. */
const YEAR_LIST = /^(?:(?:19|20)\d\d[\s.,-]+)+(?:19|20)\d\d$/;
/** "113 114 115": the emergency lines, listed. */
const HOTLINE_LIST = /^11[1-6](?:[\s.,-]+11[1-6])+$/;
/** A number followed by a currency or unit is an amount ("2026 400.000 đồng", "1.500.000 d", "500k"). */
const AMOUNT_AFTER = /^\s*(?:dong|d|vnd|k|nghin|ngan(?!\s*hang)|trieu|tr|ty|%)(?![\p{L}\p{N}])/u;

const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
/** Up to five words, then maybe ":" or "là", right before the number. */
const NEAR = '(?:\\s+[^\\s.!?;]{1,20}){0,5}?\\s*[:=]?\\s*$';
const ACCOUNT_BEFORE = new RegExp(
  `${B}(?:so\\s*tai\\s*khoan|tai\\s*khoan|so\\s*tk|stk|tk|account(?:\\s*(?:number|no))?|acct|a/c)${E}${NEAR}`,
  'u',
);
const CARD_BEFORE = new RegExp(`${B}(?:so\\s*the|the|card(?:\\s*number)?|visa|master\\s*card)${E}${NEAR}`, 'u');
/** An identity account ("tài khoản định danh", VNeID) holds an ID number, not a bank account. */
const IDENTITY_WORDS = /dinh\s*danh|vneid|can\s*cuoc|cccd|cmnd|bhxh|bao\s*hiem/u;

/** The Luhn checksum that every payment card number satisfies. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Classifies one digit run; `clause` is the folded text just before it, back
 * to the start of its clause (a few words are enough), `after` the folded
 * text right after it. Undefined means an ordinary number (an amount, a year
 * list, the emergency lines, a date).
 */
export function classifyNumber(run: string, clause: string, after = ''): NumberKind | undefined {
  if (YEAR_LIST.test(run) || HOTLINE_LIST.test(run) || AMOUNT_AFTER.test(after)) return undefined;
  if (run.startsWith('+84')) return 'phone';
  const digits = run.replace(/\D/g, '');
  const n = digits.length;
  if (n >= 6 && ACCOUNT_BEFORE.test(clause) && !IDENTITY_WORDS.test(clause)) return 'bank-account';
  if (n >= 13) return luhnValid(digits) || CARD_BEFORE.test(clause) ? 'card' : 'bank-account';
  if (n === 12 || n === 9) return 'id-number';
  if ((n === 10 || n === 11) && digits.startsWith('0')) return 'phone';
  if (n === 10 || n === 11) return 'id-number';
  return undefined;
}
