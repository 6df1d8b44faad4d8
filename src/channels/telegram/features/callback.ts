/**
 * @module channels/telegram/features/callback
 *
 * Button presses. The press is answered at once (clients show a spinner until
 * then), alongside the turn and never before it, its value goes to the engine as a choice, and a quiz answer is shown
 * in place: the question message is edited to carry the learner's pick and
 * the engine's verdict and explanation, with its buttons removed, and only
 * what follows (the next question, the result) is sent as new messages. A
 * stale or repeated press is recognised by the engine; here its old buttons
 * are retired. Telegram's "query is too old" and "message is not modified"
 * refusals are expected and ignored.
 */
import { Composer, GrammyError, type Context } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import { isPersonalChoice } from '../../../core/conversation/privateOnly.js';
import type { OutgoingReply } from '../../../core/messages.js';
import { decodeCallback } from '../callbackData.js';
import { turnUserId } from '../inbound.js';
import { isAnswerFeedback, isQuizAnswer } from '../quizReplies.js';
import { MAX_MESSAGE_CHARS } from '../render.js';
import { sendReplies } from '../send.js';
import * as T from '../texts.js';
import type { FeatureDeps } from './deps.js';

/** Telegram's 400s for a press that no longer matters (old query, same content, message gone). */
function isHarmless(err: unknown): boolean {
  return (
    err instanceof GrammyError &&
    err.error_code === 400 &&
    /query is too old|query ID is invalid|message is not modified|message to edit not found|message can't be edited/i.test(
      err.description,
    )
  );
}

async function tolerate(call: () => Promise<unknown>, deps: FeatureDeps): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (err) {
    if (!isHarmless(err)) throw err;
    deps.logger.debug({ err: (err as GrammyError).description }, 'telegram: harmless refusal ignored');
    return false;
  }
}

function labelOf(markup: InlineKeyboardMarkup | undefined, data: string): string | undefined {
  for (const row of markup?.inline_keyboard ?? []) {
    for (const b of row) if ('callback_data' in b && b.callback_data === data) return b.text;
  }
  return undefined;
}

type PressContext = Context & { callbackQuery: NonNullable<Context['callbackQuery']> & { data: string } };

/**
 * A quiz answer shown in place: the verdict is folded into the question
 * message (buttons removed) and the replies still to send are returned. A
 * stale press in a private chat retires the old buttons; in a group they are
 * left alone, since the press may be a bystander's and the buttons another
 * learner's.
 */
async function showInPlace(
  ctx: PressContext,
  replies: readonly OutgoingReply[],
  isPrivate: boolean,
  deps: FeatureDeps,
): Promise<readonly OutgoingReply[]> {
  const query = ctx.callbackQuery;
  const message = query.message && query.message.date !== 0 ? query.message : undefined;
  const shown = message && 'text' in message ? message.text : undefined;
  if (!message || shown === undefined) return replies;
  const { chat, message_id } = message;
  const retired = { reply_markup: { inline_keyboard: [] } };
  const verdict = replies[0];
  if (!isAnswerFeedback(verdict)) {
    if (isPrivate) await tolerate(() => ctx.api.editMessageReplyMarkup(chat.id, message_id, retired), deps);
    return replies;
  }
  const label = labelOf(message.reply_markup, query.data);
  const text = `${shown}\n\n${label ? `${T.chosen(label)}\n` : ''}${verdict.text}`.normalize('NFC');
  if (text.length > MAX_MESSAGE_CHARS) return replies;
  const edited = await tolerate(() => ctx.api.editMessageText(chat.id, message_id, text, retired), deps);
  return edited ? replies.slice(1) : replies;
}

export function callbackFeature(deps: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();

  composer.on('callback_query:data', async (ctx) => {
    const query = ctx.callbackQuery;
    const chat = query.message && query.message.date !== 0 ? query.message.chat : undefined;
    const isPrivate = !chat || chat.type === 'private';
    const value = await decodeCallback(query.data, deps.store);
    if (value === undefined) {
      await tolerate(() => ctx.answerCallbackQuery({ text: T.EXPIRED_BUTTON }), deps);
      return;
    }
    // The engine would refuse it too; a press is answered with an alert only the presser sees, not a group post.
    if (!isPrivate && isPersonalChoice(value)) {
      await tolerate(() => ctx.answerCallbackQuery({ text: T.PRIVATE_ONLY_ALERT, show_alert: true }), deps);
      return;
    }
    // Not awaited before the turn: the update's claim must commit with the turn's writes (dedupe.ts),
    // and waiting here on Telegram would let the claim commit alone, so a crash during a slow call
    // would leave the press marked handled with the learner's answer never recorded.
    const spinner = tolerate(() => ctx.answerCallbackQuery(), deps).catch((err: unknown) => {
      deps.logger.warn({ err }, 'telegram: answerCallbackQuery failed');
      return false;
    });
    if (isPrivate) await deps.store.markActive(ctx.from.id);

    const userId = turnUserId(value, chat?.id ?? ctx.from.id, isPrivate, ctx.from.id);
    const replies = await deps.engine.handle({
      channel: 'telegram',
      userId,
      choice: value,
      chat: isPrivate ? 'private' : 'group',
    });
    await spinner;
    const rest = isQuizAnswer(value) ? await showInPlace(ctx, replies, isPrivate, deps) : replies;
    await sendReplies(
      ctx.api,
      { chatId: chat?.id ?? ctx.from.id, userId, isPrivate, botUsername: ctx.me.username },
      rest,
      deps,
    );
  });

  // Must stay last: every other press (a game, an unknown payload) is still answered.
  composer.on('callback_query', (ctx: Context) => tolerate(() => ctx.answerCallbackQuery(), deps));
  return composer;
}
