/**
 * The naive baseline every retrieval figure is compared against: LangChain's
 * BM25Retriever over lower-cased whitespace tokens, no normalisation.
 */
import { Document } from '@langchain/core/documents';
import { BM25Retriever } from '@langchain/community/retrievers/bm25';

export interface BaselineDoc {
  readonly ref: string;
  readonly text: string;
}

export class NaiveBaseline {
  private readonly retriever: BM25Retriever;

  constructor(docs: readonly BaselineDoc[], k = 50) {
    this.retriever = BM25Retriever.fromDocuments(
      docs.map((d) => new Document({ pageContent: d.text, metadata: { ref: d.ref } })),
      { k },
    );
  }

  /** Distinct document refs, best first. */
  async rank(query: string): Promise<string[]> {
    const docs = await this.retriever.invoke(query);
    const out: string[] = [];
    for (const d of docs) {
      const ref = String(d.metadata.ref);
      if (!out.includes(ref)) out.push(ref);
    }
    return out;
  }

  /** Text of the best passage: the naive "answer" (always given, never unsure). */
  async topText(query: string): Promise<string> {
    const docs = await this.retriever.invoke(query);
    return docs[0]?.pageContent ?? '';
  }
}
