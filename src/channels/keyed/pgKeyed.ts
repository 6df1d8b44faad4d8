/**
 * @module channels/keyed/pgKeyed
 *
 * Channels as rows on PostgreSQL (issue 20 item 3): the same keyed runtime as
 * on SQLite (telegram.ts, zalo.ts), over every commune this process serves.
 * A key is looked up once across the install (`channel_by_key`, whatever its
 * commune), remembered a few seconds (cachedKeyring.ts), and its row's own
 * secret is checked before the body is handled; the turn then runs in the
 * row's commune, on that commune's PgCommune, and its replies go out through
 * the PostgreSQL deliveries the .env channels use: an update redelivered to
 * another process is answered once (the turn's claim), a resident's replies
 * are claimed `FOR UPDATE SKIP LOCKED`, and a Zalo row's refresh token is
 * spent by one process at a time (its token row locked across the call,
 * pgZaloStore.ts). Staff replies of the handoff reach a resident of a row
 * through the routes registered here, per commune.
 */
import type { ChannelSettings } from '../../channelSettings.js';
import type { Clock, Random } from '../../core/ports.js';
import type { ChannelKind } from '../../core/stores/channels.js';
import type { Logger } from '../../logger.js';
import type { PgCommune } from '../../pgCommune.js';
import { cryptoRandom, systemClock } from '../../services.js';
import type { PgDb } from '../../storage/pg/db.js';
import { PgChannelRepo } from '../../storage/pg/pgChannelRepo.js';
import { PgTelegramStore } from '../../storage/pg/pgTelegramStore.js';
import type { SecretBox } from '../../storage/secretBox.js';
import { staffReplyRows } from '../telegram/handoff.js';
import { pgTelegramDelivery } from '../telegram/pgDelivery.js';
import { createPgZaloChannel } from '../zalo/pgChannel.js';
import { cachedKeyring } from './cachedKeyring.js';
import { keyedRuntime, type KeyedChannels } from './index.js';
import { createKeyedTelegramOver, type KeyedTelegramDeps, type KeyedTelegramPort } from './telegram.js';
import { createKeyedZaloOver, type KeyedZaloDeps, type KeyedZaloPort } from './zalo.js';

export interface PgKeyedDeps {
  readonly pg: PgDb;
  /** Every commune this process serves; a row of any other commune is answered 404. */
  readonly communes: readonly PgCommune[];
  /** The install's own commune: its channels of .env (if any) keep their old paths and its queue of replies. */
  readonly homeId: string;
  readonly settings: ChannelSettings;
  /** Opens the rows' secrets and seals the Zalo tokens: the same key file in every process. */
  readonly secrets: () => SecretBox;
  readonly publicBaseUrl?: string;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly random?: Random;
  /** How long a key's row is reused (cachedKeyring.ts; tests use 0). */
  readonly keyCacheMs?: number;
  /** Test hooks: Telegram's bot info and transport, Zalo's HTTP client and timers. */
  readonly telegram?: Pick<KeyedTelegramDeps<PgCommune>, 'bot' | 'throttle' | 'apiRoot'>;
  readonly zalo?: Pick<KeyedZaloDeps<PgCommune>, 'http' | 'timers'>;
}

/** Telegram rows over a commune's PostgreSQL turn runner, Telegram records and shared outbox. */
export function pgKeyedTelegramPort(pg: PgDb, clock: Clock, random: Random): KeyedTelegramPort<PgCommune> {
  return {
    open: (commune, communeId) => ({
      store: new PgTelegramStore(pg, communeId),
      plan: pgTelegramDelivery({ db: pg, communeId, turns: commune.turns, clock, random }),
      rateLimit: commune.limits.perIdentity,
    }),
    // PgHandoffWriter writes the rows (render) in the staff reply's transaction; flush sends them.
    replyRoute: (_commune, _communeId, flush) => ({
      queue: () => {
        throw new Error('on PostgreSQL a staff reply is queued by PgHandoffWriter through render()');
      },
      render: staffReplyRows,
      flush,
    }),
  };
}

/** Zalo rows over a commune's PostgreSQL turn runner, Zalo state and shared outbox. */
export function pgKeyedZaloPort(pg: PgDb, secrets: () => SecretBox): KeyedZaloPort<PgCommune> {
  return {
    open: (commune, communeId, options) =>
      createPgZaloChannel({
        ...options,
        turns: commune.turns,
        db: pg,
        secrets: secrets(),
        communeId,
        rateLimit: commune.limits.perIdentity,
      }),
  };
}

/**
 * The keyed channels of every commune served, with their handoff routes
 * registered in each commune (for the kinds .env does not run there).
 */
export interface PgKeyedChannels extends KeyedChannels<PgCommune> {
  /** Serves the rows of a commune opened while the service runs (pgRun.ts finds new communes). */
  add(commune: PgCommune): void;
}

export function pgKeyedChannels(deps: PgKeyedDeps): PgKeyedChannels {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? cryptoRandom;
  const byId = new Map(deps.communes.map((c) => [c.communeId, c]));
  const repo = new PgChannelRepo(deps.pg, deps.secrets, () => [...byId.keys()]);
  const tg = deps.settings.telegram;
  const reserved = (id: string, kind: ChannelKind): boolean =>
    id === deps.homeId && (kind === 'telegram' ? tg !== undefined : deps.settings.zalo !== undefined);
  const common = {
    keyring: cachedKeyring(repo, clock, { ttlMs: deps.keyCacheMs }),
    communes: (id: string) => byId.get(id),
    reserved,
    logger: deps.logger,
    clock,
    random,
  };
  const telegram = createKeyedTelegramOver(
    {
      ...common,
      publicBaseUrl: deps.publicBaseUrl,
      ...(tg !== undefined && { apiRoot: tg.TELEGRAM_API_ROOT, quizStyle: tg.TELEGRAM_QUIZ_STYLE }),
      ...deps.telegram,
    },
    pgKeyedTelegramPort(deps.pg, clock, random),
  );
  const zalo = createKeyedZaloOver(
    { ...common, maxBodyBytes: deps.maxBodyBytes, ...deps.zalo },
    pgKeyedZaloPort(deps.pg, deps.secrets),
  );
  const routeReplies = (c: PgCommune): void => {
    if (!reserved(c.communeId, 'telegram'))
      c.handoff.routes.register('telegram', telegram.replyRouteFor(c, c.communeId));
    if (!reserved(c.communeId, 'zalo')) c.handoff.routes.register('zalo', zalo.replyRouteFor(c.communeId));
  };
  for (const c of deps.communes) routeReplies(c);
  return {
    ...keyedRuntime(telegram, zalo),
    add: (c) => {
      if (byId.has(c.communeId)) return;
      byId.set(c.communeId, c);
      routeReplies(c);
    },
  };
}
