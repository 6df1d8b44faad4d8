/**
 * @module core/knowledgeIndex
 *
 * The ports of the knowledge index, split by how they are used:
 *
 * - `KnowledgeStore` is where ingestion writes (SQLite, or PostgreSQL with
 *   one commune per transaction): it may be asynchronous.
 * - `KnowledgeReader` is what a search reads, synchronously, on every
 *   question: SQLite's FTS5 tables, or an in-memory index built per commune
 *   from the rows of the store (rag/memoryKnowledgeIndex), which gives the
 *   same scores. A search never waits on a database round trip.
 * - `EmbeddingCache` keeps vectors by (model, text hash) for the whole install.
 */
import type { FaqEntry, MaybePromise } from './ports.js';

export interface IndexedPassage {
  readonly docRef: string;
  readonly heading: string;
  readonly text: string;
  /** Normalised forms for the full-text columns. */
  readonly titleTokens: string;
  readonly headingTokens: string;
  readonly bodyTokens: string;
}

export interface IndexedFile {
  readonly ref: string;
  readonly kind: 'doc' | 'faq';
  readonly title: string;
  readonly url?: string;
  readonly hash: string;
  readonly meta: Record<string, unknown>;
  readonly passages: readonly IndexedPassage[];
  readonly faqEntries?: readonly FaqEntry[];
}

export interface CandidateRow {
  readonly id: number;
  readonly docRef: string;
  readonly heading: string;
  readonly text: string;
  /** FTS5 bm25 (lower is better, negative). */
  readonly bm25: number;
  /** Normalised tokens of the document's title (the same for every passage of a document). */
  readonly titleTokens: string;
  /** Normalised tokens of the heading and body (what the passage itself says). */
  readonly ownTokens: string;
}

export interface DocumentRow {
  readonly ref: string;
  readonly kind: 'doc' | 'faq';
  readonly title: string;
  readonly url?: string;
  readonly hash: string;
}

/** A passage with the title and address of the document it is attributed to (for dense retrieval). */
export interface PassageRow {
  readonly id: number;
  readonly docRef: string;
  readonly heading: string;
  readonly text: string;
  readonly title: string;
  readonly url?: string;
}

/** What ingestion and the console's FAQ publication write, per commune. */
export interface KnowledgeStore {
  documents(): MaybePromise<DocumentRow[]>;
  /** Every FAQ entry, with the ways to ask that staff added in the console after the file's own. */
  faqEntries(): MaybePromise<FaqEntry[]>;
  /** Replaces everything a file contributed, in one transaction. */
  replaceFile(file: IndexedFile, at: Date): MaybePromise<void>;
  removeFile(ref: string): MaybePromise<void>;
  /**
   * Replaces, in one transaction, every document whose ref satisfies `owns`
   * with `files` (the console's FAQ entries, rebuilt whole at each approval).
   */
  replaceOwned(owns: (ref: string) => boolean, files: readonly IndexedFile[], at: Date): MaybePromise<void>;
  getMeta(key: string): MaybePromise<string | undefined>;
  setMeta(key: string, value: string): MaybePromise<void>;
}

/** What one search reads; synchronous, because a search must not wait on a database. */
export interface KnowledgeReader {
  documents(): DocumentRow[];
  faqEntries(): FaqEntry[];
  /** Every indexed syllable (no bigrams) with the number of passages containing it. */
  unigramVocabulary(): Map<string, number>;
  /** Number of passages containing each term; absent terms are omitted. */
  documentFrequencies(terms: readonly string[]): Map<string, number>;
  passageCount(): number;
  /** Best passages holding any of `terms` by bm25 (FTS5's formula, weights 3/2/1), best first. */
  candidates(terms: readonly string[], limit: number): CandidateRow[];
  passageById(id: number): PassageRow | undefined;
  /** Every passage with its document's title, in index order. */
  allPassages(): PassageRow[];
}

/**
 * The stored rows of one commune's index, without the normalised tokens
 * (PostgreSQL keeps none: they are computed again when the index is built
 * in memory, see rag/knowledgeSnapshot).
 */
export interface KnowledgeRows {
  readonly documents: readonly DocumentRow[];
  /** In id order. */
  readonly chunks: readonly { id: number; ownerRef: string; docRef: string; heading: string; text: string }[];
  /** The entries as their file wrote them (own variants only), with the file they belong to. */
  readonly faqEntries: readonly (FaqEntry & { readonly fileRef: string })[];
  /** Ways to ask added in the console, by FAQ id. */
  readonly extraVariants: ReadonlyMap<string, readonly string[]>;
}

export interface CachedEmbedding {
  readonly hash: string;
  readonly vector: Float32Array;
}

/** Embedding vectors by (model, sha256 of the embedded text), shared by every commune. */
export interface EmbeddingCache {
  /** Vectors found for the given text hashes; absent hashes are simply missing from the map. */
  getMany(model: string, hashes: readonly string[]): MaybePromise<Map<string, Float32Array>>;
  /** Stores vectors; an existing (model, hash) is overwritten. */
  putMany(model: string, entries: readonly CachedEmbedding[]): MaybePromise<void>;
}
