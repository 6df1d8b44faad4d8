/**
 * @module channels/telegram/features/rateLimit
 *
 * One learner's flood of messages or button presses is refused before the
 * engine, per Telegram user (or chat, for updates without a user): the first
 * refused message gets a polite "please wait" and the rest of the flood is
 * dropped quietly (answering each would be a flood of our own, and Telegram
 * limits bots per chat). The "please wait" is a turn of its own without the
 * engine, delivered through the outbox like any reply. A refused button press
 * still gets its spinner stopped, with the same words. Poll answers are quiz
 * answers, one per question by nature, and pass untouched.
 */
import type { Context, MiddlewareFn } from 'grammy';
import { retrySeconds, tooFastText, type RateLimiter } from '../../../core/rateLimit.js';
import { replyRows } from '../send.js';
import { runTurn, type FeatureDeps } from './deps.js';

export function rateLimitFeature(perIdentity: RateLimiter, deps: FeatureDeps): MiddlewareFn<Context> {
  const { logger } = deps;
  return async (ctx, next) => {
    if (!ctx.message && !ctx.callbackQuery) return next();
    const who = ctx.from?.id ?? ctx.chatId;
    if (who === undefined) return next();
    const taken = perIdentity.take(`telegram:${who}`);
    if (taken.ok) return next();
    const text = tooFastText(retrySeconds(taken));
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({ text });
      return;
    }
    const chatId = ctx.chatId;
    if (taken.first && chatId !== undefined) {
      logger.info({ user: who }, 'telegram: messages refused by the rate limit');
      const target = { chatId, userId: String(who), isPrivate: ctx.chat?.type === 'private' };
      await runTurn(deps, {
        userId: target.userId,
        replies: [{ kind: 'notice', text }],
        render: (replies) => replyRows(target, replies),
      });
    }
  };
}
