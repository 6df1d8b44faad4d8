/**
 * @module rag/mirroredKnowledgeIndex
 *
 * What a single-commune SQLite install searches: a copy in memory of the
 * rows its SQLite index holds. SQLite stays the store and FTS5 its
 * full-text index; reads go to the copy because FTS5 answers an OR of a
 * question's terms in about 3.7 ms where the in-memory index (the one
 * PostgreSQL installs already search, rag/memoryKnowledgeIndex) returns the
 * same rows in the same order, with the same bm25 scores, in about 0.45 ms
 * (bench:qa's golden and tuning questions, 2026-12-07).
 *
 * Building the copy takes a few hundred milliseconds (about 0.8 s in a
 * fresh process), so it is built a second after the search tables reload,
 * not inside `refresh`: `npm start` is ready as
 * soon as before, a one-shot `cli ask` never builds it, and until it is built
 * every read goes to FTS5, which always holds the current rows. After an
 * ingestion the stale copy is dropped at once, so no search reads old rows.
 */
import type { CandidateRow, DocumentRow, KnowledgeReader, KnowledgeRows, PassageRow } from '../core/knowledgeIndex.js';
import type { FaqEntry } from '../core/ports.js';
import { snapshotFromRows } from './knowledgeSnapshot.js';
import { MemoryKnowledgeIndex } from './memoryKnowledgeIndex.js';

/** The store being mirrored: read synchronously (SQLite), whole or one query at a time. */
export interface MirrorSource extends KnowledgeReader {
  rows(): KnowledgeRows;
}

/**
 * How long after the tables reload the copy is built: start-up reloads them
 * and then still reads the quiz banks and opens the listener, which must not
 * wait for the copy.
 */
const BUILD_DELAY_MS = 1000;

export class MirroredKnowledgeIndex implements KnowledgeReader {
  private memory: MemoryKnowledgeIndex | undefined;
  private scheduled: NodeJS.Timeout | undefined;

  constructor(private readonly store: MirrorSource) {}

  /** The store changed: reads go to it until the copy is built again, a second later. */
  refresh(): void {
    this.memory = undefined;
    if (this.scheduled) return;
    // Unreferenced: a command that ends before the loop turns simply never needs the copy.
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      try {
        this.ready();
      } catch {
        // The database closed meanwhile (shutdown): FTS5 keeps answering while anything still asks.
      }
    }, BUILD_DELAY_MS).unref();
  }

  /** No build after this (the database is closing). */
  close(): void {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = undefined;
  }

  /** Builds the copy now if it is not built (benchmarks and tests that measure or assert on it). */
  ready(): void {
    if (this.scheduled) {
      clearTimeout(this.scheduled);
      this.scheduled = undefined;
    }
    this.memory ??= new MemoryKnowledgeIndex(snapshotFromRows(this.store.rows()));
  }

  /** True when reads go to the copy in memory. */
  get built(): boolean {
    return this.memory !== undefined;
  }

  private get reader(): KnowledgeReader {
    return this.memory ?? this.store;
  }

  documents(): DocumentRow[] {
    return this.reader.documents();
  }

  faqEntries(): FaqEntry[] {
    return this.reader.faqEntries();
  }

  unigramVocabulary(): Map<string, number> {
    return this.reader.unigramVocabulary();
  }

  /** Passages holding `term`: an array read once built, so the ranker keeps no cache of its own. */
  df(term: string): number {
    return this.memory ? this.memory.df(term) : (this.store.documentFrequencies([term]).get(term) ?? 0);
  }

  documentFrequencies(terms: readonly string[]): Map<string, number> {
    return this.reader.documentFrequencies(terms);
  }

  passageCount(): number {
    return this.reader.passageCount();
  }

  candidates(terms: readonly string[], limit: number): CandidateRow[] {
    return this.reader.candidates(terms, limit);
  }

  passageById(id: number): PassageRow | undefined {
    return this.reader.passageById(id);
  }

  allPassages(): PassageRow[] {
    return this.reader.allPassages();
  }
}
