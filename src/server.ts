/**
 * @module server
 *
 * The HTTP app over the shared (SQLite) services: web chat, webhooks, the
 * public board and the staff console, with a health check that really writes.
 * http/serve.ts listens and stops it (drain, then close, then the caller
 * closes the database). Used by `npm start` (main.ts) and `cli serve`;
 * pgServer.ts builds the same app over PostgreSQL.
 */
import type { ChannelRuntime } from './channels/runtime.js';
import { loadWebAssets } from './channels/web/assets.js';
import { webChatFor } from './channels/web/compose.js';
import { createApp } from './http/app.js';
import { createBoardApp } from './http/board.js';
import { createHealthMonitor } from './http/health.js';
import { RejectionLog } from './http/rejectionLog.js';
import { serveApp, type RunningServer } from './http/serve.js';
import type { Logger } from './logger.js';
import { systemClock, type Services } from './services.js';
import { staffAppFor, staffParts, staffSecret } from './staff/compose.js';
import { staffModules } from './staff/modules.js';
import { sqliteProvinceDeps } from './staff/provinceCompose.js';
import { SqliteCommuneSettingsRepo } from './storage/sqlite/communeSettingsRepo.js';
import { createDatabaseProbe } from './storage/sqlite/health.js';
import { SqliteReportRepo } from './storage/sqlite/reportRepo.js';

export type { RunningServer } from './http/serve.js';

export interface ServerOptions {
  /** How long one /healthz answer is reused (default 1 s; tests use 0). */
  readonly healthReuseMs?: number;
}

export async function startServer(
  services: Services,
  logger: Logger,
  channels: readonly ChannelRuntime[] = [],
  options: ServerOptions = {},
): Promise<RunningServer> {
  const { config } = services;
  const health = createHealthMonitor({
    probe: createDatabaseProbe({
      db: services.db,
      writes: services.writes,
      communeId: config.COMMUNE_ID,
      now: () => systemClock.now(),
    }),
    logger,
    reuseMs: options.healthReuseMs,
  });
  const rejections = new RejectionLog(logger);
  const staff = staffParts(services.db, config.COMMUNE_ID, systemClock);
  const publish = (): void => services.publishConsoleFaq();
  const modules = staffModules({
    commune: services.commune,
    quizzes: () => services.quizzes.list(),
    clock: systemClock,
    logger,
    audit: staff.audit,
    handoff: services.handoff,
    learning: {
      questions: services.learning,
      entries: services.consoleFaq,
      index: services.index,
      search: services.search,
      publish,
    },
    reports: new SqliteReportRepo(services.db, config.COMMUNE_ID),
    population: services.population,
    settings: new SqliteCommuneSettingsRepo(services.db, config.COMMUNE_ID),
    province: sqliteProvinceDeps({
      db: services.db,
      homeId: config.COMMUNE_ID,
      home: () => {
        services.commune.refresh();
        return services.commune.snapshot();
      },
      clock: systemClock,
    }),
    chats: staff.chats,
    accounts: staff.store,
  });
  const app = createApp({
    webhooks: channels.flatMap((c) => c.webhooks ?? []),
    rejections,
    ...webChatFor(services),
    healthy: () => health.check(),
    assets: loadWebAssets(),
    logger,
    maxBodyBytes: config.MAX_BODY_BYTES,
    board: createBoardApp({ leaderboard: services.leaderboard, communeName: () => services.commune.name }),
    staff: staffAppFor({
      config,
      clock: systemClock,
      logger,
      parts: staff,
      modules,
      secret: staffSecret(services.db, config),
    }),
  });
  return serveApp({ app, port: config.PORT, host: config.HOST, health, rejections });
}
