/**
 * @module channels/telegram/quizReplies
 *
 * Recognises the two engine replies the Telegram adapter presents in its own
 * way: the answer to a quiz question (a `quiz:a:` button value) and the
 * feedback that follows it ("✅ Chính xác!" / "❌ Chưa đúng…"). The feedback is
 * folded into the question message (buttons mode) or left out when the quiz
 * poll already showed it (polls mode). Matching uses the core's own texts, so
 * a reworded feedback changes both sides at once.
 */
import type { OutgoingReply } from '../../core/messages.js';
import { CORRECT, wrong } from '../../core/quiz/texts.js';

const WRONG_PREFIX = wrong('').trimEnd();

export function isQuizAnswer(value: string): boolean {
  return value.startsWith('quiz:a:');
}

/** The engine's verdict on an answer: no buttons, and it starts with the right/wrong mark. */
export function isAnswerFeedback(reply: OutgoingReply | undefined): reply is OutgoingReply {
  if (!reply || (reply.buttons && reply.buttons.length > 0)) return false;
  return reply.text.startsWith(CORRECT) || reply.text.startsWith(WRONG_PREFIX);
}
