/**
 * @module core/ports
 *
 * The small interfaces through which the pure core reaches the outside world.
 * Each has an in-memory implementation in `test/fakes` (and `src/storage/memory`
 * where a channel needs one), so the core is tested with plain values.
 */
import type { ChannelName } from './messages.js';

/** Injected time, so report dates and timeouts are testable. */
export interface Clock {
  now(): Date;
}

export type MaybePromise<T> = T | Promise<T>;

export interface FaqEntry {
  readonly id: string;
  readonly question: string;
  readonly variants: readonly string[];
  readonly answer: string;
  /** Path (relative to the knowledge folder) of the document that backs the answer. */
  readonly sourceRef: string;
}

/** One retrieved passage with the evidence the answerer needs to decide. */
export interface PassageHit {
  readonly docRef: string;
  readonly heading: string;
  readonly text: string;
  /** Ranking score, comparable only within one result list. */
  readonly score: number;
  /** Share (0..1, IDF-weighted) of the question's topic words found in this passage. */
  readonly coverage: number;
}

export interface DocumentHit {
  readonly ref: string;
  readonly title: string;
  readonly url?: string;
  /** 0..1, higher is better; the best passage's evidence, for display and thresholds. */
  readonly score: number;
  readonly best: PassageHit;
}

export interface FaqMatch {
  readonly entry: FaqEntry;
  /** 0..1 similarity of the question to the entry's question or closest variant. */
  readonly similarity: number;
}

export interface SearchResult {
  /** Documents best first. */
  readonly documents: readonly DocumentHit[];
  /** FAQ entries best first (only those with some similarity). */
  readonly faqs: readonly FaqMatch[];
  /** Topic words of the question after normalisation (empty for "hi!" or emoji). */
  readonly queryTerms: readonly string[];
  /** Topic words of the question that no indexed passage contains at all. */
  readonly unknownTerms: readonly string[];
}

/** Retrieval over the commune's knowledge base. */
export interface KnowledgeSearch {
  search(question: string, limit: number): Promise<SearchResult>;
  /** Looks up one FAQ entry by id (for "related question" buttons). */
  faq(id: string): MaybePromise<FaqEntry | undefined>;
  /** Title and address of a document, for citing a FAQ's source. */
  document(ref: string): MaybePromise<{ title: string; url?: string } | undefined>;
}

/** Per-user conversation state, whatever the engine needs to carry between turns. */
export interface ConversationState {
  /** Buttons offered in the last reply, so a typed number can pick one on text-only channels. */
  offered?: { label: string; value: string }[];
  /** How many times in a row the bot was not sure (for the hand-over to staff later). */
  unsureStreak?: number;
  /** Free-form room for the features that follow (quiz attempt id, registration step…). */
  [key: string]: unknown;
}

export interface ConversationKey {
  readonly channel: ChannelName;
  readonly userId: string;
}

export interface ConversationStateRepo {
  get(key: ConversationKey): MaybePromise<ConversationState | undefined>;
  set(key: ConversationKey, state: ConversationState, at: Date): MaybePromise<void>;
  delete(key: ConversationKey): MaybePromise<void>;
}

export interface UnansweredQuestion {
  readonly channel: ChannelName;
  /** The question with personal numbers and secrets already masked. */
  readonly question: string;
  readonly bestRef?: string;
  readonly bestScore?: number;
  readonly at: Date;
}

/** Questions the bot could not answer confidently, for staff to answer once for everyone. */
export interface UnansweredLog {
  record(q: UnansweredQuestion): MaybePromise<void>;
}
