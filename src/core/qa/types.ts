/**
 * @module core/qa/types
 *
 * The shapes the Q&A feature hands to the conversation engine and the
 * command line: an answer with its sources and choices, the context a
 * conversation adds to a question, and the thresholds that decide when the
 * assistant is sure enough to answer.
 */
import type { ChatModel, FaqEntry, PromptTemplates } from '../ports.js';
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
  /** Lines that end an unsure reply (contacts of the commune when known). */
  readonly whereToAsk?: readonly string[];
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

export const DEFAULT_THRESHOLDS: AnswerThresholds = {
  faq: 0.5,
  passage: 0.58,
  outOfScopeOverride: 0.9,
  longQuestionRelief: 0.012,
  passageFloor: 0.45,
};

/** The optional language model that words passage answers (FAQ answers are already written by staff). */
export interface AnswerWriter {
  readonly model: ChatModel;
  readonly prompts: PromptTemplates;
}
