/**
 * @module rag/resultCache
 *
 * Search results kept for questions asked again, within a memory budget.
 *
 * A result carries up to 40 candidate passages with their text, and every
 * search reads those texts afresh from SQLite: 2,000 cached results of
 * distinct questions held about 70 MB (bench:load, 10,000 residents each
 * wording their question their own way), most of it copies of the same few
 * hundred passages. So a passage's strings are kept once, by its index id,
 * and every cached result points at them; the cache itself is bounded by
 * entries and by an estimate of the bytes its results hold beyond those
 * shared strings. Results handed out are the ones cached, so an answer is
 * the same on a hit and on a miss.
 */
import { LruCache, type LruLimits } from '../core/lruCache.js';
import type { DocumentHit, PassageHit, SearchResult } from '../core/ports.js';

/** Results remembered at most (residents ask the same few things again and again). */
export const RESULT_CACHE_ENTRIES = 2000;
/** Estimated bytes the remembered results may hold beyond the shared passage texts. */
export const RESULT_CACHE_BYTES = 4 * 2 ** 20;
/**
 * Passages whose strings are shared at most: the bundled knowledge has about
 * 800, so all of it fits; a much larger corpus shares its most asked-about
 * passages and counts the rest in full against the byte budget.
 */
export const MAX_SHARED_PASSAGES = 5000;

/** Rough V8 sizes: a hit object with its boxed numbers, and a result's own objects and arrays. */
const HIT_BYTES = 120;
const RESULT_BYTES = 400;
const FAQ_MATCH_BYTES = 64;
/** A string's header and its characters, counted as two-byte (Vietnamese text with marks is). */
const stringBytes = (s: string | undefined): number => (s === undefined ? 0 : 16 + 2 * s.length);

interface PassageStrings {
  readonly docRef: string;
  readonly heading: string;
  readonly text: string;
}

export class SearchResultCache {
  private readonly results: LruCache<string, SearchResult>;
  private readonly strings = new Map<number, PassageStrings>();

  constructor(
    limits: LruLimits = { maxEntries: RESULT_CACHE_ENTRIES, maxWeight: RESULT_CACHE_BYTES },
    private readonly maxShared = MAX_SHARED_PASSAGES,
  ) {
    this.results = new LruCache(limits, (result, key) => this.bytesOf(result, key));
  }

  /** A remembered result, now the most recently used. */
  get(key: string): SearchResult | undefined {
    return this.results.get(key);
  }

  /** Remembers `result` with its passages' strings shared; returns what to hand out (the remembered form). */
  remember(key: string, result: SearchResult): SearchResult {
    const done = new Map<PassageHit, PassageHit>();
    const share = (p: PassageHit): PassageHit => {
      let out = done.get(p);
      if (!out) done.set(p, (out = this.share(p)));
      return out;
    };
    const shared: SearchResult = {
      ...result,
      documents: result.documents.map((d): DocumentHit => ({ ...d, best: share(d.best) })),
      ...(result.passages && { passages: result.passages.map(share) }),
    };
    this.results.set(key, shared);
    return shared;
  }

  /** Forgets everything (the index changed: ids may now name other passages). */
  clear(): void {
    this.results.clear();
    this.strings.clear();
  }

  /** Results held (at most the entry limit). */
  get size(): number {
    return this.results.size;
  }

  /** Estimated bytes held by the results beyond the shared strings (at most the byte limit). */
  get bytes(): number {
    return this.results.weight;
  }

  /** Passages whose strings are shared (at most `maxShared`). */
  get sharedPassages(): number {
    return this.strings.size;
  }

  /** The passage with the strings of its first sighting, when its id is known and the table has room. */
  private share(p: PassageHit): PassageHit {
    if (p.id === undefined) return p;
    let s = this.strings.get(p.id);
    if (!s) {
      if (this.strings.size >= this.maxShared) return p;
      s = { docRef: p.docRef, heading: p.heading, text: p.text };
      this.strings.set(p.id, s);
    }
    // A different text under a known id (re-ingested without a reload) is kept as it is.
    if (s.text !== p.text || s.heading !== p.heading || s.docRef !== p.docRef) return p;
    return { ...p, docRef: s.docRef, heading: s.heading, text: s.text };
  }

  private isShared(p: PassageHit): boolean {
    return p.id !== undefined && this.strings.get(p.id)?.text === p.text;
  }

  private bytesOf(result: SearchResult, key: string): number {
    const hit = (p: PassageHit): number =>
      HIT_BYTES + (this.isShared(p) ? 0 : stringBytes(p.docRef) + stringBytes(p.heading) + stringBytes(p.text));
    const passages = new Set(result.passages);
    let bytes = RESULT_BYTES + stringBytes(key);
    for (const p of passages) bytes += hit(p);
    for (const d of result.documents) bytes += HIT_BYTES + (passages.has(d.best) ? 0 : hit(d.best));
    bytes += result.faqs.length * FAQ_MATCH_BYTES;
    for (const t of [...result.queryTerms, ...result.unknownTerms]) bytes += stringBytes(t);
    return bytes;
  }
}
