/**
 * @module rag/mirroredKnowledgeIndex
 *
 * What a single-commune SQLite install searches: a copy in memory of the
 * rows its SQLite index holds, rebuilt whenever the search tables are
 * (after an ingestion, a console FAQ publish, or another process's
 * ingestion). SQLite stays the store and FTS5 its full-text index; reads go
 * to the copy because FTS5 answers an OR of a question's terms in about
 * 3.7 ms where the in-memory index (the one PostgreSQL installs already
 * search, rag/memoryKnowledgeIndex) returns the same rows in the same order,
 * with the same bm25 scores, in about 0.45 ms (bench:qa's golden and tuning
 * questions, 2026-12-07). The copy of the bundled knowledge is a few MB.
 */
import type { CandidateRow, DocumentRow, KnowledgeReader, KnowledgeRows, PassageRow } from '../core/knowledgeIndex.js';
import type { FaqEntry } from '../core/ports.js';
import { snapshotFromRows } from './knowledgeSnapshot.js';
import { MemoryKnowledgeIndex } from './memoryKnowledgeIndex.js';

/** The store being mirrored: every row it holds, read synchronously (SQLite). */
export interface SyncKnowledgeRows {
  rows(): KnowledgeRows;
}

export class MirroredKnowledgeIndex implements KnowledgeReader {
  private readonly memory = new MemoryKnowledgeIndex();

  /** Empty until the first `refresh` (the search's first `reload`, at construction). */
  constructor(private readonly store: SyncKnowledgeRows) {}

  /** Re-reads every row of the store; the search calls it before rebuilding its own tables. */
  refresh(): void {
    this.memory.load(snapshotFromRows(this.store.rows()));
  }

  documents(): DocumentRow[] {
    return this.memory.documents();
  }

  faqEntries(): FaqEntry[] {
    return this.memory.faqEntries();
  }

  unigramVocabulary(): Map<string, number> {
    return this.memory.unigramVocabulary();
  }

  /** Passages holding `term`: an array read, so the ranker needs no cache of its own. */
  df(term: string): number {
    return this.memory.df(term);
  }

  documentFrequencies(terms: readonly string[]): Map<string, number> {
    return this.memory.documentFrequencies(terms);
  }

  passageCount(): number {
    return this.memory.passageCount();
  }

  candidates(terms: readonly string[], limit: number): CandidateRow[] {
    return this.memory.candidates(terms, limit);
  }

  passageById(id: number): PassageRow | undefined {
    return this.memory.passageById(id);
  }

  allPassages(): PassageRow[] {
    return this.memory.allPassages();
  }
}
