/**
 * @module channels/telegram/polls
 *
 * Whether a quiz question can be shown as a native Telegram quiz poll, and
 * the poll it becomes. Polls have hard limits (question 300 characters, option
 * 100, explanation 200 with at most two line breaks); a question that does not
 * fit is shown with buttons instead, so no learner ever sees a cut question or
 * option. Lengths are counted in UTF-16 units after NFC, which is never less
 * than what Telegram counts.
 */
import type { OutgoingReply } from '../../core/messages.js';

export const POLL_LIMITS = { question: 300, option: 100, options: 10, explanation: 200 } as const;

export interface PollPlan {
  readonly question: string;
  readonly options: readonly string[];
  readonly correctPosition: number;
  readonly explanation?: string;
  /** False when the explanation had to be shortened (the engine's full feedback is then sent too). */
  readonly explained: boolean;
  readonly values: readonly string[];
  readonly attemptId: string;
  readonly questionIndex: number;
}

/** At most two line breaks (extra lines are joined, nothing lost) and 200 characters, cut at a word with an ellipsis. */
function fitExplanation(text: string): { text: string; whole: boolean } {
  const lines = text.normalize('NFC').trim().split('\n');
  const joined = lines.length > 3 ? `${lines.slice(0, 2).join('\n')}\n${lines.slice(2).join(' ')}` : lines.join('\n');
  if (joined.length <= POLL_LIMITS.explanation) return { text: joined, whole: true };
  const cut = joined.slice(0, POLL_LIMITS.explanation - 1);
  const space = cut.lastIndexOf(' ');
  return { text: `${(space > 100 ? cut.slice(0, space) : cut).trimEnd()}…`, whole: false };
}

/** The poll for a quiz question reply, or undefined when it must be shown with buttons. */
export function pollFor(reply: OutgoingReply): PollPlan | undefined {
  const quiz = reply.quiz;
  const buttons = reply.buttons ?? [];
  if (!quiz || buttons.length < 2 || buttons.length > POLL_LIMITS.options) return undefined;
  const question = reply.text.normalize('NFC').trim();
  const options = buttons.map((b) => b.label.normalize('NFC').trim());
  if (question.length === 0 || question.length > POLL_LIMITS.question) return undefined;
  if (options.some((o) => o.length === 0 || o.length > POLL_LIMITS.option)) return undefined;
  if (!Number.isInteger(quiz.correctPosition) || quiz.correctPosition < 0 || quiz.correctPosition >= options.length) {
    return undefined;
  }
  const explanation = quiz.explanation.trim() ? fitExplanation(quiz.explanation) : undefined;
  return {
    question,
    options,
    correctPosition: quiz.correctPosition,
    explanation: explanation?.text,
    explained: explanation?.whole ?? false,
    values: buttons.map((b) => b.value),
    attemptId: quiz.attemptId,
    questionIndex: quiz.index,
  };
}
