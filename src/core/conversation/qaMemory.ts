/**
 * @module core/conversation/qaMemory
 *
 * What a conversation remembers of its questions and answers, all inside the
 * conversation state (so it is bounded, and deleted with the citizen's data):
 * the topic of the last answer, for follow-ups, forgotten after a quiet spell;
 * the last answer given, so a 👎 can be stored with it for staff; the
 * topics already asked about for feedback, so "Câu trả lời có giúp được
 * không?" comes at most once per topic; and, when a language model rewrites
 * follow-ups, the last few turns (masked, shortened, expiring like the topic).
 */
import type { ReplyButton } from '../messages.js';
import type { ConversationState } from '../ports.js';
import type { QaAnswer } from '../qa/answerer.js';
import type { Turn } from '../qa/rewrite.js';
import { redactSensitive } from '../text/sensitive.js';

/** A follow-up more than this long after the last answer starts afresh. */
export const TOPIC_TTL_MS = 30 * 60 * 1000;
/** Topics remembered for "feedback already asked". */
const MAX_ASKED = 20;
/** Characters of an answer kept for a 👎 (staff see what was said). */
const ANSWER_CHARS = 600;

export const FEEDBACK_UP = 'fb:up';
export const FEEDBACK_DOWN = 'fb:down';

interface TopicMemory {
  readonly terms: string;
  readonly ref?: string;
  readonly at: string;
}

interface LastAnswer {
  readonly question: string;
  readonly answer: string;
  readonly ref?: string;
}

/** The last topic's words and the page that answered it, when it is recent enough to continue. */
export function previousTopic(
  state: ConversationState,
  now: Date,
): { readonly terms: string; readonly ref?: string } | undefined {
  const t = state.qaTopic as TopicMemory | undefined;
  if (!t || typeof t.terms !== 'string') return undefined;
  const age = now.getTime() - Date.parse(t.at);
  if (!(age >= 0 && age <= TOPIC_TTL_MS)) {
    delete state.qaTopic;
    return undefined;
  }
  return { terms: t.terms, ...(typeof t.ref === 'string' && { ref: t.ref }) };
}

/** Remembers what a confident answer was about (an unsure one keeps the earlier topic). */
export function rememberAnswer(state: ConversationState, question: string, answer: QaAnswer, now: Date): void {
  if (!answer.confident) return;
  if (answer.topic)
    state.qaTopic = { terms: answer.topic, ref: answer.ref, at: now.toISOString() } satisfies TopicMemory;
  state.lastAnswer = {
    question: question.slice(0, 500),
    answer: answer.text.slice(0, ANSWER_CHARS),
    ref: answer.ref,
  } satisfies LastAnswer;
}

/** 👍 / 👎 buttons for a confident answer, once per topic (document) per conversation. */
export function feedbackButtons(
  state: ConversationState,
  answer: QaAnswer,
  labels: readonly [string, string],
): ReplyButton[] {
  if (!answer.confident || !answer.ref) return [];
  const asked = Array.isArray(state.feedbackAsked) ? (state.feedbackAsked as string[]) : [];
  if (asked.includes(answer.ref)) return [];
  state.feedbackAsked = [...asked, answer.ref].slice(-MAX_ASKED);
  return [
    { label: labels[0], value: FEEDBACK_UP },
    { label: labels[1], value: FEEDBACK_DOWN },
  ];
}

/** Turns kept for rewriting follow-ups, and the characters kept of each side. */
export const MAX_TURNS = 3;
const TURN_CHARS = 300;

interface StoredTurn extends Turn {
  readonly at: string;
}

/**
 * Keeps the turn for the next follow-up's rewrite: at most three, each side
 * cut to 300 characters and masked again (the engine masks the question
 * first; the answer may quote a phone number of the commune, which is no
 * secret but gains nothing from being kept).
 */
export function rememberTurn(state: ConversationState, question: string, answer: QaAnswer, now: Date): void {
  const kept = Array.isArray(state.qaTurns) ? (state.qaTurns as StoredTurn[]) : [];
  const turn: StoredTurn = {
    question: redactSensitive(question.slice(0, TURN_CHARS)).text,
    answer: redactSensitive(answer.text.slice(0, TURN_CHARS)).text,
    at: now.toISOString(),
  };
  state.qaTurns = [...kept, turn].slice(-MAX_TURNS);
}

/** The recent turns (the same quiet spell as the topic), oldest first; stale ones are forgotten. */
export function recentTurns(state: ConversationState, now: Date): Turn[] {
  const kept = Array.isArray(state.qaTurns) ? (state.qaTurns as StoredTurn[]) : [];
  const fresh = kept.filter((t) => {
    const age = now.getTime() - Date.parse(t.at);
    return typeof t.question === 'string' && typeof t.answer === 'string' && age >= 0 && age <= TOPIC_TTL_MS;
  });
  if (fresh.length === 0) delete state.qaTurns;
  else if (fresh.length !== kept.length) state.qaTurns = fresh;
  return fresh.map(({ question, answer }) => ({ question, answer }));
}

/** A typed 👍 or 👎 alone, read as feedback when an answer is waiting for it. */
export function typedFeedback(text: string): 'up' | 'down' | undefined {
  const t = text
    .replace(/\s+/g, '')
    .replace(/\uFE0F/g, '')
    .replace(/\p{Emoji_Modifier}/gu, '');
  if (/^(👍|👌)+$/u.test(t)) return 'up';
  if (/^👎+$/u.test(t)) return 'down';
  return undefined;
}

interface PendingAsk {
  readonly question: string;
  readonly at: string;
}

/** Words a reply naming only the topic ("khai sinh cho con") has at most. */
const MAX_TOPIC_REPLY_TOKENS = 8;

/**
 * After "cần giấy tờ gì?" the assistant asked what it is about; the resident's
 * next short message ("khai sinh cho con") is that topic. Returns the
 * question to ask then ("khai sinh cho con cần giấy tờ gì?"), and forgets the
 * pending question either way.
 */
export function completePendingAsk(state: ConversationState, reply: string, now: Date): string | undefined {
  const pending = state.qaPending as PendingAsk | undefined;
  delete state.qaPending;
  if (!pending || typeof pending.question !== 'string') return undefined;
  const age = now.getTime() - Date.parse(pending.at);
  if (!(age >= 0 && age <= TOPIC_TTL_MS)) return undefined;
  if (reply.trim().split(/\s+/).length > MAX_TOPIC_REPLY_TOKENS) return undefined;
  return `${reply.trim()} ${pending.question.trim()}`;
}

/** Remembers a question that named no topic, to complete it with the resident's next message. */
export function rememberPendingAsk(state: ConversationState, question: string, now: Date): void {
  state.qaPending = { question: question.slice(0, 200), at: now.toISOString() } satisfies PendingAsk;
}

/** The answer a 👎 is about, taken (so it is stored once). */
export function takeLastAnswer(state: ConversationState): LastAnswer | undefined {
  const last = state.lastAnswer as LastAnswer | undefined;
  delete state.lastAnswer;
  return last && typeof last.question === 'string' ? last : undefined;
}

export function hasLastAnswer(state: ConversationState): boolean {
  return state.lastAnswer !== undefined;
}
