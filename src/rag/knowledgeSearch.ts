/**
 * @module rag/knowledgeSearch
 *
 * The `KnowledgeSearch` port of the core, over a synchronous `KnowledgeReader`
 * (SQLite's FTS5 index, or one commune's index in memory built from PostgreSQL): passages from
 * the lexical ranker (optionally fused with dense scores), grouped into
 * documents, plus FAQ matches. Holds the small in-memory tables (titles, FAQ)
 * that are rebuilt after each ingestion.
 */
import type { DocumentHit, FaqEntry, KnowledgeSearch, PassageHit, SearchResult } from '../core/ports.js';
import type { KnowledgeReader } from '../core/knowledgeIndex.js';
import { tokenize } from '../core/text/normalize.js';
import { FaqMatcher, type FaqLookup } from './faqMatcher.js';
import { LexicalRanker } from './lexicalRanker.js';
import { SearchResultCache } from './resultCache.js';
import { Speller } from './speller.js';

export interface DenseReranker {
  /** Re-orders passages of a result by fusing dense similarity with the lexical rank. */
  fuse(question: string, docs: DocumentHit[]): Promise<DocumentHit[]>;
}

/**
 * An index that makes its own speller and FAQ matcher (rag/layeredKnowledgeIndex:
 * a commune's over the national ones every commune shares) instead of the
 * search building them from its whole vocabulary and entry list.
 */
export interface SearchTablesSource {
  searchTables(): { speller: Speller; faqs: FaqLookup };
}

/** An index that copies its rows from a store and must re-read them when the store changed (rag/mirroredKnowledgeIndex). */
interface Refreshable {
  refresh(): void;
  /** Builds the copy now instead of a second later. */
  ready(): void;
  /** Cancels a build not yet run (the store is closing). */
  close(): void;
}

function isRefreshable(index: KnowledgeReader): index is KnowledgeReader & Refreshable {
  return typeof (index as Partial<Refreshable>).refresh === 'function';
}

function hasSearchTables(index: KnowledgeReader): index is KnowledgeReader & SearchTablesSource {
  return typeof (index as Partial<SearchTablesSource>).searchTables === 'function';
}

export interface KnowledgeSearchOptions {
  /**
   * Keep the index's term counts in a cache (default). An index held in
   * memory answers them with an array read: a cache per commune would only
   * hold a second copy of its vocabulary.
   */
  readonly cacheStatistics?: boolean;
}

/** Candidate passages handed to the answerer, which picks the one that answers what is asked. */
const MAX_PASSAGES = 40;

export class SqliteKnowledgeSearch implements KnowledgeSearch {
  readonly ranker: LexicalRanker;
  /** Normalised question → result, within a memory budget (see resultCache); emptied whenever the index changes. */
  readonly cache = new SearchResultCache();
  private titles = new Map<string, { title: string; url?: string }>();
  private faqs: FaqLookup = new FaqMatcher([]);
  private speller = new Speller(new Map());

  constructor(
    private readonly index: KnowledgeReader,
    private readonly dense?: DenseReranker,
    private readonly options: KnowledgeSearchOptions = {},
  ) {
    this.ranker = new LexicalRanker(index, { cacheStatistics: options.cacheStatistics });
    this.reload();
  }

  /** Re-reads titles and FAQ entries; call after ingestion. */
  reload(): void {
    if (isRefreshable(this.index)) this.index.refresh();
    this.ranker.invalidate();
    this.cache.clear();
    this.titles = new Map(
      this.index
        .documents()
        .filter((d) => d.kind === 'doc')
        .map((d) => [d.ref, { title: d.title, url: d.url }]),
    );
    if (hasSearchTables(this.index)) {
      ({ speller: this.speller, faqs: this.faqs } = this.index.searchTables());
    } else {
      this.faqs = new FaqMatcher(this.index.faqEntries());
      this.speller = new Speller(this.index.unigramVocabulary());
    }
    // Warm the IDF cache with the FAQ vocabulary, so matching never queries SQLite term by term.
    if (this.options.cacheStatistics !== false) this.ranker.termStats(this.faqs.vocabulary());
  }

  /** Before the store closes: an index's copy is not built after it. */
  close(): void {
    if (isRefreshable(this.index)) this.index.close();
  }

  /** Builds an index's copy in memory now, if it keeps one (benchmarks measure the warm search). */
  warm(): void {
    if (isRefreshable(this.index)) this.index.ready();
  }

  /**
   * Lexical results depend only on the normalised tokens, so "VNeID là gì?"
   * and "vneid la gi" share one cache entry; with dense fusion the raw text
   * matters too and is part of the key.
   */
  async search(question: string, limit: number): Promise<SearchResult> {
    const tokens = tokenize(question);
    const corrected = this.speller.correct(tokens);
    const key = `${limit}\u0000${this.dense ? question : ''}\u0000${corrected.join(' ')}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    // A corrected question is searched in its folded form: marks carry nothing the tokens do not.
    const result = await this.compute(corrected === tokens ? question : corrected.join(' '), limit);
    return this.cache.remember(key, result);
  }

  private async compute(question: string, limit: number): Promise<SearchResult> {
    const ranked = this.ranker.rankPassages(question);
    let documents = LexicalRanker.documents(ranked.passages, this.titles, Math.max(limit, 10));
    if (this.dense) documents = await this.dense.fuse(question, documents);
    // The matcher weighs the same few dozen terms once per entry phrasing: each is looked up once per search.
    const weights = new Map<string, number>();
    const weight = (t: string): number => {
      let w = weights.get(t);
      if (w === undefined) weights.set(t, (w = this.ranker.weight(t)));
      return w;
    };
    const faqs = this.faqs.match(question, weight);
    return {
      documents: documents.slice(0, limit),
      passages: ranked.passages.slice(0, MAX_PASSAGES),
      faqs,
      queryTerms: ranked.terms.unigrams,
      unknownTerms: ranked.unknownTerms,
    };
  }

  faq(id: string): FaqEntry | undefined {
    return this.faqs.get(id);
  }

  document(ref: string): { title: string; url?: string } | undefined {
    return this.titles.get(ref);
  }

  passage(id: number): PassageHit | undefined {
    const row = this.index.passageById(id);
    return row
      ? { id: row.id, docRef: row.docRef, heading: row.heading, text: row.text, score: 1, coverage: 1 }
      : undefined;
  }
}
