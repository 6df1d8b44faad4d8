/**
 * @module channels/telegram/bot
 *
 * Builds the grammY bot of the channel from explicit dependencies and never
 * starts it: `runtime.ts` drives long polling or the webhook, tests feed
 * updates to `bot.handleUpdate`. Passing `botInfo` skips `getMe`, so a test
 * (or a cold start that already knows the bot) makes no request at all.
 *
 * Order matters: one learner's updates (messages, presses and poll answers,
 * which have no chat) run one after another; everything else sits inside one
 * error boundary; the catch-all for button presses stays last. Each message,
 * press or poll answer is one turn (storage/sqlite/turns.ts, or
 * storage/pg/pgTurnRunner.ts) claimed by its update id, so a redelivered
 * update is recognised there; its replies are queued in the turn's commit and
 * delivered by the outbox's dispatcher through `send.ts`, never by the
 * handler itself. Which runner and which dispatcher is the delivery's
 * business (delivery.ts): `createTelegramChannelBot` builds the SQLite one,
 * `createTelegramBotOver` takes any (PostgreSQL: pgDelivery.ts).
 */
import type { AutoRetryOptions } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type Context, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Clock, Random } from '../../core/ports.js';
import type { RateLimiter } from '../../core/rateLimit.js';
import type { OutboxStore } from '../../core/stores/outbox.js';
import type { TurnRunner } from '../../core/stores/turns.js';
import type { Logger } from '../../logger.js';
import type { BackoffPolicy, Dispatcher } from '../outbox.js';
import type { QuizStyle } from './config.js';
import { sqliteTelegramDelivery, type TelegramDelivery, type TelegramDeliveryPlan } from './delivery.js';
import { telegramErrorHandler } from './errors.js';
import { callbackFeature } from './features/callback.js';
import type { FeatureDeps } from './features/deps.js';
import { membershipFeature } from './features/membership.js';
import { messageFeature } from './features/message.js';
import { pollAnswerFeature } from './features/pollAnswer.js';
import { rateLimitFeature } from './features/rateLimit.js';
import { telegramSender, type TelegramPayload } from './send.js';
import type { TelegramStore } from './store.js';
import { outgoingTransformers, type NetworkRetry } from './transformers.js';

/** The updates the bot asks for, on every setWebhook and getUpdates (Telegram keeps the last list otherwise). */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'poll_answer', 'my_chat_member'] as const;

/** What the bot needs whichever delivery (database) it runs over. */
export interface TelegramBotBase {
  readonly token: string;
  readonly store: TelegramStore;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly quizStyle: QuizStyle;
  /** Per-quiz exceptions to `quizStyle`, by quiz id. */
  readonly quizStyles?: Readonly<Record<string, QuizStyle>>;
  readonly apiRoot?: string;
  readonly throttle?: boolean;
  /** The bot's own user; when given, no `getMe` call is made. */
  readonly botInfo?: UserFromGetMe;
  /** A fake Bot API installed innermost (tests, benchmarks). */
  readonly transport?: Transformer;
  readonly retry?: Partial<AutoRetryOptions>;
  readonly networkRetry?: NetworkRetry;
  /** Per-request timeout of the Bot API client (grammY's default is 500 s). */
  readonly timeoutSeconds?: number;
  /** Messages and presses each user may send (none when absent). */
  readonly rateLimit?: RateLimiter;
}

/** The bot over SQLite: the service's turn runner and Telegram's rows of its outbox. */
export interface TelegramBotDeps extends TelegramBotBase {
  /** services.turns: each message, press or poll answer is one turn, committed with its queued replies. */
  readonly turns: TurnRunner;
  /** Telegram's rows of the outbox. */
  readonly outbox: OutboxStore<TelegramPayload>;
  /** The outbox's retry pauses and their jitter (defaults: channels/outbox.ts, none). */
  readonly backoff?: BackoffPolicy;
  readonly random?: Random;
}

/** Keys that keep one learner's turns in order: the chat, and the user (a poll answer has only the user). */
function orderKeys(ctx: Context): string[] {
  const keys: string[] = [];
  if (ctx.chatId !== undefined) keys.push(`c${ctx.chatId}`);
  const user = ctx.from?.id ?? ctx.pollAnswer?.user?.id;
  if (user !== undefined) keys.push(`u${user}`);
  return keys;
}

export interface TelegramBot {
  readonly bot: Bot;
  /** Delivers Telegram's outbox (after each turn, and for what is due after a restart or a retry pause). */
  readonly dispatcher: Dispatcher<TelegramPayload>;
}

export function createTelegramBot(deps: TelegramBotDeps): Bot {
  return createTelegramChannelBot(deps).bot;
}

export function createTelegramChannelBot(deps: TelegramBotDeps): TelegramBot {
  const { bot, delivery } = createTelegramBotOver(deps, sqliteTelegramDelivery(deps));
  return { bot, dispatcher: delivery.dispatcher };
}

/** The bot over a delivery (delivery.ts): SQLite's, or PostgreSQL's for several processes. */
export function createTelegramBotOver<D extends TelegramDelivery>(
  deps: TelegramBotBase,
  plan: TelegramDeliveryPlan<D>,
): { bot: Bot; delivery: D } {
  const bot = new Bot(deps.token, {
    botInfo: deps.botInfo,
    client: { apiRoot: deps.apiRoot, timeoutSeconds: deps.timeoutSeconds ?? 60 },
  });
  bot.api.config.use(
    ...outgoingTransformers({
      store: deps.store,
      clock: deps.clock,
      logger: deps.logger,
      throttle: deps.throttle ?? false,
      retry: deps.retry,
      networkRetry: deps.networkRetry,
      transport: deps.transport,
    }),
  );

  const sendDeps = {
    store: deps.store,
    outbox: { forgetDone: (userId: string) => plan.forgetDone(userId) },
    clock: deps.clock,
    quizStyle: deps.quizStyle,
    quizStyles: deps.quizStyles,
  };
  const delivery = plan.over(telegramSender(bot.api, sendDeps), deps.logger);
  const features: FeatureDeps = { ...sendDeps, delivery, logger: deps.logger };
  bot.use(sequentialize(orderKeys));
  const guarded = bot.errorBoundary(telegramErrorHandler(deps.logger));
  if (deps.rateLimit) guarded.use(rateLimitFeature(deps.rateLimit, features));
  guarded.use(messageFeature(features), pollAnswerFeature(features), membershipFeature(features));
  // Must stay last: it ends with the catch-all that answers any other button press.
  guarded.use(callbackFeature(features));
  // A webhook or runner still gets a clean result when an error escapes the boundary's own handler.
  bot.catch((err) => deps.logger.error({ err: err.error }, 'telegram: unhandled error'));
  return { bot, delivery };
}
