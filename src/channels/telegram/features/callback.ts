/**
 * @module channels/telegram/features/callback
 *
 * Button presses. The press is answered at once (clients show a spinner until
 * then), alongside the turn and never before it; its value goes to the engine
 * as a choice in one turn, and a quiz answer is shown in place: the rows
 * queued for it edit the question message to carry the learner's pick and the
 * engine's verdict and explanation, with its buttons removed, and only what
 * follows (the next question, the result) is sent as new messages (see
 * send.ts `answerRows`). A stale or repeated press is recognised by the
 * engine; its old buttons are retired. Telegram's "query is too old"
 * refusal of the spinner is expected and ignored.
 */
import { Composer, type Context } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import { isPersonalChoice } from '../../../core/conversation/privateOnly.js';
import { decodeCallback } from '../callbackData.js';
import { turnUserId } from '../inbound.js';
import { isQuizAnswer } from '../quizReplies.js';
import { answerRows, isHarmless, replyRows, type ReplyTarget } from '../send.js';
import * as T from '../texts.js';
import { runTurn, type FeatureDeps } from './deps.js';

/** Answers the press (the spinner); an old query is expected, anything else is only logged. */
async function answerPress(ctx: Context, deps: FeatureDeps, options?: { text: string; show_alert?: boolean }) {
  try {
    await ctx.answerCallbackQuery(options);
  } catch (err) {
    if (isHarmless(err)) deps.logger.debug('telegram: harmless refusal ignored');
    else deps.logger.warn({ err }, 'telegram: answerCallbackQuery failed');
  }
}

function labelOf(markup: InlineKeyboardMarkup | undefined, data: string): string | undefined {
  for (const row of markup?.inline_keyboard ?? []) {
    for (const b of row) if ('callback_data' in b && b.callback_data === data) return b.text;
  }
  return undefined;
}

export function callbackFeature(deps: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();

  composer.on('callback_query:data', async (ctx) => {
    const query = ctx.callbackQuery;
    const chat = query.message && query.message.date !== 0 ? query.message.chat : undefined;
    const isPrivate = !chat || chat.type === 'private';
    const value = await decodeCallback(query.data, deps.store);
    if (value === undefined) {
      await answerPress(ctx, deps, { text: T.EXPIRED_BUTTON });
      return;
    }
    // The engine would refuse it too; a press is answered with an alert only the presser sees, not a group post.
    if (!isPrivate && isPersonalChoice(value)) {
      await answerPress(ctx, deps, { text: T.PRIVATE_ONLY_ALERT, show_alert: true });
      return;
    }
    // Not awaited before the turn: the spinner is an acknowledgement, not a reply, and the turn need not wait on it.
    const spinner = answerPress(ctx, deps);

    const userId = turnUserId(value, chat?.id ?? ctx.from.id, isPrivate, ctx.from.id);
    const target: ReplyTarget = { chatId: chat?.id ?? ctx.from.id, userId, isPrivate, botUsername: ctx.me.username };
    const message = query.message && query.message.date !== 0 ? query.message : undefined;
    const shown = message && 'text' in message ? message.text : undefined;
    const pressed =
      message && shown !== undefined && isQuizAnswer(value)
        ? { messageId: message.message_id, text: shown, label: labelOf(message.reply_markup, query.data) }
        : undefined;
    await runTurn(deps, {
      claim: `telegram:${ctx.update.update_id}`,
      ...(isPrivate && { active: ctx.from.id }),
      userId,
      message: { channel: 'telegram', userId, choice: value, chat: isPrivate ? 'private' : 'group' },
      render: (replies) => (pressed ? answerRows(target, pressed, replies, T.chosen) : replyRows(target, replies)),
    });
    await spinner;
  });

  // Must stay last: every other press (a game, an unknown payload) is still answered.
  composer.on('callback_query', (ctx: Context) => answerPress(ctx, deps));
  return composer;
}
