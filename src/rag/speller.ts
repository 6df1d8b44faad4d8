/**
 * @module rag/speller
 *
 * Fixes one slip of the finger in a question before it is searched: an extra,
 * missing, wrong or swapped letter ("vneidd", "dinh dahn", "nguai"), or two
 * or three syllables typed together ("nganhang", which the shape alone cannot
 * split: core/text/typing splits the unambiguous ones before this runs). Only
 * a word that no indexed passage contains and that is not a well-formed
 * Vietnamese syllable (real vowel clusters and spelling, see
 * isWellFormedSyllable) is touched, and only towards a word the knowledge
 * base really has, so "bóng đá" is never bent into an in-scope word and the
 * honest "not sure" survives.
 */
import { isVietnameseSyllable, isWellFormedSyllable } from '../core/text/syllable.js';

const MIN_LENGTH = 4;
/** Longer tokens are no misspelt word (a pasted blob): their edits would cost time quadratic in their length. */
const MAX_LENGTH = 24;

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

function transpositions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < word.length; i++) out.push(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
  return out;
}

/**
 * What the speller reads of a vocabulary: how many passages hold a word, and
 * the words that give a key by deleting one letter, in term order (the order
 * of the vocabulary; SQLite's fts5vocab and the in-memory indexes list terms
 * sorted), since among equally common candidates the first one wins.
 */
export interface SpellerWords {
  df(word: string): number;
  byDeletion(key: string): readonly string[];
}

/** Whether the speller may propose `word` (a plain word long enough to be a slip's target). */
function correctable(word: string): boolean {
  return word.length >= MIN_LENGTH - 1 && /^[a-z0-9]+$/.test(word);
}

/** Deletion key → words that give it (symmetric delete, distance 1), for the words `include` accepts. */
export function deletionTable(
  words: Iterable<string>,
  include: (word: string) => boolean = () => true,
): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const word of words) {
    if (!correctable(word) || !include(word)) continue;
    for (const d of deletions(word)) {
      const list = table.get(d);
      if (list) list.push(word);
      else table.set(d, [word]);
    }
  }
  return table;
}

/** The words of a vocabulary map, as a single index (one commune, or SQLite) gives it. */
export function spellerWords(vocabulary: ReadonlyMap<string, number>): SpellerWords {
  const table = deletionTable(vocabulary.keys());
  return { df: (w) => vocabulary.get(w) ?? 0, byDeletion: (k) => table.get(k) ?? [] };
}

export class Speller {
  private readonly words: SpellerWords;

  /** @param vocabulary unigram → number of passages containing it, or the words of a layered index */
  constructor(vocabulary: ReadonlyMap<string, number> | SpellerWords) {
    this.words = vocabulary instanceof Map ? spellerWords(vocabulary) : (vocabulary as SpellerWords);
  }

  private df(word: string): number {
    return this.words.df(word);
  }

  /** The correction of one token, or the token itself when it is known, well-formed or beyond repair. */
  correctToken(token: string): string[] {
    if (this.df(token) > 0 || token.length < MIN_LENGTH || token.length > MAX_LENGTH || !/^[a-z]+$/.test(token)) {
      return [token];
    }
    if (isWellFormedSyllable(token)) return [token];
    const candidates = new Set<string>();
    for (const d of deletions(token)) if (this.df(d) > 0) candidates.add(d);
    for (const w of this.words.byDeletion(token)) candidates.add(w);
    for (const d of deletions(token)) for (const w of this.words.byDeletion(d)) candidates.add(w);
    for (const t of transpositions(token)) if (this.df(t) > 0) candidates.add(t);
    let best: string | undefined;
    for (const c of candidates) if (!best || this.df(c) > this.df(best)) best = c;
    if (best) return [best];
    return this.split(token) ?? [token];
  }

  /**
   * Two or three syllables typed together, split where every piece is a
   * known syllable; when several splits qualify ("ngan|hang", "nga|nhang"),
   * the one whose rarest piece is most common in the knowledge base wins, so
   * a split into words the pages really use beats one into rare words.
   */
  private split(token: string): string[] | undefined {
    const known = (s: string): boolean => s.length >= 2 && isVietnameseSyllable(s) && this.df(s) > 0;
    let best: string[] | undefined;
    let bestScore = 0;
    const consider = (parts: string[]): void => {
      const score = Math.min(...parts.map((p) => this.df(p)));
      if (!best || parts.length < best.length || (parts.length === best.length && score > bestScore)) {
        best = parts;
        bestScore = score;
      }
    };
    for (let i = 2; i <= token.length - 2; i++) {
      const a = token.slice(0, i);
      if (!known(a)) continue;
      const rest = token.slice(i);
      if (known(rest)) consider([a, rest]);
      else if (!best || best.length > 2)
        for (let j = 2; j <= rest.length - 2; j++) {
          const b = rest.slice(0, j);
          const c = rest.slice(j);
          if (known(b) && known(c)) consider([a, b, c]);
        }
    }
    return best;
  }

  /** Corrected tokens; the same array back when nothing changed. */
  correct(tokens: readonly string[]): readonly string[] {
    let changed = false;
    const out: string[] = [];
    for (const t of tokens) {
      const c = this.correctToken(t);
      if (c.length !== 1 || c[0] !== t) changed = true;
      out.push(...c);
    }
    return changed ? out : tokens;
  }
}
