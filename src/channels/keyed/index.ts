/**
 * @module channels/keyed
 *
 * Channels as rows (issue 20 item 3): one runtime serving every Telegram bot
 * and Zalo OA of the `channels` table at `/webhooks/telegram/:key` and
 * `/webhooks/zalo/:key`, beside the channels configured in the environment
 * (which keep their old paths unchanged). It is always mounted: with no rows
 * every key is a 404, and nothing reads the secret key file until a row is
 * found.
 *
 * Which commune a row's turns run in: `communes` maps a commune id to what
 * runs its turns. On SQLite one process serves one commune, so the factory
 * below serves only config COMMUNE_ID's rows (others are logged once and
 * answered 404); on PostgreSQL every commune of the database is served
 * (pgKeyed.ts builds the same runtime over each commune's PgCommune).
 */
import type { ChannelKind } from '../../core/stores/channels.js';
import { cryptoRandom, systemClock, type Services } from '../../services.js';
import { SqliteChannelRepo } from '../../storage/sqlite/channelRepo.js';
import type { ChannelFactory, ChannelRuntime } from '../runtime.js';
import { createKeyedTelegram, type KeyedTelegram, type KeyedTelegramDeps } from './telegram.js';
import { createKeyedZalo, type KeyedZalo, type KeyedZaloDeps } from './zalo.js';

export interface KeyedChannelsDeps {
  readonly telegram: KeyedTelegramDeps;
  readonly zalo: KeyedZaloDeps;
}

export interface KeyedChannels<C = Services> extends ChannelRuntime {
  readonly telegram: KeyedTelegram<C>;
  readonly zalo: KeyedZalo;
}

export function createKeyedChannels(deps: KeyedChannelsDeps): KeyedChannels {
  return keyedRuntime(createKeyedTelegram(deps.telegram), createKeyedZalo(deps.zalo));
}

/** One runtime of the two kinds' webhooks, whatever the database. */
export function keyedRuntime<C>(telegram: KeyedTelegram<C>, zalo: KeyedZalo): KeyedChannels<C> {
  return {
    name: 'channel-rows',
    telegram,
    zalo,
    webhooks: [telegram.route, zalo.route],
    async start() {
      await telegram.start();
      await zalo.start();
    },
    async stop() {
      await telegram.stop();
      await zalo.stop();
    },
  };
}

/** The entry in CHANNEL_FACTORIES: the rows of this process's commune. */
export const keyedChannels: ChannelFactory = ({ settings, services, logger }) => {
  const own = services.config.COMMUNE_ID;
  const common = {
    keyring: new SqliteChannelRepo(services.db, () => services.secrets()),
    communes: (id: string): Services | undefined => (id === own ? services : undefined),
    reserved: (id: string, kind: ChannelKind): boolean =>
      id === own && (kind === 'telegram' ? settings.telegram !== undefined : settings.zalo !== undefined),
    logger,
    clock: systemClock,
    random: cryptoRandom,
  };
  const tg = settings.telegram;
  const keyed = createKeyedChannels({
    telegram: {
      ...common,
      publicBaseUrl: services.config.PUBLIC_BASE_URL,
      ...(tg !== undefined && { apiRoot: tg.TELEGRAM_API_ROOT, quizStyle: tg.TELEGRAM_QUIZ_STYLE }),
    },
    zalo: { ...common, maxBodyBytes: services.config.MAX_BODY_BYTES },
  });
  // Staff replies in the handoff reach residents of this commune's rows, unless .env's bot of that kind owns them.
  const replyRoutes = {
    ...(settings.telegram === undefined && { telegram: keyed.telegram.replyRouteFor(services, own) }),
    ...(settings.zalo === undefined && { zalo: keyed.zalo.replyRouteFor(own) }),
  };
  return { ...keyed, replyRoutes };
};
