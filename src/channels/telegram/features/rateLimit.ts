/**
 * @module channels/telegram/features/rateLimit
 *
 * One learner's flood of messages or button presses is refused before the
 * engine, per Telegram user (or chat, for updates without a user): the first
 * refused message gets a polite "please wait" and the rest of the flood is
 * dropped quietly (answering each would be a flood of our own, and Telegram
 * limits bots per chat). A refused button press still gets its spinner
 * stopped, with the same words. Poll answers are quiz answers, one per
 * question by nature, and pass untouched.
 */
import type { Context, MiddlewareFn } from 'grammy';
import { retrySeconds, tooFastText, type RateLimiter } from '../../../core/rateLimit.js';
import type { Logger } from '../../../logger.js';

export function rateLimitFeature(perIdentity: RateLimiter, logger: Logger): MiddlewareFn<Context> {
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
    if (taken.first) {
      logger.info({ user: who }, 'telegram: messages refused by the rate limit');
      await ctx.reply(text);
    }
  };
}
