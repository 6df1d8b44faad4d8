/**
 * @module rag/knowledgeSearch
 *
 * The `KnowledgeSearch` port of the core, over the SQLite index: passages from
 * the lexical ranker (optionally fused with dense scores), grouped into
 * documents, plus FAQ matches. Holds the small in-memory tables (titles, FAQ)
 * that are rebuilt after each ingestion.
 */
import type { DocumentHit, FaqEntry, KnowledgeSearch, SearchResult } from '../core/ports.js';
import type { SqliteKnowledgeIndex } from '../storage/sqlite/knowledgeIndex.js';
import { FaqMatcher } from './faqMatcher.js';
import { LexicalRanker } from './lexicalRanker.js';

export interface DenseReranker {
  /** Re-orders passages of a result by fusing dense similarity with the lexical rank. */
  fuse(question: string, docs: DocumentHit[]): Promise<DocumentHit[]>;
}

export class SqliteKnowledgeSearch implements KnowledgeSearch {
  readonly ranker: LexicalRanker;
  private titles = new Map<string, { title: string; url?: string }>();
  private faqs = new FaqMatcher([]);

  constructor(
    private readonly index: SqliteKnowledgeIndex,
    private readonly dense?: DenseReranker,
  ) {
    this.ranker = new LexicalRanker(index);
    this.reload();
  }

  /** Re-reads titles and FAQ entries; call after ingestion. */
  reload(): void {
    this.ranker.invalidate();
    this.titles = new Map(
      this.index
        .documents()
        .filter((d) => d.kind === 'doc')
        .map((d) => [d.ref, { title: d.title, url: d.url }]),
    );
    this.faqs = new FaqMatcher(this.index.faqEntries());
    // Warm the IDF cache with the FAQ vocabulary, so matching never queries SQLite term by term.
    this.ranker.termStats(this.faqs.vocabulary());
  }

  async search(question: string, limit: number): Promise<SearchResult> {
    const ranked = this.ranker.rankPassages(question);
    let documents = LexicalRanker.documents(ranked.passages, this.titles, Math.max(limit, 10));
    if (this.dense) documents = await this.dense.fuse(question, documents);
    const faqs = this.faqs.match(question, this.ranker.weight);
    return {
      documents: documents.slice(0, limit),
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
}
