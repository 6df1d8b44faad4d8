/**
 * @module channels/keyed/zalo
 *
 * `POST /webhooks/zalo/:key`: the Zalo Official Accounts kept as rows of the
 * `channels` table, one per commune. The key only finds the row; each
 * delivery must carry the mac Zalo computes with THAT row's app id and OA
 * secret key over the raw body (constant-time compare, channels/zalo/
 * signature.ts); a wrong or missing one gets 401 and nothing is recorded.
 * Each row gets its own Zalo channel (built lazily, cached until the row's
 * secrets change): its tokens, events and outbox in its commune, its turns
 * in its commune. The row's first refresh token seeds the token store once,
 * as ZALO_REFRESH_TOKEN does on the old path. Which database holds them is
 * the `KeyedZaloPort`: SQLite's services (below) or PostgreSQL's communes
 * (pgKeyed.ts, where the token row is locked across a refresh so one process
 * at a time spends the refresh token).
 */
import type { AxiosInstance } from 'axios';
import type { Clock, Random } from '../../core/ports.js';
import type { KeyedChannel } from '../../core/stores/channels.js';
import type { ReplyRoute } from '../../core/handoff/routes.js';
import type { RawRoute } from '../../http/rawRoute.js';
import { SecretOpenError } from '../../storage/secretBox.js';
import type { Services } from '../../services.js';
import { ConfigError } from '../../config.js';
import { createZaloChannel, type ZaloChannelOptions, type ZaloRuntime, type ZaloTimers } from '../zalo/channel.js';
import { zaloOaConfigOf } from '../zalo/config.js';
import { keyResolver, NOT_FOUND, type KeyedDeps } from './resolve.js';

export const KEYED_ZALO_PATH = '/webhooks/zalo/:key';

/** What a row's Zalo channel needs of its commune's database: SQLite's services or a PostgreSQL commune. */
export interface KeyedZaloPort<C> {
  /** The row's channel in `communeId`, over the commune's turns, state and outbox. */
  open(commune: C, communeId: string, options: ZaloChannelOptions): ZaloRuntime;
}

/** SQLite: the commune's services. */
export const sqliteKeyedZaloPort: KeyedZaloPort<Services> = {
  open: (services, communeId, options) =>
    createZaloChannel({
      ...options,
      turns: services.turns,
      db: services.db,
      secrets: services.secrets(),
      writes: services.writes,
      communeId,
      rateLimit: services.limits.perIdentity,
    }),
};

export interface KeyedZaloDeps<C = Services> extends KeyedDeps<C> {
  readonly clock: Clock;
  readonly random?: Random;
  readonly maxBodyBytes: number;
  /** Test hooks: the HTTP client and the background timers (false: none). */
  readonly http?: AxiosInstance;
  readonly timers?: ZaloTimers | false;
}

interface Entry {
  readonly stamp: string;
  readonly communeId: string;
  readonly channel: ZaloRuntime;
  readonly started: Promise<void>;
}

export interface KeyedZalo {
  readonly route: RawRoute;
  /** How a staff reply reaches a resident of this commune's Zalo row (the handoff); undefined when it has none. */
  replyRouteFor(communeId: string): ReplyRoute;
  /** The channel built for a row (tests wait on its `idle()`). */
  channelOf(publicKey: string): ZaloRuntime | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The keyed Zalo channels on SQLite (the services of each commune). */
export function createKeyedZalo(deps: KeyedZaloDeps): KeyedZalo {
  return createKeyedZaloOver(deps, sqliteKeyedZaloPort);
}

/** The keyed Zalo channels over `port`: SQLite's, or PostgreSQL's (pgKeyed.ts). */
export function createKeyedZaloOver<C>(deps: KeyedZaloDeps<C>, port: KeyedZaloPort<C>): KeyedZalo {
  const log = deps.logger.child({ channel: 'zalo', keyed: true });
  const resolve = keyResolver(deps, 'zalo');
  const cache = new Map<string, Entry>();
  let running = false;

  /** Stops a row's channel that was disabled or rebuilt; its handling in progress finishes first. */
  function retire(e: Entry): void {
    e.channel.stop().catch((err: unknown) => log.warn({ err }, 'zalo: stopping a channel row failed'));
  }

  function build(channel: KeyedChannel, commune: C): Entry | undefined {
    const { publicKey, communeId, id } = channel.row;
    const cached = cache.get(publicKey);
    if (cached?.stamp === channel.stamp) return cached;
    try {
      const secrets = channel.secrets();
      if (secrets.kind !== 'zalo') return undefined;
      const config = zaloOaConfigOf(secrets);
      const zalo = port.open(commune, communeId, {
        config,
        logger: log.child({ commune: communeId, row: id }),
        maxBodyBytes: deps.maxBodyBytes,
        clock: deps.clock,
        random: deps.random,
        ...(deps.http !== undefined && { http: deps.http }),
        ...(deps.timers !== undefined && { timers: deps.timers }),
      });
      if (cached) retire(cached);
      const entry: Entry = {
        stamp: channel.stamp,
        communeId,
        channel: zalo,
        started: running ? zalo.start() : Promise.resolve(),
      };
      cache.set(publicKey, entry);
      return entry;
    } catch (err) {
      if (!(err instanceof SecretOpenError) && !(err instanceof ConfigError)) throw err;
      log.error(
        { row: id, commune: communeId },
        err instanceof SecretOpenError
          ? 'không giải mã được khóa Zalo của kênh: khóa bí mật đã đổi hoặc bị mất; hãy thêm lại kênh (cli channel add)'
          : 'khóa Zalo đã lưu của kênh không hợp lệ; hãy thêm lại kênh (cli channel add)',
      );
      return undefined;
    }
  }

  async function entryFor(key: string | undefined): Promise<Entry | undefined> {
    const found = await resolve(key);
    if (!found) {
      const gone = key === undefined ? undefined : cache.get(key);
      if (key !== undefined && gone) {
        retire(gone);
        cache.delete(key);
      }
      return undefined;
    }
    return build(found.channel, found.commune);
  }

  const route: RawRoute = {
    path: KEYED_ZALO_PATH,
    maxBodyBytes: deps.maxBodyBytes,
    handle: async (raw, header, param) => {
      const entry = await entryFor(param?.('key'));
      const webhook = entry?.channel.webhooks?.[0];
      if (!entry || !webhook) return NOT_FOUND;
      await entry.started;
      return webhook.handle(raw, header);
    },
  };

  /** The commune's enabled row's channel, built if needed. */
  async function channelOfCommune(communeId: string): Promise<ZaloRuntime | undefined> {
    const row = (await deps.keyring.enabled('zalo')).find((r) => r.row.communeId === communeId);
    return row ? (await entryFor(row.row.publicKey))?.channel : undefined;
  }

  /** The channel already built for the commune's row (at start, or by a delivery). */
  function builtOfCommune(communeId: string): ZaloRuntime | undefined {
    return [...cache.values()].find((e) => e.communeId === communeId)?.channel;
  }

  function replyRouteFor(communeId: string): ReplyRoute {
    return {
      // Synchronous (it joins the staff reply's transaction): the row's channel was built at start or when
      // the resident last wrote through it, which they must have done for staff to answer them.
      queue: (userId, replies, at) => {
        const route = builtOfCommune(communeId)?.replyRoute;
        if (!route) throw new Error(`no enabled Zalo channel row for commune ${communeId}`);
        return route.queue(userId, replies, at);
      },
      render: (userId, replies) => {
        const route = builtOfCommune(communeId)?.replyRoute;
        if (!route?.render) throw new Error(`no enabled Zalo channel row for commune ${communeId}`);
        return route.render(userId, replies);
      },
      flush: async (userId) => {
        await (await channelOfCommune(communeId))?.replyRoute?.flush?.(userId);
      },
    };
  }

  return {
    route,
    replyRouteFor,
    channelOf: (key) => cache.get(key)?.channel,
    async start() {
      for (const row of await deps.keyring.enabled('zalo')) await entryFor(row.row.publicKey);
      // Built now or by a delivery that came before start; any built from here on starts as it is built.
      running = true;
      await Promise.all(
        [...cache.entries()].map(async ([key, e]) => {
          await e.started;
          const started = e.channel.start();
          cache.set(key, { ...e, started });
          await started;
        }),
      );
    },
    async stop() {
      running = false;
      await Promise.all([...cache.values()].map((e) => e.channel.stop()));
    },
  };
}
