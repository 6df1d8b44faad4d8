/**
 * What "the same search" means across index backends: ~20 questions of
 * bench/golden (never bench/real, which measures), asked of two
 * `KnowledgeSearch`es, and every document, passage, score and FAQ match
 * compared. Used by test/integration/memoryIndex.parity.test.ts (FTS5 against
 * the in-memory index built from SQLite rows) and test/pg/knowledgeParity.test.ts
 * (FTS5 against the in-memory index built from PostgreSQL rows).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { SearchResult } from '../../src/core/ports.js';

const GOLDEN = join(import.meta.dirname, '..', '..', 'bench', 'golden');

/** The first four questions of each golden file (six files, out-of-scope questions included). */
export function goldenQuestions(perFile = 4): string[] {
  const out: string[] = [];
  for (const file of readdirSync(GOLDEN)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    const lines = readFileSync(join(GOLDEN, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    for (const line of lines.slice(0, perFile)) out.push((JSON.parse(line) as { q: string }).q);
  }
  return out;
}

/**
 * A result as compared: everything a caller reads, passages by their place,
 * not their row id, scores apart (see `expectSameResult`).
 */
function comparable(result: SearchResult, scores: number[]): unknown {
  const score = (x: number): string => {
    scores.push(x);
    return 'score';
  };
  return {
    documents: result.documents.map((d) => ({
      ref: d.ref,
      title: d.title,
      url: d.url,
      score: score(d.score),
      best: { docRef: d.best.docRef, heading: d.best.heading, score: score(d.best.score), coverage: d.best.coverage },
    })),
    passages: (result.passages ?? []).map((p) => ({
      docRef: p.docRef,
      heading: p.heading,
      text: p.text,
      score: score(p.score),
      coverage: score(p.coverage),
      ownCoverage: p.ownCoverage === undefined ? undefined : score(p.ownCoverage),
    })),
    faqs: result.faqs,
    queryTerms: result.queryTerms,
    unknownTerms: result.unknownTerms,
  };
}

/**
 * The same documents, passages and FAQ matches in the same order, every
 * score equal to 1e-12. The in-memory bm25 takes a correctly rounded
 * logarithm (rag/exactLog); glibc's `log`, which FTS5 calls, misrounds about
 * one argument in 5,000, which moves a score by a unit in the last place. On
 * the bundled knowledge and these questions the scores are bit-identical
 * today; the tolerance keeps a future page from failing this on that bit.
 */
export function expectSameResult(question: string, actual: SearchResult, expected: SearchResult): void {
  const a: number[] = [];
  const e: number[] = [];
  expect({ question, result: comparable(actual, a) }).toEqual({ question, result: comparable(expected, e) });
  expect(a.length).toBe(e.length);
  a.forEach((x, i) => {
    const y = e[i]!;
    if (Math.abs(x - y) > 1e-12 * Math.max(1, Math.abs(y)))
      expect({ question, score: x }).toEqual({ question, score: y });
  });
}
