/**
 * @module core/text/normalize
 *
 * One normaliser for Vietnamese text, shared by indexing and querying, so that
 * "Đăng ký định danh mức 2", "dang ky dinh danh muc 2" (no marks), NFD input
 * from some keyboards and chat shorthand ("ko dc", "sdt") all land on the same
 * tokens. Keeping both sides on one function is what makes marks irrelevant to
 * ranking: there is no second copy of these rules to drift out of sync.
 */

import { ABBREVIATIONS } from './abbreviations.js';
import { repairTyping, splitJoined } from './typing.js';
import { LruCache } from '../lruCache.js';

/** Marks are removed after NFD decomposition; đ/Đ is not decomposable, so it is mapped by hand. */
const COMBINING_MARKS = /\p{M}+/gu;
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/** NFC, trimmed, with control characters (except newlines and tabs) removed. */
export function cleanText(input: string): string {
  return input
    .normalize('NFC')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202E\u2060-\u2064\uFEFF]/g, '')
    .trim();
}

/** Lower case with every tone and vowel mark removed and đ folded to d. */
export function foldMarks(input: string): string {
  return input.normalize('NFD').replace(COMBINING_MARKS, '').replace(/[đĐ]/g, 'd').toLowerCase().normalize('NFC');
}

/** True when the text carries at least one Vietnamese mark (used to split benchmark figures). */
export function hasVietnameseMarks(input: string): boolean {
  return foldMarks(input) !== input.normalize('NFC').toLowerCase();
}

/**
 * Tokens as read, by typed token: a corpus repeats a few thousand words, and reading one costs a dozen
 * regex tests. Least recently used first out, so a large ingest does not empty it for the questions.
 */
const READ = new LruCache<string, readonly string[]>({ maxEntries: 20_000 });

/**
 * One folded token as the words it stands for: a letter typed twice or a
 * Telex key left in the word is repaired ("vneidd", "caif"), shorthand is
 * expanded ("ko"), syllables typed together are split ("dangky").
 */
function readToken(typed: string): readonly string[] {
  const cached = READ.get(typed);
  if (cached) return cached;
  const raw = repairTyping(typed);
  const out = ABBREVIATIONS.get(raw) ?? (splitJoined(raw) ?? [raw]).flatMap((p) => ABBREVIATIONS.get(p) ?? [p]);
  READ.set(typed, out);
  return out;
}

/**
 * Folded syllables with typing slips repaired (see typing) and chat
 * abbreviations expanded: the one reading of a question that retrieval and
 * the answer layer share. Numbers are kept as tokens
 * ("mức 2" → ["muc", "2"]) because they often carry the meaning of a question.
 */
export function tokenize(input: string): string[] {
  // "80%" and "80 phần trăm" are the same fact; documents write the sign, residents often the words.
  const folded = foldMarks(cleanText(input)).replace(/%/g, ' phan tram ');
  const out: string[] = [];
  for (const typed of folded.split(NON_WORD)) {
    if (typed) out.push(...readToken(typed));
  }
  return out;
}

/**
 * Adjacent syllable pairs joined by "_" ("dinh_danh"). Vietnamese words are
 * often two syllables, so pairs rank "dịch vụ công" above a page that merely
 * contains "dịch" and "công" far apart.
 */
export function bigrams(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    out.push(`${tokens[i]}_${tokens[i + 1]}`);
  }
  return out;
}

/** The text stored in the full-text index: syllables followed by their bigrams. */
export function indexText(input: string): string {
  const tokens = tokenize(input);
  return [...tokens, ...bigrams(tokens)].join(' ');
}
