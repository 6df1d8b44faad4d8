/**
 * @module core/qa/answerCache
 *
 * A commune's residents ask the same few questions all day ("mức 2 làm ở
 * đâu?"). The model's checked reply is kept under the normalised question and
 * the exact passages it was given, so the second asker costs nothing and
 * waits for nothing; a change to any passage (re-ingested knowledge) changes
 * the key, so a stale answer is never served. Bounded in entries and bytes.
 */
import { LruCache } from '../lruCache.js';
import { foldMarks } from '../text/normalize.js';

/** What is cached: the reply as checked, or the model's refusal. */
export type CachedReply = { readonly kind: 'answer'; readonly text: string } | { readonly kind: 'refused' };

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
}

/** The question as a key: marks, case, punctuation and spacing do not make another question. */
export function normaliseQuestion(question: string): string {
  return foldMarks(question)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** FNV-1a of a string, as 8 hex digits: a short stand-in for the passages' text in a key. */
export function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export class AnswerCache {
  private readonly lru: LruCache<string, CachedReply>;
  private hitCount = 0;
  private missCount = 0;

  constructor(maxEntries = 2000) {
    this.lru = new LruCache<string, CachedReply>({ maxEntries, maxWeight: maxEntries * 1500 }, (v, k) =>
      v.kind === 'answer' ? (v.text.length + k.length) * 2 : k.length * 2,
    );
  }

  /** Key of a question asked with these passages (ids and text, so an edited passage is another key). */
  static key(question: string, passageIds: readonly string[], context: string): string {
    return `${normaliseQuestion(question)}|${passageIds.join(',')}|${fingerprint(context)}`;
  }

  get(key: string): CachedReply | undefined {
    const v = this.lru.get(key);
    if (v) this.hitCount++;
    else this.missCount++;
    return v;
  }

  set(key: string, value: CachedReply): void {
    this.lru.set(key, value);
  }

  /** Forgets every reply (tests; a reload changes the keys anyway). */
  clear(): void {
    this.lru.clear();
  }

  stats(): CacheStats {
    return { hits: this.hitCount, misses: this.missCount };
  }
}
