/**
 * @module channels/telegram/features/pollAnswer
 *
 * Answers to the quiz polls the bot sent. A `poll_answer` has no chat and no
 * `ctx.from`: the saved poll row gives the chat, the learner and the engine
 * choice behind each option, and the answer goes to the engine exactly like
 * a pressed button, so grading, stale answers and completion are decided in
 * one place. Votes by someone else (a group poll) and retracted votes are
 * ignored. When the poll already showed the whole explanation, the engine's
 * feedback message is not repeated.
 */
import { Composer, type Context } from 'grammy';
import { isAnswerFeedback } from '../quizReplies.js';
import { replyRows } from '../send.js';
import { runTurn, type FeatureDeps } from './deps.js';

export function pollAnswerFeature(deps: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('poll_answer', async (ctx) => {
    const answer = ctx.pollAnswer;
    const voter = answer.user;
    const option = answer.option_ids[0];
    if (!voter || option === undefined) return;
    const poll = await deps.store.findPoll(answer.poll_id);
    if (!poll) {
      deps.logger.debug({ poll: answer.poll_id }, 'telegram: answer to an unknown poll ignored');
      return;
    }
    if (poll.userId !== String(voter.id)) return;
    const choice = poll.values[option];
    if (choice === undefined) return;
    const isPrivate = poll.chatId === voter.id;
    const chat = isPrivate ? 'private' : 'group';
    const target = { chatId: poll.chatId, userId: poll.userId, isPrivate, botUsername: ctx.me.username };
    await runTurn(deps, {
      claim: `telegram:${ctx.update.update_id}`,
      userId: poll.userId,
      message: { channel: 'telegram', userId: poll.userId, choice, chat },
      render: (replies) =>
        replyRows(target, poll.explained && isAnswerFeedback(replies[0]) ? replies.slice(1) : replies),
    });
  });
  return composer;
}
