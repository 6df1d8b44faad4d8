/**
 * @module channels/telegram/errors
 *
 * The one error boundary of the Telegram channel, used the same way by long
 * polling, webhooks and tests: nothing thrown while handling an update ever
 * reaches the runner or the HTTP server, so one bad update cannot stop the
 * bot or make Telegram redeliver it in a loop. A blocked bot (403) is routine
 * and logged quietly; anything else is logged (the logger masks personal
 * data) and, when the failure was ours rather than Telegram's, the person
 * gets a polite apology instead of silence.
 */
import { GrammyError, HttpError, type BotError } from 'grammy';
import type { Logger } from '../../logger.js';
import { SOMETHING_WENT_WRONG } from './texts.js';

/** Telegram refuses to deliver to this chat: blocked, deactivated, removed from the group. */
export function isBlocked(err: unknown): err is GrammyError {
  return err instanceof GrammyError && err.error_code === 403;
}

export function telegramErrorHandler(logger: Logger): (err: BotError) => Promise<void> {
  return async ({ error, ctx }) => {
    const where = { update_id: ctx.update.update_id, chatType: ctx.chat?.type };
    if (isBlocked(error)) {
      logger.info({ ...where, reason: error.description }, 'telegram: chat unreachable, marked inactive');
      return;
    }
    logger.error({ ...where, err: error }, 'telegram: update failed');
    const fromTelegram = error instanceof GrammyError || error instanceof HttpError;
    if (fromTelegram || ctx.chat === undefined) return;
    try {
      await ctx.api.sendMessage(ctx.chat.id, SOMETHING_WENT_WRONG);
    } catch (err) {
      logger.warn({ ...where, err }, 'telegram: apology not delivered');
    }
  };
}
