/**
 * @module channels/keyed/telegram
 *
 * `POST /webhooks/telegram/:key`: the Telegram bots kept as rows of the
 * `channels` table, one per commune. The key only finds the row; the proof
 * that the call comes from Telegram is THAT row's webhook secret in
 * `X-Telegram-Bot-Api-Secret-Token`, compared in constant time before the
 * body is read (wrong or missing: 401, nothing handled). The bot token is in
 * no URL of ours: it stays sealed in the row and opens only here, when the
 * row's grammY bot is built (lazily, then cached until the row's secrets
 * change). Each bot runs its turns in its commune, with that commune's
 * outbox and Telegram records, so two communes never share a resident's
 * state or replies. Where those live is the `KeyedTelegramPort`: SQLite's
 * services (below) or PostgreSQL's communes (pgKeyed.ts), the rest is shared.
 *
 * At start every enabled row's bot is built, its webhook is registered with
 * Telegram when PUBLIC_BASE_URL is an https address, and what it still owes
 * is sent; the outbox is then swept every few seconds, as on the old path.
 * Every minute the enabled rows are read again, so a row added while the
 * service runs gets its webhook registered without a restart.
 */
import { createHash } from 'node:crypto';
import type { Bot } from 'grammy';
import type { Clock, Random } from '../../core/ports.js';
import type { RateLimiter } from '../../core/rateLimit.js';
import type { KeyedChannel } from '../../core/stores/channels.js';
import type { TelegramStore } from '../../core/stores/telegram.js';
import type { ReplyRoute } from '../../core/handoff/routes.js';
import type { RawRoute } from '../../http/rawRoute.js';
import { sameSecret } from '../../http/secretHeader.js';
import { SecretOpenError } from '../../storage/secretBox.js';
import { SqliteOutboxStore } from '../../storage/sqlite/outboxStore.js';
import { SqliteTelegramStore } from '../../storage/sqlite/telegramRepo.js';
import type { Services } from '../../services.js';
import { ALLOWED_UPDATES, createTelegramBotOver, type TelegramBotBase } from '../telegram/bot.js';
import type { QuizStyle } from '../telegram/config.js';
import { sqliteTelegramDelivery, type TelegramDelivery, type TelegramDeliveryPlan } from '../telegram/delivery.js';
import { telegramReplyRoute } from '../telegram/handoff.js';
import type { TelegramPayload } from '../telegram/send.js';
import { GROUP_COMMANDS, PRIVATE_COMMANDS } from '../telegram/texts.js';
import { handleUpdateBody, MAX_UPDATE_BYTES } from '../telegram/webhook.js';
import { keyResolver, NOT_FOUND, type KeyedDeps } from './resolve.js';

export const KEYED_TELEGRAM_PATH = '/webhooks/telegram/:key';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
const UNAUTHORIZED = { status: 401, json: { ok: false, error: 'unauthorized' } } as const;
const HOUR_MS = 3_600_000;
const KEEP_UPDATE_IDS_MS = 48 * HOUR_MS;
const KEEP_DATA_MS = 30 * 24 * HOUR_MS;
const OUTBOX_EVERY_MS = 5_000;
/** How often the enabled rows are read again (a row added meanwhile gets its bot and its webhook). */
const RESCAN_EVERY_MS = 60_000;

/** What a row's bot needs of its commune's database: SQLite's services or a PostgreSQL commune. */
export interface KeyedTelegramPort<C> {
  /** The commune's Telegram records, the delivery of its outbox, and its per-resident limit. */
  open(
    commune: C,
    communeId: string,
  ): { readonly store: TelegramStore; readonly plan: TelegramDeliveryPlan; readonly rateLimit?: RateLimiter };
  /** How a staff reply reaches a resident of the commune's row; `flush` sends what the row's bot owes them. */
  replyRoute(commune: C, communeId: string, flush: (userId: string) => Promise<void>): ReplyRoute;
}

export interface KeyedTelegramDeps<C = Services> extends KeyedDeps<C> {
  readonly clock: Clock;
  readonly random?: Random;
  /** The https origin Telegram calls (config PUBLIC_BASE_URL); without it webhooks are not registered at start. */
  readonly publicBaseUrl?: string;
  readonly apiRoot?: string;
  readonly quizStyle?: QuizStyle;
  readonly throttle?: boolean;
  /** Test hooks, as for the old path's runtime. */
  readonly bot?: Pick<TelegramBotBase, 'botInfo' | 'transport' | 'retry' | 'networkRetry' | 'timeoutSeconds'>;
}

interface Entry {
  readonly stamp: string;
  readonly secretDigest: Buffer;
  readonly webhookSecret: string;
  readonly communeId: string;
  readonly bot: Bot;
  readonly delivery: TelegramDelivery;
  readonly store: TelegramStore;
}

export interface KeyedTelegram<C = Services> {
  readonly route: RawRoute;
  /** How a staff reply reaches a resident of this commune's Telegram row (the handoff). */
  replyRouteFor(commune: C, communeId: string): ReplyRoute;
  /** Sends what every built bot owes (start, the timer; tests call it). */
  flushDue(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** SQLite: the commune's services, their outbox and the one-process dispatcher. */
export function sqliteKeyedTelegramPort(clock: Clock, random?: Random): KeyedTelegramPort<Services> {
  const outboxOf = (services: Services, communeId: string) =>
    new SqliteOutboxStore<TelegramPayload>(services.db, communeId, 'telegram', services.writes);
  return {
    open: (services, communeId) => ({
      store: new SqliteTelegramStore(services.db, communeId),
      plan: sqliteTelegramDelivery({ turns: services.turns, outbox: outboxOf(services, communeId), clock, random }),
      rateLimit: services.limits.perIdentity,
    }),
    // Queued like any reply; sent at once by the commune's bot when it is built, else by the outbox sweep.
    replyRoute: (services, communeId, flush) => telegramReplyRoute(outboxOf(services, communeId), { flush }),
  };
}

/** The keyed Telegram bots on SQLite (the services of each commune). */
export function createKeyedTelegram(deps: KeyedTelegramDeps): KeyedTelegram {
  return createKeyedTelegramOver(deps, sqliteKeyedTelegramPort(deps.clock, deps.random));
}

/** The keyed Telegram bots over `over`: SQLite's port, or PostgreSQL's (pgKeyed.ts). */
export function createKeyedTelegramOver<C>(deps: KeyedTelegramDeps<C>, over: KeyedTelegramPort<C>): KeyedTelegram<C> {
  const log = deps.logger.child({ channel: 'telegram', keyed: true });
  const resolve = keyResolver(deps, 'telegram');
  const cache = new Map<string, Entry>();
  let outboxTimer: NodeJS.Timeout | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let rescanTimer: NodeJS.Timeout | undefined;

  function build(channel: KeyedChannel, commune: C): Entry | undefined {
    const { publicKey, communeId, id } = channel.row;
    const cached = cache.get(publicKey);
    if (cached?.stamp === channel.stamp) return cached;
    let secrets;
    try {
      secrets = channel.secrets();
    } catch (err) {
      if (!(err instanceof SecretOpenError)) throw err;
      log.error(
        { row: id, commune: communeId },
        'không giải mã được mã bot của kênh: khóa bí mật đã đổi hoặc bị mất; hãy thêm lại kênh (cli channel add)',
      );
      return undefined;
    }
    if (secrets.kind !== 'telegram') return undefined;
    const { store, plan, rateLimit } = over.open(commune, communeId);
    const { bot, delivery } = createTelegramBotOver(
      {
        token: secrets.botToken,
        store,
        logger: log.child({ commune: communeId, row: id }),
        clock: deps.clock,
        quizStyle: deps.quizStyle ?? 'buttons',
        apiRoot: deps.apiRoot,
        throttle: deps.throttle ?? true,
        rateLimit,
        ...deps.bot,
      },
      plan,
    );
    const entry: Entry = {
      stamp: channel.stamp,
      secretDigest: createHash('sha256').update(secrets.webhookSecret, 'utf8').digest(),
      webhookSecret: secrets.webhookSecret,
      communeId,
      bot,
      delivery,
      store,
    };
    cache.set(publicKey, entry);
    return entry;
  }

  /** The entry of an enabled, servable row; a row gone since is dropped from the cache. */
  async function entryFor(key: string | undefined): Promise<Entry | undefined> {
    const found = await resolve(key);
    if (!found) {
      if (key !== undefined) cache.delete(key);
      return undefined;
    }
    return build(found.channel, found.commune);
  }

  async function flushEntry(e: Entry): Promise<void> {
    if (!e.bot.isInited()) await e.bot.init();
    await e.delivery.deliverDue();
  }

  /** The sweep in progress, which stop() waits for (it writes to the database about to close). */
  let sweeping: Promise<void> = Promise.resolve();

  function flushDue(): Promise<void> {
    const sweep = sweepOnce();
    sweeping = sweep;
    return sweep;
  }

  async function sweepOnce(): Promise<void> {
    await Promise.all(
      [...cache.values()].map((e) =>
        flushEntry(e).catch((err: unknown) =>
          log.warn({ err, commune: e.communeId }, 'telegram: sending due replies failed'),
        ),
      ),
    );
  }

  async function register(key: string, e: Entry): Promise<void> {
    const base = deps.publicBaseUrl;
    if (base === undefined || !base.startsWith('https://')) return;
    try {
      await e.bot.init();
      await e.bot.api.setMyCommands([...PRIVATE_COMMANDS]);
      await e.bot.api.setMyCommands([...GROUP_COMMANDS], { scope: { type: 'all_group_chats' } });
      await e.bot.api.setWebhook(`${base}/webhooks/telegram/${key}`, {
        secret_token: e.webhookSecret,
        allowed_updates: [...ALLOWED_UPDATES],
      });
      log.info({ commune: e.communeId }, 'telegram: webhook of a channel row registered');
    } catch (err) {
      log.error({ err, commune: e.communeId }, 'telegram: registering the webhook of a channel row failed');
    }
  }

  /** Builds the bot of every enabled row not built yet and registers its webhook; returns how many rows. */
  async function scan(): Promise<number> {
    const rows = await deps.keyring.enabled('telegram');
    for (const row of rows) {
      const key = row.row.publicKey;
      if (cache.get(key)?.stamp === row.stamp) continue;
      const entry = await entryFor(key);
      if (entry) await register(key, entry);
    }
    return rows.length;
  }

  async function prune(): Promise<void> {
    const now = deps.clock.now().getTime();
    const stores = new Map([...cache.values()].map((e) => [e.communeId, e.store]));
    for (const store of stores.values()) {
      try {
        await store.prune(new Date(now - KEEP_UPDATE_IDS_MS), new Date(now - KEEP_DATA_MS));
      } catch (err) {
        log.warn({ err }, 'telegram: prune failed');
      }
    }
  }

  const route: RawRoute = {
    path: KEYED_TELEGRAM_PATH,
    maxBodyBytes: MAX_UPDATE_BYTES,
    precheck: async (header, param) => {
      const entry = await entryFor(param?.('key'));
      if (!entry) return NOT_FOUND;
      return sameSecret(header(SECRET_HEADER), entry.secretDigest) ? undefined : UNAUTHORIZED;
    },
    handle: (raw, _header, param) => {
      const key = param?.('key');
      const entry = key === undefined ? undefined : cache.get(key);
      if (!entry) return NOT_FOUND;
      return handleUpdateBody(raw, async (update) => {
        if (!entry.bot.isInited()) await entry.bot.init();
        await entry.bot.handleUpdate(update);
      });
    },
  };

  function replyRouteFor(commune: C, communeId: string): ReplyRoute {
    return over.replyRoute(commune, communeId, async (userId) => {
      const entry = [...cache.values()].find((e) => e.communeId === communeId);
      if (entry) await entry.delivery.deliver(userId);
    });
  }

  return {
    route,
    replyRouteFor,
    flushDue,
    async start() {
      const rows = await scan();
      if (rows > 0) log.info({ rows: cache.size }, 'telegram: channel rows ready');
      await prune();
      outboxTimer = setInterval(() => void flushDue(), OUTBOX_EVERY_MS);
      outboxTimer.unref();
      pruneTimer = setInterval(() => void prune(), HOUR_MS);
      pruneTimer.unref();
      rescanTimer = setInterval(
        () => void scan().catch((err: unknown) => log.warn({ err }, 'telegram: reading the channel rows failed')),
        RESCAN_EVERY_MS,
      );
      rescanTimer.unref();
      void flushDue();
    },
    async stop() {
      clearInterval(outboxTimer);
      clearInterval(pruneTimer);
      clearInterval(rescanTimer);
      await sweeping;
    },
  };
}
