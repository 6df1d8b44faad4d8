/**
 * @module run
 *
 * Starts the whole service from a parsed config: database and knowledge index,
 * the optional channels their settings switch on, and the HTTP server; and
 * stops it in the reverse order. Shared by `npm start` (main.ts) and
 * `cli serve`, so both run exactly the same thing.
 */
import type { ChannelSettings } from './channelSettings.js';
import { CHANNEL_FACTORIES } from './channels/index.js';
import type { ChannelRuntime } from './channels/runtime.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { startServer } from './server.js';
import { createServices, systemClock, type Services } from './services.js';
import { startCheckpointer, type Checkpointer } from './storage/sqlite/checkpointer.js';
import { retentionOf } from './limitsConfig.js';
import { startPruner, type Pruner } from './storage/sqlite/pruner.js';

export interface RunningService {
  readonly port: number;
  stop(): Promise<void>;
}

/** The optional channels switched on by their settings (none by default). */
export function enabledChannels(settings: ChannelSettings, services: Services, logger: Logger): ChannelRuntime[] {
  const out: ChannelRuntime[] = [];
  for (const factory of CHANNEL_FACTORIES) {
    const runtime = factory({ settings, services, logger });
    if (runtime) {
      logger.info({ channel: runtime.name }, 'channel enabled');
      out.push(runtime);
    }
  }
  return out;
}

/**
 * Plugs the running channels into the handoff to staff: a staff reply goes
 * out through the resident's channel's own outbox and rendering, and a new
 * thread is announced where a channel offers it (Telegram's staff group).
 * The web's route is built into the services.
 */
export function connectHandoff(services: Pick<Services, 'handoff'>, channels: readonly ChannelRuntime[]): void {
  for (const c of channels) {
    if (c.replyRoute) services.handoff.routes.register(c.name, c.replyRoute);
    if (c.staffNotice) services.handoff.notices.register(c.staffNotice, c.staffNoticeRows);
  }
  for (const c of channels) {
    for (const [name, route] of Object.entries(c.replyRoutes ?? {})) services.handoff.routes.register(name, route);
  }
}

/** Runs the service from settings parsed once at start (config.ts for the core, channelSettings.ts for the channels). */
export async function runService(
  config: Config,
  logger: Logger,
  channelSettings: ChannelSettings,
): Promise<RunningService> {
  if (config.DATABASE_URL !== undefined) {
    // Several processes on one PostgreSQL database (issue 20); loaded only when asked for.
    const { runPgService } = await import('./pgRun.js');
    return runPgService(config, logger, channelSettings, config.DATABASE_URL);
  }
  const started = performance.now();
  const services = createServices(config, logger);
  let channels: ChannelRuntime[] = [];
  let checkpointer: Checkpointer | undefined;
  let pruner: Pruner | undefined;
  try {
    const report = await services.ingest();
    checkpointer = await startCheckpointer(services.db, logger);
    pruner = startPruner({
      db: services.db,
      communeId: config.COMMUNE_ID,
      days: retentionOf(config),
      clock: systemClock,
      logger,
    });
    channels = enabledChannels(channelSettings, services, logger);
    connectHandoff(services, channels);
    const server = await startServer(services, logger, channels);
    for (const c of channels) await c.start();
    logger.info(
      {
        port: server.port,
        database: config.DATABASE_PATH,
        knowledge: config.KNOWLEDGE_DIR,
        documents: services.index.documents().length,
        quizzes: services.quizzes.list().length,
        skipped: report.failed.length,
        channels: ['web', ...channels.map((c) => c.name)],
        readyMs: Math.round(performance.now() - started),
      },
      `Hocvuso is ready: open http://localhost:${server.port}/`,
    );
    return {
      port: server.port,
      // Refuse new work before anything stops, so no webhook is half taken; then let each part finish its own.
      stop: async () => {
        server.drain();
        for (const c of channels) await c.stop();
        await server.stop();
        await pruner?.stop();
        await checkpointer?.stop();
        services.close();
      },
    };
  } catch (err) {
    for (const c of channels) await c.stop().catch(() => undefined);
    await pruner?.stop();
    await checkpointer?.stop();
    services.close();
    throw err;
  }
}
