/**
 * @module channels/telegram/send
 *
 * Delivers the engine's replies to one chat, in order: a quiz question as a
 * native quiz poll when that quiz (or the channel as a whole) is set to polls and the question fits
 * (its poll id is saved first thing, since the answer will arrive without a
 * chat), everything else as text with an inline keyboard. In a group,
 * personal replies are withheld (see `privacy.ts`). A refusal from Telegram
 * (403 blocked, 429 after the retries) propagates to the error boundary; the
 * remaining replies of that turn are not sent.
 */
import type { Api } from 'grammy';
import type { OutgoingReply } from '../../core/messages.js';
import type { Clock } from '../../core/ports.js';
import { encodeCallback } from './callbackData.js';
import type { QuizStyle } from './config.js';
import { pollFor, type PollPlan } from './polls.js';
import { groupSafe } from './privacy.js';
import { renderReply } from './render.js';
import type { TelegramStore } from './store.js';

export interface SendDeps {
  readonly store: TelegramStore;
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

export async function sendReplies(
  api: Api,
  target: ReplyTarget,
  replies: readonly OutgoingReply[],
  deps: SendDeps,
): Promise<void> {
  const safe = target.isPrivate ? replies : groupSafe(replies, target.botUsername);
  for (const reply of safe) {
    if (reply.quiz?.practice) {
      // Always a poll when it fits (Telegram then shows each member the answer); otherwise the
      // options as plain lines, since the group's answer is shown with the next question.
      const plan = pollFor(reply);
      if (plan) await sendPoll(api, target, plan, deps, true);
      else await api.sendMessage(target.chatId, practiceText(reply));
      continue;
    }
    const style = (reply.quiz && deps.quizStyles?.[reply.quiz.quizId]) ?? deps.quizStyle;
    const plan = style === 'poll' ? pollFor(reply) : undefined;
    if (plan) await sendPoll(api, target, plan, deps);
    else await sendText(api, target.chatId, reply, deps);
  }
}
