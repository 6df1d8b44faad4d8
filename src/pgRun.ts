/**
 * @module pgRun
 *
 * `npm start` with DATABASE_URL (issue 20): the service on PostgreSQL, so two
 * or more processes can share one database. Each process opens every commune
 * the database holds (its knowledge loaded into memory, its quizzes and
 * settings), serves them (pgServer.ts), prunes old rows once across processes
 * (storage/pg/pgPruner.ts takes an advisory lock) and picks up what another
 * process changed (an ingestion, an approved FAQ entry, a settings save)
 * within a few seconds. The tables must exist: `cli migrate-to-pg` makes them.
 *
 * Telegram and Zalo from .env run for the install's own commune
 * (channels/telegram/pgRuntime.ts, channels/zalo/pgIndex.ts). Channels as
 * rows (`cli channel add`, webhooks at /webhooks/<kind>/<key>) run for every
 * commune served (channels/keyed/pgKeyed.ts).
 */
import type { ChannelSettings } from './channelSettings.js';
import type { ChannelRuntime } from './channels/runtime.js';
import { pgTelegramRuntime } from './channels/telegram/pgRuntime.js';
import type { Config } from './config.js';
import { redactDatabaseUrl } from './databaseUrl.js';
import { retentionOf } from './limitsConfig.js';
import type { Logger } from './logger.js';
import { openPgCommune, type PgCommune, type PgCommuneOptions } from './pgCommune.js';
import { startPgServer } from './pgServer.js';
import { connectHandoff, type RunningService } from './run.js';
import { systemClock, turnLimitsFor } from './services.js';
import { pgZaloChannel } from './channels/zalo/pgIndex.js';
import { pgKeyedChannels, type PgKeyedChannels } from './channels/keyed/pgKeyed.js';
import type { SecretBox } from './storage/secretBox.js';
import { secretBoxFor } from './storage/secretKey.js';
import { openPgDatabase, type PgDb } from './storage/pg/db.js';
import { PgCommuneRegistry } from './storage/pg/pgCommuneRegistry.js';
import { pgConnectionProblem } from './storage/pg/pgProblems.js';
import { startPgPruner, type PgPruner } from './storage/pg/pgPruner.js';

/** How often a process looks for another process's changes (index generation, settings revision). */
export const WATCH_EVERY_MS = 5_000;

/** How often a process looks for communes added (`cli commune add`) since it started. */
export const NEW_COMMUNES_EVERY_MS = 30_000;

/** Connections per process: a turn holds one while the engine runs, and its stores take others. */
const POOL_SIZE = 20;

/**
 * Said at start when the Telegram bot long-polls: Telegram gives updates to
 * one reader per bot, so a second process polling makes both fail with 409.
 * Several processes on PostgreSQL need TELEGRAM_MODE=webhook.
 */
export function pollingWarning(settings: ChannelSettings): string | undefined {
  if (settings.telegram?.TELEGRAM_MODE !== 'polling') return undefined;
  return (
    'Telegram đang ở chế độ hỏi liên tục (TELEGRAM_MODE=polling): Telegram chỉ cho một tiến trình nhận tin của mỗi bot. ' +
    'Khi chạy từ hai tiến trình trở lên trên cùng PostgreSQL, hãy đặt TELEGRAM_MODE=webhook và TELEGRAM_WEBHOOK_URL.'
  );
}

/** What stops a PostgreSQL start before anything runs, in the staff's words. */
export class PgStartError extends Error {}

async function openCommunes(config: Config, logger: Logger, pg: PgDb, options: PgCommuneOptions): Promise<PgCommune[]> {
  const home = await openPgCommune(config, logger, pg, config.COMMUNE_ID, options);
  const out = [home];
  for (const row of await new PgCommuneRegistry(pg, config.COMMUNE_ID).list()) {
    if (row.id === config.COMMUNE_ID) continue;
    out.push(await openPgCommune(config, logger, pg, row.id, options));
  }
  return out;
}

/**
 * Opens, every `everyMs`, the communes the database gained since the last
 * look (`cli commune add` on any machine), one at a time and never on a
 * resident's turn, and hands each to `opened`. A commune that fails to open
 * is logged and tried again at the next look. Returns the stop function,
 * which waits for an opening under way.
 */
export function watchNewCommunes(opts: {
  readonly list: () => Promise<readonly string[]>;
  readonly served: (id: string) => boolean;
  readonly open: (id: string) => Promise<PgCommune>;
  readonly opened: (commune: PgCommune) => void;
  readonly everyMs: number;
  readonly logger: Logger;
}): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const look = async (): Promise<void> => {
    for (const id of await opts.list()) {
      if (stopped || opts.served(id)) continue;
      try {
        const commune = await opts.open(id);
        if (stopped) return;
        opts.opened(commune);
        opts.logger.info({ commune: id }, 'a commune added since start is now served');
      } catch (err) {
        opts.logger.error({ err, commune: id }, 'could not open a commune added since start; trying again later');
      }
    }
  };
  const timer = setInterval(() => {
    running = running.then(look).catch((err: unknown) => {
      opts.logger.warn({ err }, 'could not look for communes added since start');
    });
  }, opts.everyMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}

/**
 * Channels as rows, for every commune served: each row's webhook runs its
 * turns in its own commune; it registers their handoff routes itself (for the
 * kinds .env does not run in the install's own commune).
 */
function keyedChannelsOf(
  config: Config,
  logger: Logger,
  settings: ChannelSettings,
  pg: PgDb,
  communes: readonly PgCommune[],
): PgKeyedChannels {
  // The key file is read when the first row is opened (none: never), then kept.
  let box: SecretBox | undefined;
  return pgKeyedChannels({
    pg,
    communes,
    homeId: config.COMMUNE_ID,
    settings,
    secrets: () => (box ??= secretBoxFor(config)),
    publicBaseUrl: config.PUBLIC_BASE_URL,
    maxBodyBytes: config.MAX_BODY_BYTES,
    logger,
  });
}

export async function runPgService(
  config: Config,
  logger: Logger,
  channelSettings: ChannelSettings,
  url: string,
  options: { readonly newCommunesEveryMs?: number } = {},
): Promise<RunningService> {
  const started = performance.now();
  const pg = openPgDatabase(url, { applicationName: 'hocvuso', max: POOL_SIZE });
  let pruner: PgPruner | undefined;
  const unwatch: (() => void)[] = [];
  let stopDiscovery: (() => Promise<void>) | undefined;
  // One pair of rate limiters for the process: every commune's page and channels count against it.
  const communeOptions: PgCommuneOptions = { limits: turnLimitsFor(config, systemClock) };
  const channels: ChannelRuntime[] = [];
  try {
    let communes: PgCommune[];
    try {
      communes = await openCommunes(config, logger, pg, communeOptions);
    } catch (err) {
      const problem = pgConnectionProblem(err);
      throw problem === undefined ? err : new PgStartError(problem);
    }
    const [home] = communes as [PgCommune, ...PgCommune[]];
    // Every commune served, by id; communes added while running join it (watchNewCommunes below).
    const served = new Map(communes.map((c) => [c.communeId, c]));
    for (const c of communes) unwatch.push(c.watch(WATCH_EVERY_MS));
    // One round prunes every commune served here, once across processes (an advisory lock per commune).
    pruner = startPgPruner({
      db: pg,
      communes: () => [...served.keys()],
      days: retentionOf(config),
      clock: systemClock,
      logger,
    });
    // The .env bot serves the install's own commune; its updates may reach any process.
    if (channelSettings.telegram) channels.push(pgTelegramRuntime(channelSettings.telegram, pg, home, logger));
    const polling = pollingWarning(channelSettings);
    if (polling !== undefined) logger.warn(polling);
    const zalo = pgZaloChannel({
      settings: channelSettings,
      commune: home,
      pg,
      secrets: () => secretBoxFor(config),
      maxBodyBytes: config.MAX_BODY_BYTES,
      logger,
    });
    if (zalo) channels.push(zalo);
    connectHandoff(home, channels);
    const keyed = keyedChannelsOf(config, logger, channelSettings, pg, communes);
    channels.push(keyed);
    const others = (id: string): PgCommune | undefined => (id === home.communeId ? undefined : served.get(id));
    const server = await startPgServer({ pg, config, logger, home, others, channels });
    for (const c of channels) await c.start();
    const registry = new PgCommuneRegistry(pg, config.COMMUNE_ID);
    stopDiscovery = watchNewCommunes({
      list: async () => (await registry.list()).map((row) => row.id),
      served: (id) => served.has(id),
      open: (id) => openPgCommune(config, logger, pg, id, communeOptions),
      opened: (c) => {
        served.set(c.communeId, c);
        unwatch.push(c.watch(WATCH_EVERY_MS));
        keyed.add(c);
      },
      everyMs: options.newCommunesEveryMs ?? NEW_COMMUNES_EVERY_MS,
      logger,
    });
    logger.info(
      {
        port: server.port,
        database: redactDatabaseUrl(url),
        knowledge: config.KNOWLEDGE_DIR,
        communes: communes.map((c) => c.communeId),
        documents: home.knowledge.index.documents().length,
        quizzes: home.quizzes.list().length,
        channels: ['web', ...channels.map((c) => c.name)],
        readyMs: Math.round(performance.now() - started),
      },
      `Hocvuso is ready: open http://localhost:${server.port}/`,
    );
    return {
      port: server.port,
      stop: async () => {
        await stopDiscovery?.();
        server.drain();
        for (const c of channels) await c.stop();
        await server.stop();
        for (const stop of unwatch) stop();
        await pruner?.stop();
        await pg.destroy();
      },
    };
  } catch (err) {
    await stopDiscovery?.();
    for (const c of channels) await c.stop().catch(() => undefined);
    for (const stop of unwatch) stop();
    await pruner?.stop();
    await pg.destroy();
    throw err;
  }
}
