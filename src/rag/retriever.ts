/**
 * @module rag/retriever
 *
 * The knowledge search as a LangChain `BaseRetriever`, so LangChain chains
 * (an LLM answer step, evaluation tools) can use the same Vietnamese-aware
 * ranking as the no-LLM answerer. Each returned `Document` is one knowledge
 * document (best passage as content), best first, with its ref, title and
 * score in the metadata.
 */
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { KnowledgeSearch } from '../core/ports.js';

export interface HocvusoRetrieverInput extends BaseRetrieverInput {
  readonly search: KnowledgeSearch;
  /** How many documents to return. */
  readonly k?: number;
}

export class HocvusoRetriever extends BaseRetriever {
  override lc_namespace = ['hocvuso', 'retrievers'];
  private readonly search: KnowledgeSearch;
  private readonly k: number;

  static override lc_name(): string {
    return 'HocvusoRetriever';
  }

  constructor(input: HocvusoRetrieverInput) {
    super(input);
    this.search = input.search;
    this.k = input.k ?? 5;
  }

  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    const result = await this.search.search(query, this.k);
    return result.documents.map(
      (d) =>
        new Document({
          pageContent: d.best.text,
          metadata: {
            ref: d.ref,
            title: d.title,
            url: d.url,
            heading: d.best.heading,
            score: d.score,
            coverage: d.best.coverage,
          },
        }),
    );
  }
}
