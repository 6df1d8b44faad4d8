/**
 * @module channels/telegram/send
 *
 * Telegram's sender for the one outbox (channels/outbox.ts). Handlers never
 * send: they queue rows (`TelegramPayload`) in the turn's commit, and the
 * dispatcher delivers them through here, in order per resident. A reply goes
 * out as a native quiz poll when that quiz (or the channel as a whole) is
 * set to polls and the question fits (its poll id is saved first thing,
 * since the answer will arrive without a chat), everything else as text with
 * an inline keyboard. A quiz answer's verdict is folded into the question
 * message (`edit`); when Telegram will not edit it, the verdict is sent as a
 * message instead. In a group, personal replies were withheld when the row
 * was queued (see `privacy.ts`).
 *
 * What Telegram's refusals mean for the queue: 429 → retried after its
 * `retry_after`; 5xx or no answer → retried later; 403 (blocked, removed) →
 * the chat is marked inactive and its replies held until the resident
 * writes again (a staff answer must not be lost to a blocked bot); any
 * other 400 → failed.
 */
import { GrammyError, HttpError, type Api } from 'grammy';
import type { OutgoingReply } from '../../core/messages.js';
import type { Clock, MaybePromise } from '../../core/ports.js';
import type { QueuedItem } from '../../core/stores/outbox.js';
import type { Failure, Sender } from '../outbox.js';
import { encodeCallback } from './callbackData.js';
import type { QuizStyle } from './config.js';
import { pollFor, type PollPlan } from './polls.js';
import { groupSafe } from './privacy.js';
import { isAnswerFeedback } from './quizReplies.js';
import { MAX_MESSAGE_CHARS, renderReply } from './render.js';
import type { TelegramStore } from './store.js';

export interface SendDeps {
  readonly store: TelegramStore;
  /** Telegram's rows of the outbox (to forget a resident whose data was erased). */
  readonly outbox?: { forgetDone(userId: string): MaybePromise<void> };
  readonly clock: Clock;
  readonly quizStyle: QuizStyle;
  /** Per-quiz exceptions to `quizStyle` (TELEGRAM_QUIZ_STYLE_BY_QUIZ), by quiz id. */
  readonly quizStyles?: Readonly<Record<string, QuizStyle>>;
}

/** Where a turn's replies go and on whose behalf. */
export interface ReplyTarget {
  readonly chatId: number;
  /** The learner's Telegram user id: the engine identity the replies belong to. */
  readonly userId: string;
  readonly isPrivate: boolean;
  /** The bot's username, for the "message me privately" pointer in groups. */
  readonly botUsername?: string;
}

async function sendPoll(
  api: Api,
  target: ReplyTarget,
  plan: PollPlan,
  deps: SendDeps,
  practice = false,
): Promise<void> {
  const sent = await api.sendPoll(
    target.chatId,
    plan.question,
    plan.options.map((text) => ({ text })),
    {
      type: 'quiz',
      // A group's practice poll is anonymous: nobody's answers are seen by the bot or stored.
      is_anonymous: practice,
      correct_option_ids: [plan.correctPosition],
      ...(plan.explanation ? { explanation: plan.explanation } : {}),
    },
  );
  if (practice) return;
  await deps.store.savePoll({
    pollId: sent.poll.id,
    userId: target.userId,
    chatId: target.chatId,
    messageId: sent.message_id,
    attemptId: plan.attemptId,
    questionIndex: plan.questionIndex,
    values: plan.values,
    explained: plan.explained,
    sentAt: deps.clock.now().toISOString(),
  });
}

/** A practice question that does not fit a poll: the question and its options as lettered lines. */
function practiceText(reply: OutgoingReply): string {
  const letters = 'ABCDEFGHIJ';
  const options = (reply.buttons ?? []).map((b, i) => `${letters[i] ?? String(i + 1)}. ${b.label}`);
  return [reply.text, ...options].join('\n').normalize('NFC').slice(0, 4096);
}

/** The `callback_data` encoder bound to a store and the current time. */
export function callbackEncoder(deps: SendDeps): (value: string) => Promise<string> {
  const at = deps.clock.now();
  return (value) => encodeCallback(value, deps.store, at);
}

/** Sends one reply as text messages (with its keyboard on the last part). */
export async function sendText(api: Api, chatId: number, reply: OutgoingReply, deps: SendDeps): Promise<void> {
  for (const m of await renderReply(reply, callbackEncoder(deps))) {
    await api.sendMessage(chatId, m.text, m.reply_markup ? { reply_markup: m.reply_markup } : {});
  }
}

/** One row of Telegram's outbox. */
export type TelegramPayload =
  /** A reply to send to the chat (already made safe for a group). */
  | { readonly op: 'reply'; readonly chatId: number; readonly reply: OutgoingReply }
  /** The question message carrying the learner's pick and the verdict; `fallback` if it cannot be edited. */
  | {
      readonly op: 'edit';
      readonly chatId: number;
      readonly messageId: number;
      readonly text: string;
      readonly fallback: OutgoingReply;
    }
  /** A stale press in a private chat: the old buttons are removed. */
  | { readonly op: 'retire'; readonly chatId: number; readonly messageId: number };

/** The rows for a turn's replies to one chat: in a group, personal replies become the pointer to the private chat. */
export function replyRows(target: ReplyTarget, replies: readonly OutgoingReply[]): TelegramPayload[] {
  const safe = target.isPrivate ? replies : groupSafe(replies, target.botUsername);
  return safe.map((reply) => ({ op: 'reply', chatId: target.chatId, reply }));
}

/** The question message a button was pressed on, as the press showed it. */
export interface PressedMessage {
  readonly messageId: number;
  readonly text: string;
  /** The label of the pressed button, shown with the verdict. */
  readonly label?: string;
}

/**
 * The rows for the replies to a quiz answer pressed on `pressed`: the
 * verdict folded into the question message when it fits, then the rest. A
 * press that got no verdict (stale) retires the old buttons in a private
 * chat; in a group they are left alone (the press may be a bystander's).
 */
export function answerRows(
  target: ReplyTarget,
  pressed: PressedMessage,
  replies: readonly OutgoingReply[],
  chosen: (label: string) => string,
): TelegramPayload[] {
  const verdict = replies[0];
  if (!isAnswerFeedback(verdict)) {
    const retire: TelegramPayload[] = target.isPrivate
      ? [{ op: 'retire', chatId: target.chatId, messageId: pressed.messageId }]
      : [];
    return [...retire, ...replyRows(target, replies)];
  }
  const text = `${pressed.text}\n\n${pressed.label ? `${chosen(pressed.label)}\n` : ''}${verdict.text}`.normalize(
    'NFC',
  );
  if (text.length > MAX_MESSAGE_CHARS) return replyRows(target, replies);
  const [fallback] = replyRows(target, [verdict]);
  const edit: TelegramPayload = {
    op: 'edit',
    chatId: target.chatId,
    messageId: pressed.messageId,
    text,
    fallback: fallback?.op === 'reply' ? fallback.reply : verdict,
  };
  return [edit, ...replyRows(target, replies.slice(1))];
}

/** Telegram's 400s for an edit that no longer matters (same content, message gone or too old). */
export function isHarmless(err: unknown): boolean {
  return (
    err instanceof GrammyError &&
    err.error_code === 400 &&
    /query is too old|query ID is invalid|message is not modified|message to edit not found|message can't be edited/i.test(
      err.description,
    )
  );
}

async function sendOne(api: Api, chatId: number, userId: string, reply: OutgoingReply, deps: SendDeps): Promise<void> {
  const target: ReplyTarget = { chatId, userId, isPrivate: String(chatId) === userId };
  if (reply.quiz?.practice) {
    // Always a poll when it fits (Telegram then shows each member the answer); otherwise the
    // options as plain lines, since the group's answer is shown with the next question.
    const plan = pollFor(reply);
    if (plan) await sendPoll(api, target, plan, deps, true);
    else await api.sendMessage(chatId, practiceText(reply));
    return;
  }
  const style = (reply.quiz && deps.quizStyles?.[reply.quiz.quizId]) ?? deps.quizStyle;
  const plan = style === 'poll' ? pollFor(reply) : undefined;
  if (plan) await sendPoll(api, target, plan, deps);
  else await sendText(api, chatId, reply, deps);
}

export function telegramSender(api: Api, deps: SendDeps): Sender<TelegramPayload> {
  return {
    async send(userId, payload) {
      switch (payload.op) {
        case 'reply':
          await sendOne(api, payload.chatId, userId, payload.reply, deps);
          return {};
        case 'retire':
          await api
            .editMessageReplyMarkup(payload.chatId, payload.messageId, { reply_markup: { inline_keyboard: [] } })
            .catch((err: unknown) => {
              if (!isHarmless(err)) throw err;
            });
          return {};
        case 'edit': {
          const edited = await api
            .editMessageText(payload.chatId, payload.messageId, payload.text, {
              reply_markup: { inline_keyboard: [] },
            })
            .then(
              () => true,
              (err: unknown) => {
                if (!isHarmless(err)) throw err;
                return false;
              },
            );
          if (!edited) await sendOne(api, payload.chatId, userId, payload.fallback, deps);
          return {};
        }
      }
    },
    classify: classifyTelegramError,
    done(item: QueuedItem<TelegramPayload>): MaybePromise<void> {
      // The confirmation that their data was erased: once it is done with, no row of theirs stays.
      if (item.payload.op === 'reply' && item.payload.reply.forget) return deps.outbox?.forgetDone(item.userId);
      return undefined;
    },
  };
}

export function classifyTelegramError(err: unknown): Failure {
  if (err instanceof GrammyError) {
    const reason = `telegram ${err.error_code}: ${err.description}`;
    if (err.error_code === 429) {
      const after = err.parameters.retry_after;
      return { action: 'retry', reason, ...(after !== undefined ? { afterMs: after * 1000 } : {}) };
    }
    if (err.error_code >= 500) return { action: 'retry', reason };
    if (err.error_code === 403) return { action: 'hold', reason };
    return { action: 'fail', reason };
  }
  if (err instanceof HttpError) return { action: 'retry', reason: `telegram unreachable: ${err.message}` };
  return { action: 'retry', reason: String(err) };
}
