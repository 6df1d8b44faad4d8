/**
 * @module channels/telegram/runtime
 *
 * The Telegram channel as the service runs it: switched on by
 * `TELEGRAM_BOT_TOKEN`, its webhook route mounted on the shared HTTP app (in
 * webhook mode), and a start and stop that main.ts drives. Start registers
 * the Vietnamese command menu, then either sets the webhook (with its secret
 * and the update list) or removes any webhook and long-polls with
 * @grammyjs/runner. If Telegram cannot be reached at start, the web chat
 * still starts and the channel keeps retrying in the background; a token
 * Telegram refuses is reported once and not retried. Over SQLite
 * (`createTelegramRuntime`) or, for several processes, over PostgreSQL
 * (`createTelegramRuntimeOver` with pgDelivery.ts): the same channel, only
 * its delivery (delivery.ts) differs.
 */
import { run, type RunnerHandle } from '@grammyjs/runner';
import { GrammyError, type Bot } from 'grammy';
import type { Clock, Random } from '../../core/ports.js';
import type { RateLimiter } from '../../core/rateLimit.js';
import type { OutboxStore } from '../../core/stores/outbox.js';
import type { TurnRunner } from '../../core/stores/turns.js';
import type { Logger } from '../../logger.js';
import { cryptoRandom, systemClock, type Services } from '../../services.js';
import { SqliteOutboxStore } from '../../storage/sqlite/outboxStore.js';
import { SqliteTelegramStore } from '../../storage/sqlite/telegramRepo.js';
import type { BackoffPolicy } from '../outbox.js';
import type { ChannelFactory, ChannelRuntime } from '../runtime.js';
import { ALLOWED_UPDATES, createTelegramBotOver, type TelegramBotDeps } from './bot.js';
import type { TelegramConfig } from './config.js';
import { sqliteTelegramDelivery, type TelegramDeliveryPlan } from './delivery.js';
import { telegramStaffNoticeRows } from './handoff.js';
import type { TelegramPayload } from './send.js';
import type { TelegramStore } from './store.js';
import { GROUP_COMMANDS, PRIVATE_COMMANDS } from './texts.js';
import { telegramWebhookRoute, WEBHOOK_PATH } from './webhook.js';

const HOUR_MS = 3_600_000;
/** Telegram keeps undelivered updates for 24 h; ids seen within two days are enough to catch replays. */
const KEEP_UPDATE_IDS_MS = 48 * HOUR_MS;
/** Polls and long button values outlive any sensible quiz session. */
const KEEP_DATA_MS = 30 * 24 * HOUR_MS;
const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 300_000;
/** start() waits this long for Telegram, then lets the first attempt finish in the background. */
const START_WAIT_MS = 10_000;
/** How often replies due for a retry (or left by a stop) are looked for. */
const OUTBOX_EVERY_MS = 5_000;

/** What the runtime needs whichever delivery (database) it runs over. */
export interface TelegramRuntimeBase {
  readonly config: TelegramConfig;
  readonly store: TelegramStore;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Messages and presses each user may send (none when absent). */
  readonly rateLimit?: RateLimiter;
  /** Test hooks: bot info, a fake transport, retry and timeout settings. */
  readonly bot?: Pick<TelegramBotDeps, 'botInfo' | 'transport' | 'retry' | 'networkRetry' | 'timeoutSeconds'>;
}

/** The runtime over SQLite: the service's turn runner and Telegram's rows of its outbox. */
export interface TelegramRuntimeDeps extends TelegramRuntimeBase {
  readonly turns: TurnRunner;
  readonly outbox: OutboxStore<TelegramPayload>;
  readonly backoff?: BackoffPolicy;
  readonly random?: Random;
}

export interface TelegramRuntime extends ChannelRuntime {
  readonly bot: Bot;
  /** Sends what is due in Telegram's outbox (start, the retry timer; tests call it). */
  flushDue(): Promise<void>;
}

/** The turn runner and Telegram's rows of the outbox of these services. */
export function telegramTurns(services: Services): {
  turns: TurnRunner;
  outbox: SqliteOutboxStore<TelegramPayload>;
} {
  return {
    turns: services.turns,
    outbox: new SqliteOutboxStore<TelegramPayload>(
      services.db,
      services.config.COMMUNE_ID,
      'telegram',
      services.writes,
    ),
  };
}

/** The public URL of the route: a bare origin gets the route's path appended. */
export function webhookUrl(configured: string): string {
  const url = new URL(configured);
  if (url.pathname === '/' || url.pathname === '') url.pathname = WEBHOOK_PATH;
  return url.toString();
}

export function createTelegramRuntime(deps: TelegramRuntimeDeps): TelegramRuntime {
  return createTelegramRuntimeOver(deps, sqliteTelegramDelivery(deps));
}

/** The runtime over a delivery (delivery.ts): SQLite's, or PostgreSQL's for several processes. */
export function createTelegramRuntimeOver(deps: TelegramRuntimeBase, plan: TelegramDeliveryPlan): TelegramRuntime {
  const { config, logger } = deps;
  const log = logger.child({ channel: 'telegram' });
  const { bot, delivery } = createTelegramBotOver(
    {
      token: config.TELEGRAM_BOT_TOKEN,
      store: deps.store,
      logger: log,
      clock: deps.clock,
      quizStyle: config.TELEGRAM_QUIZ_STYLE,
      quizStyles: config.TELEGRAM_QUIZ_STYLE_BY_QUIZ,
      apiRoot: config.TELEGRAM_API_ROOT,
      throttle: config.TELEGRAM_THROTTLE === 'on',
      rateLimit: deps.rateLimit,
      ...deps.bot,
    },
    plan,
  );
  let runner: RunnerHandle | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let outboxTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  /**
   * Replies owed and due: left by a stop or a crash between a turn's commit
   * and its send, or waiting out a retry pause. Each resident's are sent in
   * order (the dispatcher keeps each resident's order).
   */
  async function flushDue(): Promise<void> {
    if (!bot.isInited()) await bot.init();
    await delivery.deliverDue();
  }

  async function prune(): Promise<void> {
    const now = deps.clock.now().getTime();
    try {
      const n = await deps.store.prune(new Date(now - KEEP_UPDATE_IDS_MS), new Date(now - KEEP_DATA_MS));
      if (n > 0) log.debug({ removed: n }, 'telegram: old records pruned');
    } catch (err) {
      log.warn({ err }, 'telegram: prune failed');
    }
  }

  async function launch(): Promise<void> {
    // grammY retries getMe by itself while Telegram is unreachable; a stop() meanwhile wins.
    await bot.init();
    if (stopped) return;
    await bot.api.setMyCommands([...PRIVATE_COMMANDS]);
    await bot.api.setMyCommands([...GROUP_COMMANDS], { scope: { type: 'all_group_chats' } });
    if (config.TELEGRAM_MODE === 'webhook') {
      await bot.api.setWebhook(webhookUrl(config.TELEGRAM_WEBHOOK_URL), {
        secret_token: config.TELEGRAM_WEBHOOK_SECRET,
        allowed_updates: [...ALLOWED_UPDATES],
      });
      return;
    }
    await bot.api.deleteWebhook();
    if (stopped) return;
    const handle = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] }, silent: true } });
    runner = handle;
    handle.task()?.then(undefined, (err: unknown) => {
      if (stopped) return;
      log.error({ err }, 'telegram: long polling stopped');
      runner = undefined;
      schedule(0);
    });
  }

  function schedule(attempt: number): void {
    if (stopped) return;
    const delay = Math.min(RETRY_FIRST_MS * 2 ** attempt, RETRY_MAX_MS);
    retryTimer = setTimeout(() => void tryLaunch(attempt + 1), delay);
    retryTimer.unref();
  }

  async function tryLaunch(attempt: number): Promise<void> {
    if (stopped) return;
    try {
      await launch();
      if (!stopped) log.info({ mode: config.TELEGRAM_MODE, bot: bot.botInfo.username }, 'telegram: channel started');
    } catch (err) {
      if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
        log.error({ code: err.error_code }, 'telegram: TELEGRAM_BOT_TOKEN was refused by Telegram; channel stays off');
        return;
      }
      log.error({ err, attempt }, 'telegram: start failed, retrying');
      schedule(attempt);
    }
  }

  const staffChat = config.TELEGRAM_STAFF_CHAT_ID;
  return {
    name: 'telegram',
    bot,
    flushDue,
    replyRoute: delivery.replyRoute,
    ...(staffChat !== undefined && {
      staffNotice: delivery.staffNotice(staffChat),
      staffNoticeRows: telegramStaffNoticeRows(staffChat),
    }),
    ...(config.TELEGRAM_MODE === 'webhook'
      ? {
          webhooks: [
            telegramWebhookRoute({
              secret: config.TELEGRAM_WEBHOOK_SECRET,
              handle: async (update) => {
                // An update can arrive before start() (a webhook set by an earlier run).
                if (!bot.isInited()) await bot.init();
                await bot.handleUpdate(update);
              },
            }),
          ],
        }
      : {}),
    async start() {
      stopped = false;
      await prune();
      pruneTimer = setInterval(() => void prune(), HOUR_MS);
      pruneTimer.unref();
      const sendDue = (): void =>
        void flushDue().catch((err: unknown) => log.warn({ err }, 'telegram: sending due replies failed'));
      outboxTimer = setInterval(sendDue, OUTBOX_EVERY_MS);
      outboxTimer.unref();
      let waited: NodeJS.Timeout | undefined;
      const slow = new Promise<'slow'>((resolve) => {
        waited = setTimeout(() => resolve('slow'), START_WAIT_MS);
        waited.unref();
      });
      const first = await Promise.race([tryLaunch(0), slow]);
      clearTimeout(waited);
      if (first === 'slow')
        log.warn('telegram: vẫn đang kết nối tới Telegram; trong lúc chờ, trang hỏi đáp trên web đã chạy');
      else sendDue();
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(pruneTimer);
      clearInterval(outboxTimer);
      const handle = runner;
      runner = undefined;
      if (handle?.isRunning()) await handle.stop();
    },
  };
}

/** The entry in CHANNEL_FACTORIES: off (undefined) unless TELEGRAM_BOT_TOKEN is set. */
export const telegramChannel: ChannelFactory = (ctx) => {
  const config = ctx.settings.telegram;
  if (!config) return undefined;
  for (const id of Object.keys(config.TELEGRAM_QUIZ_STYLE_BY_QUIZ)) {
    if (!ctx.services.quizzes.get(id)) {
      ctx.logger.warn(
        { quiz: id },
        'TELEGRAM_QUIZ_STYLE_BY_QUIZ có mã bài kiểm tra không có trong thư mục knowledge/quizzes',
      );
    }
  }
  return createTelegramRuntime({
    config,
    ...telegramTurns(ctx.services),
    store: new SqliteTelegramStore(ctx.services.db, ctx.services.config.COMMUNE_ID),
    logger: ctx.logger,
    clock: systemClock,
    random: cryptoRandom,
    rateLimit: ctx.services.limits.perIdentity,
  });
};
