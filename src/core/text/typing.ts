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
const DOMAIN_WORDS: ReadonlySet<string> = new Set(
  (
    'vneid vssid zalo facebook google youtube tiktok messenger covid internet email gmail online otp wifi ' +
    'etax iphone android smartphone website password passcode qr laptop mobile banking video game logo hotline ' +
    'update phone home media hocvuso chatbot apple'
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
  // The tone key goes first: "owr" (ở) is three keys for one letter.
  const toneless = TONE_KEY.test(word) ? word.slice(0, -1) : word;
  return toneless
    .replace(/dd/g, 'd')
    .replace(/([aeo])\1/g, '$1')
    .replace(/([uoa])w/g, '$1');
}

/**
 * The longest token worth repairing: a syllable or a field word ("vneid") with a slip or two. Longer
 * runs of letters are not typing slips, and trying every variant of them would cost time quadratic in
 * their length (a 20,000-letter "word" took 20 s).
 */
const MAX_REPAIRED = 16;

/** The repaired token, or the token itself when it is well formed or no repair makes it so. */
export function repairTyping(token: string): string {
  // Roman numerals ("iii", "xii") number chapters and clauses: not slips.
  if (
    token.length < 3 ||
    token.length > MAX_REPAIRED ||
    !/^[a-z]+$/.test(token) ||
    /^[ivx]+$/.test(token) ||
    acceptableOnce(token)
  )
    return token;
  for (const w of singled(token)) if (acceptableOnce(w)) return w;
  // Two slips at once, or Telex keys ("w" is never written in a folded Vietnamese word, a final s/r/x/f/j only as a tone key).
  const telex = telexFolded(token);
  if (telex !== token && acceptable(telex) && !ENGLISH_KEPT.has(token)) return telex;
  for (const w of singled(token)) for (const v of singled(w)) if (acceptable(v)) return v;
  return token;
}

/** Syllables that start with a consonant: the usual case, so a split that gives one ("the|nao", not "then|ao") is preferred. */
function hasInitial(syllable: string): boolean {
  return !/^[aeiouy]/.test(syllable);
}

/**
 * True when one wrong key makes the token a syllable or a word of the field
 * ("ngupi" for "nguoi", "thosi" for "thoai", "videp" for "video"): such a token is a slip inside one word, which the
 * speller mends with the knowledge base's words, not two words run together.
 */
function oneKeyFromSyllable(token: string): boolean {
  for (let i = 0; i < token.length; i++)
    for (const c of 'abcdefghijklmnopqrstuvwxyz')
      if (c !== token[i] && acceptable(token.slice(0, i) + c + token.slice(i + 1))) return true;
  return false;
}

/** Longest token that is tried as syllables typed together (three syllables of five letters and a bit). */
const MAX_JOINED = 16;

/**
 * Two or three syllables typed without the space between them ("dangky",
 * "taikhoan", "lamthenao"), split where every piece is a well-formed syllable.
 * A token one wrong key away from a syllable is left whole (see
 * oneKeyFromSyllable). Only a split with no rival is taken: the fewest pieces, then the most
 * pieces with an initial consonant ("the|nao" over "then|ao"); when two
 * splits still tie ("ngan|hang", "nga|nhang") the token is left whole for the
 * speller, which knows the knowledge base's words. Undefined when the token is
 * well formed, a word of the field, shorthand, or splits no way or several.
 */
export function splitJoined(token: string): string[] | undefined {
  if (token.length < 4 || token.length > MAX_JOINED || !/^[a-z]+$/.test(token)) return undefined;
  if (acceptableOnce(token) || oneKeyFromSyllable(token)) return undefined;
  // "ở", "à", "ạ" are single letters residents run into the next word ("odau").
  const piece = (s: string): boolean => (s.length >= 2 || s === 'o' || s === 'a') && isWellFormedSyllable(s);
  // A word of the field or longer shorthand may be one of two pieces ("dungvneid", "lamcccd").
  const pieceOfTwo = (s: string): boolean => DOMAIN_WORDS.has(s) || (s.length >= 3 && ABBREVIATIONS.has(s));
  const syllables: string[][] = [];
  const withWords: string[][] = [];
  for (let i = 1; i < token.length; i++) {
    const a = token.slice(0, i);
    const rest = token.slice(i);
    if (piece(a) && piece(rest)) syllables.push([a, rest]);
    else if ((piece(a) || pieceOfTwo(a)) && (piece(rest) || pieceOfTwo(rest))) withWords.push([a, rest]);
    if (!piece(a)) continue;
    for (let j = 1; j < rest.length; j++) {
      const b = rest.slice(0, j);
      const c = rest.slice(j);
      if (piece(b) && piece(c)) syllables.push([a, b, c]);
    }
  }
  // Syllables first: "hokhau" is "ho|khau", not the shorthand "hok" and "hau".
  const splits = syllables.length > 0 ? syllables : withWords;
  if (splits.length === 0) return undefined;
  const fewest = Math.min(...splits.map((p) => p.length));
  let best = splits.filter((p) => p.length === fewest);
  for (const score of [initials, digraphs]) {
    const top = Math.max(...best.map(score));
    best = best.filter((p) => score(p) === top);
  }
  return best.length === 1 ? best[0] : undefined;
}

function initials(parts: readonly string[]): number {
  return parts.filter(hasInitial).length;
}

/**
 * Pieces after the first that open with a two-letter initial ("co|the", not
 * "cot|he"). "nh" and "ng" are left out: they also end syllables ("ngan|hang"
 * and "ca|nhan", "cong|an" and "tu|ngay" are all common), and only the
 * vocabulary can tell them apart.
 */
function digraphs(parts: readonly string[]): number {
  return parts.slice(1).filter((p) => /^(?:th|tr|ph|kh|ch|gh|gi|qu)/.test(p)).length;
}

/** A word typed without marks: the only words {@link repairTypedWords} touches. */
const UNMARKED_WORD = /(?<![\p{L}\p{N}])[a-z]+(?![\p{L}\p{N}])/giu;

/**
 * The message with each word typed without marks repaired as {@link repairTyping}
 * repairs it ("ttheo quy dinh" → "theo quy dinh"), everything else as typed. The
 * answer layer finds the question in the raw text with phrase patterns ("theo quy
 * định pháp luật" is dropped as a formality, "làm ở đâu" asks a place); one doubled
 * letter used to hide such a phrase, although the index read the word right.
 */
export function repairTypedWords(text: string): string {
  return text.replace(UNMARKED_WORD, (word) => {
    const lower = word.toLowerCase();
    const repaired = repairTyping(lower);
    return repaired === lower ? word : repaired;
  });
}
