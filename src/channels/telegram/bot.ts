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
 * error boundary; a redelivered update is dropped before any feature sees it;
 * the catch-all for button presses stays last.
 */
import type { AutoRetryOptions } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type Context, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Engine } from '../../core/conversation/engine.js';
import type { Clock } from '../../core/ports.js';
import type { RateLimiter } from '../../core/rateLimit.js';
import type { Logger } from '../../logger.js';
import type { QuizStyle } from './config.js';
import type { WriteScope } from '../../storage/sqlite/writeScope.js';
import { dedupe } from './dedupe.js';
import { telegramErrorHandler } from './errors.js';
import { callbackFeature } from './features/callback.js';
import type { FeatureDeps } from './features/deps.js';
import { membershipFeature } from './features/membership.js';
import { messageFeature } from './features/message.js';
import { pollAnswerFeature } from './features/pollAnswer.js';
import { rateLimitFeature } from './features/rateLimit.js';
import type { TelegramStore } from './store.js';
import { outgoingTransformers, type NetworkRetry } from './transformers.js';

/** The updates the bot asks for, on every setWebhook and getUpdates (Telegram keeps the last list otherwise). */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'poll_answer', 'my_chat_member'] as const;

export interface TelegramBotDeps {
  readonly token: string;
  readonly engine: Engine;
  readonly store: TelegramStore;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Puts an update's claim and the engine's writes in one commit (absent with an in-memory store). */
  readonly writes?: WriteScope;
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

/** Keys that keep one learner's turns in order: the chat, and the user (a poll answer has only the user). */
function orderKeys(ctx: Context): string[] {
  const keys: string[] = [];
  if (ctx.chatId !== undefined) keys.push(`c${ctx.chatId}`);
  const user = ctx.from?.id ?? ctx.pollAnswer?.user?.id;
  if (user !== undefined) keys.push(`u${user}`);
  return keys;
}

export function createTelegramBot(deps: TelegramBotDeps): Bot {
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

  const features: FeatureDeps = {
    engine: deps.engine,
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    quizStyle: deps.quizStyle,
    quizStyles: deps.quizStyles,
  };
  bot.use(sequentialize(orderKeys));
  const guarded = bot.errorBoundary(telegramErrorHandler(deps.logger));
  guarded.use(dedupe(deps.store, deps.clock, deps.logger, deps.writes));
  if (deps.rateLimit) guarded.use(rateLimitFeature(deps.rateLimit, deps.logger));
  guarded.use(messageFeature(features), pollAnswerFeature(features), membershipFeature(features));
  // Must stay last: it ends with the catch-all that answers any other button press.
  guarded.use(callbackFeature(features));
  // A webhook or runner still gets a clean result when an error escapes the boundary's own handler.
  bot.catch((err) => deps.logger.error({ err: err.error }, 'telegram: unhandled error'));
  return bot;
}
