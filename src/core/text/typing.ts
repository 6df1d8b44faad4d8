/**
 * @module core/text/typing
 *
 * Repairs the slips residents make typing on a phone, before anything reads
 * the question: a letter typed twice ("tinhh", "nguoii", "vneidd") and the
 * keys of the Telex input method left in a word when it was switched off
 * ("caif" for "cài", "ddaau" for "đâu", "dduwowcj" for "được"). A token is
 * changed only when it is not a well-formed Vietnamese syllable and the
 * repaired form is one, or is a word of the assistant's field
 * ({@link DOMAIN_WORDS}); so real syllables, English words and brand names
 * that break the shape either way ("facebook", "shopee") are left as typed.
 * It needs no vocabulary, so the answer layer and the index read the same
 * repaired words; the speller (rag/speller) adds the knowledge base's
 * vocabulary on top for the slips this cannot tell apart ("coong").
 */
import { ABBREVIATIONS } from './abbreviations.js';
import { isWellFormedSyllable } from './syllable.js';

/**
 * Words of the field that are not Vietnamese syllables but that residents
 * type and the answer layer recognises by name. A slip that lands on one of
 * them is repaired like a slip that lands on a syllable.
 */
export const DOMAIN_WORDS: ReadonlySet<string> = new Set(
  (
    'vneid vssid zalo facebook google youtube tiktok messenger covid internet email gmail online otp wifi ' +
    'etax iphone android smartphone website password passcode qr'
  ).split(' '),
);

/** Tone keys of Telex: a word never ends in f, j or z, and ends in s, r or x only as a Telex key. */
const TONE_KEY = /[sfrxj]$/;

/**
 * English words residents type in Vietnamese chat that end like a Telex tone
 * key after a vowel ("iPhone 11 Pro Max", "iOS"): kept as typed.
 */
const ENGLISH_KEPT: ReadonlySet<string> = new Set('ios max bus box yes tax car bar her per pro sex pos'.split(' '));

function acceptable(word: string): boolean {
  return isWellFormedSyllable(word) || DOMAIN_WORDS.has(word);
}

/** A single slip may also land on chat shorthand ("kko", "dcc", "ccccd"); two slips may not ("kkk" is laughter). */
function acceptableOnce(word: string): boolean {
  return acceptable(word) || (word.length >= 2 && ABBREVIATIONS.has(word));
}

/** Every form with one of the doubled letters typed once ("thhuong" → "thuong"). */
function singled(word: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < word.length; i++) if (word[i] === word[i - 1]) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** The word with its Telex keys read as marks and then folded: dd → d, aa/ee/oo → a/e/o, uw/ow/aw → u/o/a, tone key dropped. */
function telexFolded(word: string): string {
  let w = word
    .replace(/dd/g, 'd')
    .replace(/([aeo])\1/g, '$1')
    .replace(/([uoa])w/g, '$1');
  if (w.length >= 3 && TONE_KEY.test(w)) w = w.slice(0, -1);
  return w;
}

/** The repaired token, or the token itself when it is well formed or no repair makes it so. */
export function repairTyping(token: string): string {
  // Roman numerals ("iii", "xii") number chapters and clauses: not slips.
  if (token.length < 3 || !/^[a-z]+$/.test(token) || /^[ivx]+$/.test(token) || acceptableOnce(token)) return token;
  for (const w of singled(token)) if (acceptableOnce(w)) return w;
  // Two slips at once, or Telex keys ("w" is never written in a folded Vietnamese word, a final s/r/x/f/j only as a tone key).
  const telex = telexFolded(token);
  if (telex !== token && acceptable(telex) && !ENGLISH_KEPT.has(token)) return telex;
  for (const w of singled(token)) for (const v of singled(w)) if (acceptable(v)) return v;
  return token;
}
