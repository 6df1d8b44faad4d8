/**
 * @module core/learning/typos
 *
 * Folds one slip of the finger onto the spelling most residents used, within
 * one set of questions: "vneidd" joins "vneid" when "vneid" is the more common
 * of the two. Only a token that is not a well-formed Vietnamese syllable is
 * touched (so "bóng" is never bent into another word), and only
 * towards a token seen more often, so the mapping is the same whatever order
 * the questions come in. Grouping then sees the typo and the right word as one.
 */
import { isVietnameseSyllable } from '../text/syllable.js';

const MIN_LENGTH = 4;

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** `a` is preferred over `b`: seen more often, then alphabetically first (deterministic ties). */
function preferred(a: string, b: string, counts: ReadonlyMap<string, number>): boolean {
  const ca = counts.get(a) ?? 0;
  const cb = counts.get(b) ?? 0;
  return ca > cb || (ca === cb && a < b);
}

/**
 * For each malformed token, the better-attested token one edit away (insert,
 * delete, replace: symmetric deletes of distance 1). Tokens without one are
 * left out of the map.
 * @param counts token → number of questions containing it
 */
export function typoMap(counts: ReadonlyMap<string, number>): Map<string, string> {
  const byDeletion = new Map<string, string[]>();
  for (const word of counts.keys()) {
    if (word.length < MIN_LENGTH - 1 || !/^[a-z0-9]+$/.test(word)) continue;
    for (const key of [word, ...deletions(word)]) {
      const list = byDeletion.get(key);
      if (list) list.push(word);
      else byDeletion.set(key, [word]);
    }
  }
  const out = new Map<string, string>();
  for (const word of counts.keys()) {
    if (word.length < MIN_LENGTH || !/^[a-z]+$/.test(word) || isVietnameseSyllable(word)) continue;
    let best: string | undefined;
    for (const key of [word, ...deletions(word)]) {
      for (const other of byDeletion.get(key) ?? []) {
        if (other === word || !preferred(other, word, counts)) continue;
        if (!best || preferred(other, best, counts)) best = other;
      }
    }
    if (best) out.set(word, best);
  }
  return out;
}
