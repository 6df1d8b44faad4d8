/**
 * @module core/ports
 *
 * The small interfaces through which the pure core reaches the outside world.
 * Each has an in-memory implementation in `test/fakes` (and `src/storage/memory`
 * where a channel needs one), so the core is tested with plain values.
 */
import type { ChannelName } from './messages.js';
import type { Attempt, CompletionRecord, Quiz, QuizResult } from './quiz/types.js';
import type { Citizen, CitizenProfile, ConsentState, Identity, RedeemResult } from './registry/types.js';

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
  /** Index id of the passage, when the search has one (to offer it as a choice and show it later). */
  readonly id?: number;
  readonly docRef: string;
  readonly heading: string;
  readonly text: string;
  /** Ranking score, comparable only within one result list. */
  readonly score: number;
  /** Share (0..1, IDF-weighted) of the question's topic words found in this passage. */
  readonly coverage: number;
  /**
   * The same share in the passage's heading and text alone, without its
   * document's title: every passage of "Định danh mức 2" covers "mức 2", and
   * this tells the one that talks about what was asked.
   */
  readonly ownCoverage?: number;
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
  /** Share (IDF-weighted) of the question's topic words that the closest phrasing contains. */
  readonly questionCoverage?: number;
  /** Share (IDF-weighted) of the closest phrasing's topic words that the question contains. */
  readonly entryCoverage?: number;
  /** The entry's phrasing (question or variant) that matched best. */
  readonly phrasing?: string;
}

export interface SearchResult {
  /** Documents best first. */
  readonly documents: readonly DocumentHit[];
  /** Candidate passages best first, several per document (the documents' best passages are among them). */
  readonly passages?: readonly PassageHit[];
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
  /** One passage by its index id (a "did you mean" choice picked later), when the search has ids. */
  passage?(id: number): MaybePromise<PassageHit | undefined>;
}

/** Per-user conversation state, whatever the engine needs to carry between turns. */
export interface ConversationState {
  /** Buttons offered in the last reply, so a typed number can pick one on text-only channels. */
  offered?: { label: string; value: string }[];
  /** How many times in a row the bot was not sure (two in a row: a person from the commune is offered). */
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

/**
 * Why a question is in the log: a real miss, a question with no topic
 * ("cần giấy tờ gì?"), one outside the assistant's scope, or a confident
 * answer the resident marked 👎.
 */
export type UnansweredKind = 'miss' | 'unclear' | 'out-of-scope' | 'thumbs-down';

export interface UnansweredQuestion {
  readonly channel: ChannelName;
  /** Who asked (their id on `channel`), so the question is erased with their data; never shown to staff. */
  readonly userId?: string;
  /** `miss` when left out. */
  readonly kind?: UnansweredKind;
  /** For a 👎: the answer that was given (already masked). */
  readonly answer?: string;
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

/**
 * How one resident question was answered, counted for the learning loop's
 * weekly figures (share unanswered, share answered by staff-approved
 * entries). Counts only: no text and no person.
 */
export interface AnswerOutcome {
  readonly at: Date;
  /** The answer's kind (`faq`, `passage`, `unsure`, `unclear`, `out-of-scope`). */
  readonly kind: string;
  /** The FAQ entry that answered, when one did. */
  readonly faqId?: string;
}

export interface AnswerOutcomeLog {
  record(outcome: AnswerOutcome): MaybePromise<void>;
}

// ---- Quizzes, citizens and completion records (issue 3) ----

/** The validated quiz banks. */
export interface QuizCatalog {
  list(): readonly Quiz[];
  get(id: string): Quiz | undefined;
}

/** Source of randomness (option shuffles, ids, link codes); injected so tests are repeatable. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
}

export interface CitizenRepo {
  findByIdentity(identity: Identity): MaybePromise<Citizen | undefined>;
  /** Returns the citizen of this identity, creating an anonymous one on first use. */
  ensure(identity: Identity, newId: string, at: Date): MaybePromise<Citizen>;
  get(citizenId: string): MaybePromise<Citizen | undefined>;
  update(citizenId: string, patch: { consent?: ConsentState; profile?: CitizenProfile }, at: Date): MaybePromise<void>;
  identities(citizenId: string): MaybePromise<Identity[]>;
  /** Stores a one-time code (replacing the citizen's previous one). */
  createLinkCode(citizenId: string, code: string, expiresAt: Date): MaybePromise<void>;
  /**
   * Joins `identity` to the citizen who made `code`, in one transaction: the
   * identity's previous citizen (if any) is merged into that citizen (attempts,
   * passes kept; earliest pass wins) and the code is used up.
   */
  redeemLinkCode(code: string, identity: Identity, at: Date): MaybePromise<RedeemResult>;
  /** Deletes the citizen with every identity, attempt and completion record. */
  delete(citizenId: string): MaybePromise<void>;
  /**
   * "Xóa dữ liệu của tôi": erases the citizen behind `identity` (if any) and,
   * where the store holds them, every row any of their identities left on any
   * channel (questions, conversation state, channel records). Their passes
   * stay only as anonymous counts (hamlet, group, quiz, day).
   */
  erase(identity: Identity): MaybePromise<void>;
}

export interface AttemptRepo {
  active(citizenId: string): MaybePromise<Attempt | undefined>;
  get(attemptId: string): MaybePromise<Attempt | undefined>;
  /** Creates an attempt; false when the citizen already has an active one. */
  start(attempt: Attempt): MaybePromise<boolean>;
  /**
   * Saves an attempt if it is still active at question `expectedCurrent`, and
   * with it the completion record when it finished, in one transaction. False
   * when the attempt moved on meanwhile (a double tap, a redelivered update):
   * nothing is written.
   */
  commit(attempt: Attempt, expectedCurrent: number, completion?: CompletionRecord): MaybePromise<boolean>;
  abandon(attemptId: string, at: Date): MaybePromise<void>;
  results(citizenId: string): MaybePromise<QuizResult[]>;
  programmeCompletedAt(citizenId: string): MaybePromise<string | undefined>;
}

// ---- Optional language model ----

export interface ChatMessage {
  readonly role: 'system' | 'user';
  readonly content: string;
}

export interface ChatCallOptions {
  /** Aborted when the resident's answer is due (one limit for the whole answer, retries included). */
  readonly signal?: AbortSignal;
}

/** An OpenAI-compatible chat model; rejects with UpstreamUnavailableError when it cannot answer. */
export interface ChatModel {
  complete(messages: readonly ChatMessage[], options?: ChatCallOptions): Promise<string>;
  /**
   * The same answer as it is written, in text pieces, for a channel that can
   * show it (the web chat). Honours the same signal and time limit; a failure
   * rejects the iteration with UpstreamUnavailableError. Optional: without it
   * every channel waits for `complete`.
   */
  stream?(messages: readonly ChatMessage[], options?: ChatCallOptions): AsyncIterable<string>;
}

/**
 * Prompt templates (from the prompts/ folder): `answer` with {{context}} and
 * {{question}}, `rewrite` (follow-ups) with {{history}} and {{question}}.
 */
export interface PromptTemplates {
  readonly system: string;
  readonly answer: string;
  /** Without it, follow-ups are read with the last topic's words, as without a model. */
  readonly rewrite?: string;
}
