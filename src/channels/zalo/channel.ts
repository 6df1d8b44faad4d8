/**
 * @module channels/zalo/channel
 *
 * Puts the Zalo channel together from explicit dependencies (config, engine,
 * database, clock) for either product: the Official Account (signed webhook,
 * OAuth tokens, messaging window) or the Bot Platform (bot token, webhook or
 * long polling). Both share the event handler, the rendering, the persisted
 * de-duplication and the outbox. Each event is handled after the HTTP answer,
 * in order per resident (KeyedSerializer); background work (due retries,
 * token refresh ahead of expiry, pruning) runs on timers between start() and
 * stop(), and stop() waits for handling in progress. What depends on the
 * database (the state store, how a turn commits, how replies are sent) comes
 * in as a store and a delivery (delivery.ts): `createZaloChannel` here for
 * SQLite, `createPgZaloChannel` (pgChannel.ts) for PostgreSQL.
 */
import type { AxiosInstance } from 'axios';
import type { RateLimiter } from '../../core/rateLimit.js';
import type { Clock, Random } from '../../core/ports.js';
import type { TurnRunner } from '../../core/stores/turns.js';
import type { RawRoute } from '../../http/rawRoute.js';
import type { Logger } from '../../logger.js';
import type { SecretBox } from '../../storage/secretBox.js';
import type { Db } from '../../storage/sqlite/db.js';
import type { WriteScope } from '../../storage/sqlite/writeScope.js';
import { SqliteZaloStore } from '../../storage/sqlite/zaloStore.js';
import type { ChannelRuntime } from '../runtime.js';
import { KeyedSerializer } from '../serializer.js';
import { ZaloBotClient } from './bot/client.js';
import { startPolling } from './bot/polling.js';
import { classifyBotUpdate } from './bot/updates.js';
import { zaloBotWebhookRoute } from './bot/webhook.js';
import { ZaloOaClient } from './client.js';
import type { ZaloConfig } from './config.js';
import { parseStoredEvent, type ClassifiedEvent } from './events.js';
import { createEventHandler } from './handler.js';
import { createHttp, type RetryPolicy } from './http.js';
import { createRefresher } from './oauth.js';
import { createZaloOutbox, type BackoffPolicy, type Outbox, type Transport } from './outbox.js';
import { renderReplies, type OutboundMessage } from './render.js';
import type { OutgoingReply } from '../../core/messages.js';
import type { ReplyRoute } from '../../core/handoff/routes.js';
import { sqliteDelivery, type ZaloDelivery } from './delivery.js';
import { TurnScheduler } from './scheduler.js';
import type { ZaloStateStore, ZaloStore } from './store.js';
import { TokenManager } from './tokens.js';
import { zaloWebhookRoute, type Accepted } from './webhook.js';
import { alwaysOpen, messagingWindow, type WindowPolicy } from './window.js';

/** Label under which the Bot Platform's rows are kept (it has no OAuth tokens). */
const BOT_ACCOUNT = 'bot';
/** Handled events are kept this long to recognise Zalo's redeliveries. */
const RETENTION_MS = 7 * 86_400_000;

export interface ZaloTimers {
  /** How often due retries are looked for. */
  readonly outboxMs: number;
  /** How often the token's expiry is checked. */
  readonly tokenMs: number;
  readonly pruneMs: number;
}

export const DEFAULT_TIMERS: ZaloTimers = { outboxMs: 5_000, tokenMs: 60_000, pruneMs: 3_600_000 };

/** What the channel needs whatever database it runs on. */
export interface ZaloChannelOptions {
  readonly config: ZaloConfig;
  /** Jitter of the outbox's retry pauses (absent: none). */
  readonly random?: Random;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  readonly clock: Clock;
  readonly http?: AxiosInstance;
  /** Whether an HTTP(S)_PROXY is set for outgoing calls (ignored when `http` is given). */
  readonly envProxy?: boolean;
  readonly retry?: RetryPolicy;
  readonly backoff?: BackoffPolicy;
  /** Background timers; false runs none (tests drive `tick()` themselves). */
  readonly timers?: ZaloTimers | false;
  /** Long-poll timeout for the Bot Platform, in seconds. */
  readonly pollTimeoutSeconds?: number;
  /** Handling tasks started per event-loop turn (see scheduler.ts). */
  readonly perTurn?: number;
  /** Messages each resident may send (services.limits.perIdentity; none when absent). */
  readonly rateLimit?: RateLimiter;
}

export interface ZaloChannelDeps extends ZaloChannelOptions {
  /** services.turns: each event is one turn, committed with the replies it queues (handler.ts). */
  readonly turns: TurnRunner;
  readonly db: Db;
  /** Seals the OA's tokens in the database (services.secrets); by default the key file beside the database. */
  readonly secrets?: SecretBox;
  /** The group commit the store's writes join (handed to storage; the channel itself never uses it). */
  readonly writes?: WriteScope;
  readonly communeId: string;
}

/** What the delivery is built from: the transport (which needs the store's tokens) and the window. */
export interface DeliveryParts {
  readonly send: Transport;
  readonly window: WindowPolicy;
}

/** The channel on either database (channel.ts for SQLite, pgChannel.ts for PostgreSQL). */
export interface ZaloRuntime extends ChannelRuntime {
  /** OA mode only. */
  readonly tokens?: TokenManager;
  readonly client?: ZaloOaClient;
  /** Resolves once every event handled or flush started so far has finished. */
  idle(): Promise<void>;
  /** One round of background work: refresh a token about to expire, send what is due, prune old history. */
  tick(): Promise<void>;
}

export interface ZaloChannel extends ZaloRuntime {
  readonly store: ZaloStore;
  readonly outbox: Outbox;
}

/** The label the channel's tokens and rows are kept under: the OA's app id, or the Bot Platform's. */
export function zaloAccountOf(config: ZaloConfig): string {
  return config.ZALO_MODE === 'oa' ? config.ZALO_APP_ID : BOT_ACCOUNT;
}

/** The one-process channel on SQLite. */
export function createZaloChannel(deps: ZaloChannelDeps): ZaloChannel {
  // Typed as the port: every call of its state is awaited, as the PostgreSQL twin needs.
  const store: ZaloStore = new SqliteZaloStore(
    deps.db,
    deps.communeId,
    zaloAccountOf(deps.config),
    deps.writes,
    deps.secrets,
  );
  let outbox: Outbox | undefined;
  const runtime = buildZaloChannel(deps, store, (parts, logger) => {
    outbox = createZaloOutbox({
      store,
      send: parts.send,
      clock: deps.clock,
      logger,
      backoff: deps.backoff,
      random: deps.random,
      window: parts.window,
    });
    return sqliteDelivery({ turns: deps.turns, store, outbox, now: () => deps.clock.now() });
  });
  if (!outbox) throw new Error('the zalo outbox was not built');
  return { ...runtime, store, outbox };
}

/**
 * The channel over a state store and a delivery (delivery.ts), the same for
 * both databases; `delivery` is called once, when the transport is ready.
 */
export function buildZaloChannel(
  deps: ZaloChannelOptions,
  store: ZaloStateStore,
  delivery: (parts: DeliveryParts, logger: Logger) => ZaloDelivery,
): ZaloRuntime {
  const { config, clock } = deps;
  const logger = deps.logger.child({ channel: 'zalo' });
  const http = deps.http ?? createHttp({ envProxy: deps.envProxy });
  const isOa = config.ZALO_MODE === 'oa';
  const serializer = new KeyedSerializer();
  const scheduler = new TurnScheduler((err) => logger.error({ err }, 'zalo background handling failed'), deps.perTurn);

  let tokens: TokenManager | undefined;
  let client: ZaloOaClient | undefined;
  let bot: ZaloBotClient | undefined;
  let send: Transport;
  let displayName: ((userId: string) => Promise<string | undefined>) | undefined;
  if (config.ZALO_MODE === 'oa') {
    const refresh = createRefresher(
      http,
      { oauthBase: config.ZALO_OAUTH_BASE, appId: config.ZALO_APP_ID, appSecret: config.ZALO_APP_SECRET },
      deps.retry,
    );
    tokens = new TokenManager({ store, refresh, clock, logger });
    const oa = new ZaloOaClient({
      http,
      apiBase: config.ZALO_API_BASE,
      tokens,
      logger,
      retry: deps.retry,
      codes: {
        token: config.ZALO_CODES_TOKEN,
        rateLimit: config.ZALO_CODES_RATE_LIMIT,
        hold: config.ZALO_CODES_HOLD,
        notFollower: config.ZALO_CODES_NOT_FOLLOWER,
      },
    });
    client = oa;
    send = (userId, message) => oa.send(userId, message);
    // The greeting must not wait long on the profile call: no name after 3 s.
    displayName = (userId) =>
      Promise.race([
        oa.profile(userId).then((p) => p.displayName),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3000).unref()),
      ]);
  } else {
    const b = new ZaloBotClient({
      http,
      apiBase: config.ZALO_BOT_API_BASE,
      token: config.ZALO_BOT_TOKEN,
      retry: deps.retry,
    });
    bot = b;
    send = (userId, message) => b.sendMessage(userId, message.text);
  }

  const deliver = delivery(
    {
      send,
      window: isOa
        ? messagingWindow({
            freeWindowHours: config.ZALO_FREE_WINDOW_HOURS,
            maxWindowDays: config.ZALO_MAX_WINDOW_DAYS,
            allowBilled: config.ZALO_ALLOW_BILLED,
          })
        : alwaysOpen,
    },
    logger,
  );

  const render = (replies: readonly OutgoingReply[]): OutboundMessage[] =>
    renderReplies(replies, {
      limit: config.ZALO_TEXT_LIMIT,
      buttonTemplates: config.ZALO_MODE === 'oa' && config.ZALO_BUTTON_TEMPLATES,
    });
  const handle = createEventHandler({
    rateLimit: deps.rateLimit,
    delivery: deliver,
    store,
    clock,
    logger,
    render,
    displayName,
  });
  // A staff reply is queued and sent like a bot reply: the window holds it past the free hours (handoff).
  const replyRoute: ReplyRoute = deliver.route(render);

  let stopping = false;
  /** Events queued or being handled, so a recovery pass never queues one twice. */
  const queuedKeys = new Set<string>();

  /**
   * Handles an accepted event after the current HTTP answer has been written
   * (on a later event-loop turn), in order per resident. While stopping, the
   * event only stays recorded: the next start handles it, rather than a
   * handler racing the database closing.
   */
  function dispatch(a: Accepted): void {
    if (stopping || queuedKeys.has(a.key)) return;
    queuedKeys.add(a.key);
    schedule(a.event.userId, () => handle(a.event, a.key, a.at).finally(() => queuedKeys.delete(a.key)));
  }

  /** Residents with work queued or running; the retry round leaves them to it. */
  const busy = new Map<string, number>();

  function schedule(userId: string, task: () => Promise<void>): void {
    busy.set(userId, (busy.get(userId) ?? 0) + 1);
    scheduler.push(() =>
      serializer.run(userId, task).finally(() => {
        const n = (busy.get(userId) ?? 1) - 1;
        if (n > 0) busy.set(userId, n);
        else busy.delete(userId);
      }),
    );
  }

  /** Records a classified Bot Platform update (once per message id) and schedules it. */
  async function acceptBot(c: ClassifiedEvent): Promise<void> {
    if (c.action === 'ignore') {
      logger[c.reason === 'unknown' || c.reason === 'malformed' ? 'warn' : 'debug'](
        { reason: c.reason },
        'zalo bot update ignored',
      );
      return;
    }
    if (await store.receive(c.key, c.event.userId, JSON.stringify(c.event), clock.now())) {
      dispatch({ event: c.event, key: c.key, at: c.at });
    }
  }

  /** Events recorded before a stop or crash but never handled: handle them now, oldest first. */
  async function recover(): Promise<void> {
    const rows = await store.unhandled(10_000);
    for (const row of rows) {
      const event = parseStoredEvent(row.event);
      if (event) dispatch({ event, key: row.key });
      else await store.markHandled(row.key, clock.now());
    }
    if (rows.length > 0) logger.info({ events: rows.length }, 'zalo events recovered after a restart');
  }

  /** Another process's events left unhandled (PostgreSQL): handled here; the turn's claim answers each once. */
  async function recoverStale(): Promise<void> {
    if (!deliver.stale || stopping) return;
    const rows = await deliver.stale(clock.now());
    for (const row of rows) {
      const event = parseStoredEvent(row.event);
      if (event) dispatch({ event, key: row.key });
      else await store.markHandled(row.key, clock.now());
    }
    if (rows.length > 0)
      logger.warn({ events: rows.length }, 'zalo events left unhandled by another process taken over');
  }

  /** Sends what is now due (SQLite: a flush for each such resident with no work of their own in progress). */
  async function flushDue(): Promise<void> {
    await recoverStale();
    await deliver.retryDue(schedule, (u) => busy.has(u));
  }

  async function refreshIfDue(): Promise<void> {
    await tokens?.refreshIfDue().catch((err: unknown) => {
      logger.warn({ err }, 'zalo token refresh ahead of expiry failed');
    });
  }

  async function prune(): Promise<void> {
    const pruned = await store.prune(new Date(clock.now().getTime() - RETENTION_MS));
    if (pruned.events + pruned.sent + pruned.failed > 0) logger.debug(pruned, 'zalo history pruned');
  }

  async function tick(): Promise<void> {
    await refreshIfDue();
    await flushDue();
    await scheduler.idle();
    await prune();
  }

  const timerHandles: NodeJS.Timeout[] = [];
  let poller: { stop(): Promise<void> } | undefined;

  const webhook = ((): RawRoute | undefined => {
    if (config.ZALO_MODE === 'oa') {
      return zaloWebhookRoute({
        config,
        store,
        clock,
        logger,
        maxBodyBytes: deps.maxBodyBytes,
        dispatch,
      });
    }
    const secret = config.ZALO_BOT_WEBHOOK_SECRET;
    return secret ? zaloBotWebhookRoute({ secret, maxBodyBytes: deps.maxBodyBytes, accept: acceptBot }) : undefined;
  })();

  const idle = (): Promise<void> => scheduler.idle();

  return {
    name: 'zalo',
    replyRoute,
    tokens,
    client,
    idle,
    tick,
    ...(webhook ? { webhooks: [webhook] } : {}),
    async start() {
      stopping = false;
      if (config.ZALO_MODE === 'oa' && config.ZALO_REFRESH_TOKEN) {
        if (await store.seedRefreshToken(config.ZALO_REFRESH_TOKEN, clock.now())) {
          logger.info('zalo refresh token taken from ZALO_REFRESH_TOKEN');
        }
      }
      if (config.ZALO_MODE === 'bot' && bot) {
        if (config.ZALO_BOT_WEBHOOK_SECRET && config.ZALO_BOT_WEBHOOK_URL) {
          // A failure here must not stop the service: the webhook may well be registered already.
          await bot
            .setWebhook(config.ZALO_BOT_WEBHOOK_URL, config.ZALO_BOT_WEBHOOK_SECRET)
            .then(() => logger.info('zalo bot webhook registered'))
            .catch((err: unknown) => logger.error({ err }, 'zalo bot setWebhook failed'));
        } else if (!config.ZALO_BOT_WEBHOOK_SECRET && !poller) {
          poller = startPolling({
            client: bot,
            logger,
            timeoutSeconds: deps.pollTimeoutSeconds,
            onUpdate: (u) => acceptBot(classifyBotUpdate(u)),
          });
        }
      }
      await recover();
      const timers = deps.timers ?? DEFAULT_TIMERS;
      if (timers && timerHandles.length === 0) {
        const every = (ms: number, fn: () => unknown): void => {
          const t = setInterval(() => {
            void Promise.resolve()
              .then(fn)
              .catch((err: unknown) => logger.error({ err }, 'zalo background work failed'));
          }, ms);
          t.unref();
          timerHandles.push(t);
        };
        every(timers.outboxMs, flushDue);
        if (tokens) every(timers.tokenMs, refreshIfDue);
        every(timers.pruneMs, prune);
      }
    },
    async stop() {
      stopping = true;
      for (const t of timerHandles.splice(0)) clearInterval(t);
      await poller?.stop();
      poller = undefined;
      await idle();
    },
  };
}
