/**
 * @module core/conversation/qaReplies
 *
 * Turns a Q&A answer into what the resident sees, and handles the 👍 / 👎 that
 * follows it. Kept apart from the engine so the engine only decides the
 * order of steps: an answer carries its related questions or, when unsure,
 * the closest pages as choices; the first answer on a topic asks once whether
 * it helped; a 👎 goes to staff with the answer that was given.
 */
import type { ChannelName, OutgoingReply, ReplyButton } from '../messages.js';
import type { Clock, ConversationState, UnansweredLog } from '../ports.js';
import type { QaAnswer } from '../qa/types.js';
import { faqButton } from './menu.js';
import { feedbackButtons, takeLastAnswer } from './qaMemory.js';
import * as T from './texts.js';

/** Builds the reply of a Q&A answer: text, sources, and related questions, choices or the menu as buttons. */
export function answerReply(answer: QaAnswer, menu: readonly ReplyButton[]): OutgoingReply {
  const buttons: ReplyButton[] = answer.confident
    ? answer.related.map(faqButton)
    : answer.choices && answer.choices.length > 0
      ? answer.choices.map(({ label, value }) => ({ label, value }))
      : [...menu];
  return {
    kind: answer.confident ? 'answer' : 'unsure',
    text: answer.text,
    buttons: buttons.length > 0 ? buttons : undefined,
    sources: answer.confident
      ? answer.sources.slice(0, 1).map(({ title, ref, url }) => ({ title, ref, url }))
      : undefined,
  };
}

/** The reply to a question, asking "did it help?" with 👍 / 👎 first when this topic has not been asked yet. */
export function replyWithFeedback(
  state: ConversationState,
  answer: QaAnswer,
  menu: readonly ReplyButton[],
): OutgoingReply {
  const reply = answerReply(answer, menu);
  const ask = feedbackButtons(state, answer, [T.BTN_HELPFUL, T.BTN_NOT_HELPFUL]);
  if (ask.length === 0) return reply;
  return { ...reply, text: `${reply.text}\n\n${T.FEEDBACK_QUESTION}`, buttons: [...ask, ...(reply.buttons ?? [])] };
}

export interface FeedbackDeps {
  readonly unanswered: UnansweredLog;
  readonly clock: Clock;
  readonly menu: readonly ReplyButton[];
  /** The lines saying where to ask a person (the commune's contacts, or the general advice). */
  readonly whereToAsk: () => readonly string[];
}

/** 👍 / 👎 on the last answer: a 👎 stores the question with the answer given, once. */
export async function onFeedback(
  deps: FeedbackDeps,
  who: { readonly channel: ChannelName; readonly userId: string },
  state: ConversationState,
  up: boolean,
): Promise<OutgoingReply[]> {
  const last = takeLastAnswer(state);
  if (up || !last) return [{ kind: 'notice', text: up ? T.FEEDBACK_THANKS : T.FEEDBACK_NOTHING }];
  await deps.unanswered.record({
    channel: who.channel,
    userId: who.userId,
    kind: 'thumbs-down',
    question: last.question,
    answer: last.answer,
    bestRef: last.ref,
    at: deps.clock.now(),
  });
  return [{ kind: 'notice', text: `${T.FEEDBACK_SORRY}\n\n${deps.whereToAsk().join('\n')}`, buttons: [...deps.menu] }];
}
