/**
 * @module server
 *
 * Starts the HTTP server over the shared services and stops it cleanly: it
 * drains first (every new request, webhooks included, gets 503 so Telegram
 * and Zalo deliver it again later; /healthz says "stopping"), then the
 * listener closes and in-flight requests finish, then the database closes.
 * Used by `npm start` (main.ts) and `cli serve`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { ChannelRuntime } from './channels/runtime.js';
import { loadWebAssets } from './channels/web/assets.js';
import { webChatFor } from './channels/web/compose.js';
import { createApp } from './http/app.js';
import { createHealthMonitor } from './http/health.js';
import { listenError } from './http/listenError.js';
import { RejectionLog } from './http/rejectionLog.js';
import type { Logger } from './logger.js';
import { systemClock, type Services } from './services.js';
import { staffAppFor, staffParts } from './staff/compose.js';
import { createLearningModule } from './staff/learningModule.js';
import { createAccountModule } from './staff/accountModule.js';
import { createHandoffModule } from './staff/handoffModule.js';
import { createPasswordModule } from './staff/passwordModule.js';
import { createDashboardModule } from './staff/dashboardModule.js';
import { createSettingsModule } from './staff/settingsModule.js';
import { createReportsModule } from './staff/reportsModule.js';
import { createProvinceModule } from './staff/provinceModule.js';
import { sqliteProvinceDeps } from './staff/provinceCompose.js';
import { SqliteReportRepo } from './storage/sqlite/reportRepo.js';
import { createBoardApp } from './http/board.js';
import { SqliteCommuneSettingsRepo } from './storage/sqlite/communeSettingsRepo.js';
import type { StaffModule } from './staff/types.js';
import { createDatabaseProbe } from './storage/sqlite/health.js';

export interface RunningServer {
  readonly port: number;
  /** Stops taking new work: every request from now on gets 503, /healthz included. */
  drain(): void;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** How long one /healthz answer is reused (default 1 s; tests use 0). */
  readonly healthReuseMs?: number;
}

const STOPPING_BODY = JSON.stringify({
  error: 'stopping',
  message: 'Hệ thống đang khởi động lại. Bà con vui lòng thử lại sau ít phút.',
});

/** The answer to a request that arrives while the service stops: try again later, on a new connection. */
function refuse(res: ServerResponse): void {
  res.writeHead(503, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(STOPPING_BODY),
    'retry-after': '30',
    'cache-control': 'no-store',
    connection: 'close',
  });
  res.end(STOPPING_BODY);
}

export async function startServer(
  services: Services,
  logger: Logger,
  channels: readonly ChannelRuntime[] = [],
  options: ServerOptions = {},
): Promise<RunningServer> {
  const webhooks = channels.flatMap((c) => c.webhooks ?? []);
  const health = createHealthMonitor({
    probe: createDatabaseProbe({
      db: services.db,
      writes: services.writes,
      communeId: services.config.COMMUNE_ID,
      now: () => systemClock.now(),
    }),
    logger,
    reuseMs: options.healthReuseMs,
  });
  const rejections = new RejectionLog(logger);
  const staff = staffParts(services.db, services.config.COMMUNE_ID, systemClock);
  /**
   * The staff console's modules, in order (each registers its routes under /staff, behind the login).
   * Append new modules here; give them `staff.audit` to record exports and changes. A module that
   * registers GET '/' replaces the built-in landing page (staff/homeModule.ts).
   */
  const staffModules: StaffModule[] = [
    // First: it counts the open threads the navigation bar of every later page shows.
    createHandoffModule({
      store: services.handoff.store,
      actions: services.handoff.actions,
      audit: staff.audit,
      clock: systemClock,
      learning: {
        entries: services.consoleFaq,
        index: services.index,
        publish: () => services.publishConsoleFaq(),
      },
      hamlets: () => services.commune.hamlets,
      logger,
    }),
    createDashboardModule({ commune: () => services.commune, clock: systemClock }),
    createReportsModule({
      reports: new SqliteReportRepo(services.db, services.config.COMMUNE_ID),
      population: services.population,
      commune: () => services.commune,
      quizzes: () => services.quizzes.list(),
      clock: systemClock,
      audit: staff.audit,
    }),
    createSettingsModule({
      commune: services.commune,
      settings: new SqliteCommuneSettingsRepo(services.db, services.config.COMMUNE_ID),
      population: services.population,
      audit: staff.audit,
      clock: systemClock,
    }),
    // "Toàn tỉnh": only province accounts reach it (and only it, with their password page; see staff/provinceGate.ts).
    createProvinceModule({
      province: sqliteProvinceDeps({
        db: services.db,
        homeId: services.config.COMMUNE_ID,
        home: () => {
          services.commune.refresh();
          return services.commune.snapshot();
        },
        clock: systemClock,
      }),
      audit: staff.audit,
    }),
    createAccountModule({ links: staff.chats, audit: staff.audit, clock: systemClock }),
    createPasswordModule({ store: staff.store, audit: staff.audit, clock: systemClock }),
    createLearningModule({
      questions: services.learning,
      entries: services.consoleFaq,
      index: services.index,
      search: services.search,
      publish: () => services.publishConsoleFaq(),
      audit: staff.audit,
      clock: systemClock,
    }),
  ];
  const app = createApp({
    webhooks,
    rejections,
    ...webChatFor(services),
    healthy: () => health.check(),
    assets: loadWebAssets(),
    logger,
    maxBodyBytes: services.config.MAX_BODY_BYTES,
    board: createBoardApp({ leaderboard: services.leaderboard, communeName: () => services.commune.name }),
    staff: staffAppFor({
      db: services.db,
      config: services.config,
      clock: systemClock,
      logger,
      parts: staff,
      modules: staffModules,
    }),
  });
  const serve = getRequestListener(app.fetch);
  let draining = false;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    // /healthz still answers (503, "stopping") so a load balancer sees why.
    if (draining && !(req.url ?? '').startsWith('/healthz')) return refuse(res);
    void serve(req, res);
  };
  const { PORT, HOST } = services.config;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer(listener);
    s.once('error', (err) => reject(listenError(err, PORT, HOST)));
    s.listen(PORT, HOST, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : PORT;
  const drain = (): void => {
    draining = true;
    health.markStopping();
  };
  return {
    port,
    drain,
    stop: () =>
      new Promise<void>((resolve) => {
        drain();
        // In-flight requests finish; keep-alive sockets that fall idle are closed as soon as they do,
        // so stop() does not wait for the clients' keep-alive timeout.
        const sweep = setInterval(() => {
          if ('closeIdleConnections' in server) server.closeIdleConnections();
        }, 50);
        server.close(() => {
          clearInterval(sweep);
          rejections.flush();
          resolve();
        });
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      }),
  };
}
