/**
 * A KnowledgeSearch that answers with canned results, so the answerer and the
 * engine are tested against evidence we choose (high/low coverage, FAQ
 * similarity) rather than against whatever the bundled knowledge ranks today.
 * It records every question it was asked, so tests can check that secrets
 * never reach retrieval.
 */
import type {
  DocumentHit,
  FaqEntry,
  FaqMatch,
  KnowledgeSearch,
  PassageHit,
  SearchResult,
} from '../../src/core/ports.js';

export interface DocumentInfo {
  readonly title: string;
  readonly url?: string;
}

export type Responder = (question: string) => SearchResult;

export interface FakeSearchOptions {
  /** What `search` returns for a question; an empty result when left out. */
  readonly respond?: Responder;
  /** Entries reachable through `faq(id)`. */
  readonly faqs?: readonly FaqEntry[];
  /** Titles and addresses reachable through `document(ref)`. */
  readonly documents?: Readonly<Record<string, DocumentInfo>>;
  /** Passages reachable through `passage(id)` (by their `id`). */
  readonly passages?: readonly PassageHit[];
}

export function emptyResult(): SearchResult {
  return { documents: [], faqs: [], queryTerms: [], unknownTerms: [] };
}

export class FakeKnowledgeSearch implements KnowledgeSearch {
  /** Every `search` call, in order. */
  readonly calls: { question: string; limit: number }[] = [];
  private respond: Responder;
  private readonly faqById: Map<string, FaqEntry>;
  private readonly documents: Readonly<Record<string, DocumentInfo>>;
  private readonly passages: readonly PassageHit[];

  constructor(options: FakeSearchOptions = {}) {
    this.passages = options.passages ?? [];
    this.respond = options.respond ?? (() => emptyResult());
    this.faqById = new Map((options.faqs ?? []).map((e) => [e.id, e]));
    this.documents = options.documents ?? {};
  }

  /** Changes the canned answer between turns of one conversation. */
  respondWith(respond: Responder): void {
    this.respond = respond;
  }

  search(question: string, limit: number): Promise<SearchResult> {
    this.calls.push({ question, limit });
    // Not cut to `limit` on purpose: callers must cap what they show themselves.
    return Promise.resolve(this.respond(question));
  }

  faq(id: string): FaqEntry | undefined {
    return this.faqById.get(id);
  }

  document(ref: string): DocumentInfo | undefined {
    return this.documents[ref];
  }

  passage(id: number): PassageHit | undefined {
    return this.passages.find((p) => p.id === id);
  }
}

export function faqEntry(id: string, question: string, answer: string, sourceRef: string): FaqEntry {
  return { id, question, variants: [], answer, sourceRef };
}

export function faqMatch(entry: FaqEntry, similarity: number): FaqMatch {
  return { entry, similarity };
}

export interface DocumentHitInput {
  readonly ref: string;
  readonly title: string;
  readonly url?: string;
  readonly coverage: number;
  readonly score?: number;
  readonly text?: string;
  readonly heading?: string;
}

export function documentHit(input: DocumentHitInput): DocumentHit {
  const score = input.score ?? input.coverage;
  return {
    ref: input.ref,
    title: input.title,
    url: input.url,
    score,
    best: {
      docRef: input.ref,
      heading: input.heading ?? '',
      text: input.text ?? `Nội dung của ${input.title}.`,
      score,
      coverage: input.coverage,
    },
  };
}

export function searchResult(parts: Partial<SearchResult>): SearchResult {
  return { ...emptyResult(), ...parts };
}
