import { describe, expect, it } from 'vitest';
import type { PassageHit, SearchResult } from '../../../src/core/ports.js';
import { SearchResultCache } from '../../../src/rag/resultCache.js';

/** A fresh copy of passage `id`'s strings each call, as SQLite returns them. */
const passage = (id: number, score = 1): PassageHit => ({
  id,
  docRef: `doc-${id % 7}`.split('').join(''),
  heading: `Mục ${id}`.split('').join(''),
  text: `Nội dung hướng dẫn số ${id} về VNeID. `.repeat(30).split('').join(''),
  score,
  coverage: 0.5,
});

function resultOf(ids: readonly number[]): SearchResult {
  const passages = ids.map((id, i) => passage(id, 1 - i / 100));
  const best = passages[0] ?? passage(0);
  return {
    documents: [{ ref: best.docRef, title: 'Trang', score: best.score, best }],
    passages,
    faqs: [],
    queryTerms: ['vneid'],
    unknownTerms: [],
  };
}

describe('SearchResultCache', () => {
  it('never holds more than its entry limit after many more distinct questions', () => {
    const cache = new SearchResultCache({ maxEntries: 50, maxWeight: Number.POSITIVE_INFINITY });
    for (let q = 0; q < 550; q++) {
      cache.remember(`câu hỏi ${q}`, resultOf([q % 40, (q + 1) % 40]));
      expect(cache.size).toBeLessThanOrEqual(50);
    }
    expect(cache.size).toBe(50);
    expect(cache.get('câu hỏi 549')).toBeDefined();
    expect(cache.get('câu hỏi 0')).toBeUndefined();
  });

  it('never holds more than its byte budget', () => {
    const cache = new SearchResultCache({ maxEntries: 10_000, maxWeight: 64 * 1024 });
    for (let q = 0; q < 2000; q++) {
      cache.remember(`q${q}`, resultOf(Array.from({ length: 40 }, (_, i) => (q + i) % 300)));
      expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
    }
    expect(cache.size).toBeGreaterThan(0);
  });

  it('shares each passage text once across results, and shares at most maxShared passages', () => {
    const cache = new SearchResultCache(undefined, 100);
    const a = cache.remember('a', resultOf([1, 2, 3]));
    const b = cache.remember('b', resultOf([3, 2, 1]));
    // Same characters, and after sharing the very same string: compared by reference through a Set.
    expect(new Set([a.passages?.[0]?.text, b.passages?.[2]?.text]).size).toBe(1);
    expect(a.documents[0]?.best).toBe(a.passages?.[0]);
    for (let id = 0; id < 1000; id++) cache.remember(`p${id}`, resultOf([id]));
    expect(cache.sharedPassages).toBe(100);
  });

  it('hands out results equal to what was searched, and the same on a hit', () => {
    const cache = new SearchResultCache();
    const original = resultOf([5, 6, 7]);
    const out = cache.remember('k', original);
    expect(out).toEqual(original);
    expect(cache.get('k')).toBe(out);
    cache.clear();
    expect(cache.get('k')).toBeUndefined();
    expect(cache.sharedPassages).toBe(0);
  });

  it('keeps a passage whose text changed under a known id as it is', () => {
    const cache = new SearchResultCache();
    cache.remember('old', resultOf([9]));
    const changed = { ...resultOf([9]), passages: [{ ...passage(9), text: 'Văn bản mới' }] };
    expect(cache.remember('new', changed).passages?.[0]?.text).toBe('Văn bản mới');
  });
});
