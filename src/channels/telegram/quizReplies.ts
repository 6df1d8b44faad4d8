/**
 * @module channels/telegram/quizReplies
 *
 * Recognises the two engine replies the Telegram adapter presents in its own
 * way: the answer to a quiz question (a `quiz:a:` button value) and the
 * engine's verdict on it, a reply of kind `quiz-feedback`. The feedback is
 * folded into the question message (buttons mode) or left out when the quiz
 * poll already showed it (polls mode). Its text is never read here, so a
 * reworded feedback changes nothing in the adapter.
 */
import type { OutgoingReply } from '../../core/messages.js';

export function isQuizAnswer(value: string): boolean {
  return value.startsWith('quiz:a:');
}

/** The engine's verdict on an answer. */
export function isAnswerFeedback(reply: OutgoingReply | undefined): reply is OutgoingReply {
  return reply?.kind === 'quiz-feedback';
}
