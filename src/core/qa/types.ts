/**
 * @module core/qa/types
 *
 * The shapes the Q&A feature hands to the conversation engine and the
 * command line: an answer with its sources and choices, the context a
 * conversation adds to a question, and the thresholds that decide when the
 * assistant is sure enough to answer.
 */
import type { DraftSink } from '../messages.js';
import type { ChatModel, FaqEntry, PromptTemplates } from '../ports.js';
import type { AnswerCache } from './answerCache.js';
import type { ModelBudget } from './modelBudget.js';
import type { OutOfScopeTopic } from './scope.js';

export interface AnswerSource {
  readonly title: string;
  readonly ref: string;
  readonly url?: string;
  readonly score: number;
}

/** `unclear`: the question named no topic at all ("cần giấy tờ gì?"), which is no gap in the knowledge. */
export type AnswerKind = 'faq' | 'passage' | 'unsure' | 'unclear' | 'out-of-scope';

/** A page offered when the answer is not sure ("Có phải bà con muốn hỏi…?"); its value picks it. */
export interface AnswerChoice {
  readonly label: string;
  readonly value: string;
}

export interface QaAnswer {
  readonly kind: AnswerKind;
  readonly confident: boolean;
  /** The reply text, including the source line when confident. */
  readonly text: string;
  /** Retrieved documents, best first (up to 5), also when not confident. */
  readonly sources: readonly AnswerSource[];
  /** Other FAQ entries worth offering as buttons. */
  readonly related: readonly FaqEntry[];
  readonly outOfScope?: OutOfScopeTopic;
  /** Closest pages to offer when not sure (at most three). */
  readonly choices?: readonly AnswerChoice[];
  /** Topic words of what was answered, kept so a follow-up ("làm ở đâu?") stays on this topic. */
  readonly topic?: string;
  /** Document the answer came from (for feedback and follow-ups). */
  readonly ref?: string;
  /** The FAQ entry that answered, for a `faq` answer (the learning loop counts staff-approved ones). */
  readonly faqId?: string;
}

/** What the conversation adds to a question: the topic of the last answer, and where to ask in person. */
export interface AskContext {
  /** Topic words of the previous answer, if it is recent. */
  readonly previousTopic?: string;
  /** The page the previous answer came from: a follow-up read in its topic is answered from it when it can be. */
  readonly previousRef?: string;
  /** Lines that end an unsure reply (contacts of the commune when known). */
  readonly whereToAsk?: readonly string[];
  /** Aborted when the answer is due: the model's turn ends and the extractive answer goes out. */
  readonly signal?: AbortSignal;
  /** Where the model's checked sentences may be shown as they come (the web chat's stream). */
  readonly draft?: DraftSink;
}

export interface AnswerThresholds {
  /** Minimum FAQ similarity to answer with the FAQ entry. */
  readonly faq: number;
  /** Minimum coverage of the question's topic by the best passage to answer with it. */
  readonly passage: number;
  /** Coverage needed to answer anyway when the question looks out of scope. */
  readonly outOfScopeOverride: number;
  /**
   * Coverage forgiven per topic word beyond six: a long question with a story
   * has words no page repeats, and its right page covers less of it.
   */
  readonly longQuestionRelief?: number;
  /** The passage threshold never drops below this, however long the question. */
  readonly passageFloor?: number;
}

/**
 * Measured on the real-question tuning half (152 questions, bench:qa): a long
 * story's relief of 0.012 per word down to a floor of 0.45 let pages that
 * share the story's topic but not its case answer confidently (14.5% of the
 * tuning half confident and wrong); 0.008 down to 0.5 turns six of those
 * wrong answers into "not sure" for two right answers lost (10.5% wrong,
 * 61.2% useful instead of 62.5%). A wrong answer about a procedure costs a
 * resident a trip; "not sure" offers the closest pages and where to ask.
 */
export const DEFAULT_THRESHOLDS: AnswerThresholds = {
  faq: 0.5,
  passage: 0.58,
  outOfScopeOverride: 0.9,
  longQuestionRelief: 0.008,
  passageFloor: 0.5,
};

/** Why the model's reply did not reach the resident (the extractive answer went out instead). */
export type FallbackReason =
  'budget' | 'timeout' | 'error' | 'empty' | 'too-long' | 'prompt-echo' | 'citation' | 'invented';

/** What the model path tells the service's log (already masked: no personal number in it). */
export type ModelEvent =
  | { readonly type: 'rewrite'; readonly original: string; readonly rewritten: string }
  | { readonly type: 'fallback'; readonly reason: FallbackReason; readonly detail?: string };

/**
 * The optional language model. With it, the model answers the question from
 * the passages retrieval found (or refuses), its reply is checked, and
 * follow-ups are rewritten into stand-alone questions.
 */
export interface AnswerWriter {
  readonly model: ChatModel;
  readonly prompts: PromptTemplates;
  /** Checked replies by question and passages: a common question costs one request. */
  readonly cache?: AnswerCache;
  /** Requests per minute; past it the extractive answer goes out. */
  readonly budget?: ModelBudget;
  /** A signal aborted when the resident's answer is due (one limit per answer, rewrite and retries included). */
  readonly deadline?: () => AbortSignal;
  /** Rewrites and fallbacks, for the staff's log. */
  readonly onEvent?: (event: ModelEvent) => void;
}
