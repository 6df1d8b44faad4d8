/**
 * @module pgServer
 *
 * The HTTP app of `npm start` on PostgreSQL (issue 20): the same pages and
 * endpoints as server.ts, over the communes this process serves. The
 * install's own commune (COMMUNE_ID) is served at `/` with its staff console
 * and the webhooks; every other commune has its web chat, its emulation
 * board and its staff console at `/x/<commune>/` (`/x/<commune>/staff`: its
 * own accounts, sessions and key, staff/rebase.ts).
 */
import { Hono } from 'hono';
import type { ChannelRuntime } from './channels/runtime.js';
import { loadWebAssets, type WebAssets } from './channels/web/assets.js';
import { SESSION_SECRET_NAME, webChatOver, type WebChatParts } from './channels/web/compose.js';
import { SESSION_COOKIE } from './channels/web/session.js';
import { pgWebTurns } from './channels/web/pgTurns.js';
import type { Config } from './config.js';
import { createApp } from './http/app.js';
import { createBoardApp } from './http/board.js';
import { problem } from './http/chatBody.js';
import { createHealthMonitor } from './http/health.js';
import { RejectionLog } from './http/rejectionLog.js';
import { serveApp, type RunningServer } from './http/serve.js';
import type { Logger } from './logger.js';
import type { PgCommune } from './pgCommune.js';
import { systemClock } from './services.js';
import { STAFF_SECRET_NAME, staffAppFor, staffKeyFrom } from './staff/compose.js';
import { staffModules } from './staff/modules.js';
import { communeStaffKey, rebasedStaff } from './staff/rebase.js';
import { pgProvinceDeps } from './staff/pgProvinceCompose.js';
import type { PgDb } from './storage/pg/db.js';
import { PgCommuneSettingsRepo } from './storage/pg/pgCommuneSettingsRepo.js';
import { createPgDatabaseProbe } from './storage/pg/pgHealth.js';
import { PgReportRepo } from './storage/pg/pgReportRepo.js';
import { pgServiceSecret } from './storage/pg/pgServiceSecrets.js';
import { PgStaffStore } from './storage/pg/pgStaffStore.js';
import { pgMoveWebIdentity } from './storage/pg/pgWebIdentity.js';

/**
 * The session cookie of another commune's web chat: its own name, so a
 * resident who uses two communes' pages on one address is one visitor in
 * each, not the same session carried from one commune to the other.
 */
export function communeCookie(communeId: string): string {
  return `${SESSION_COOKIE}_${communeId}`;
}

/** Where another commune's web chat is served: `/x/<id>/` (ids are lowercase slugs). */
export function communePath(communeId: string): string {
  return `/x/${communeId}`;
}

/**
 * Serves `/x/<id>/…` with commune `id`'s app, which sees `/api/chat` for
 * `/x/<id>/api/chat` (as `Hono.mount` would, for a path known only at
 * request time), with the connection's details (the client's address) passed
 * on. `/x/<id>` redirects to the folder: the page's links are relative to it,
 * and without the slash they would reach the install's own commune.
 */
function mountCommunes(root: Hono, appOf: (id: string) => Hono | undefined): void {
  root.get('/x/:id', (c) => {
    const id = c.req.param('id');
    return appOf(id) ? c.redirect(`${communePath(id)}/`, 308) : c.notFound();
  });
  root.all('/x/:id/*', (c) => {
    const id = c.req.param('id');
    const app = appOf(id);
    if (!app) return c.notFound();
    const url = new URL(c.req.url);
    url.pathname = url.pathname.slice(communePath(id).length) || '/';
    return app.fetch(new Request(url, c.req.raw), c.env);
  });
}

/** The web chat of one commune over its PostgreSQL parts. */
export function pgWebChat(
  pg: PgDb,
  c: PgCommune,
  config: Pick<Config, 'TRUST_PROXY'>,
  sessionKey: string,
  sessionCookie?: string,
): WebChatParts {
  return webChatOver({
    // Who the session stands for and whether a person owns it are read in the turn's and the take's transactions.
    turns: pgWebTurns({ db: pg, communeId: c.communeId, turns: c.turns }),
    sessionKey,
    ...(sessionCookie !== undefined && { sessionCookie }),
    limits: c.limits,
    trustProxy: config.TRUST_PROXY,
    rotate: async (from, to) => {
      await pgMoveWebIdentity(pg, c.communeId, from, to);
    },
  });
}

/** The staff console of one commune, over its PostgreSQL stores. */
function pgStaffConsole(pg: PgDb, home: PgCommune, config: Config, logger: Logger, secret: Buffer): Hono {
  const id = home.communeId;
  const store = new PgStaffStore(pg, id);
  const modules = staffModules({
    commune: home.commune,
    quizzes: () => home.quizzes.list(),
    clock: systemClock,
    logger,
    audit: home.audit,
    handoff: home.handoff,
    learning: {
      questions: home.learning,
      entries: home.consoleFaq,
      index: home.knowledge.index,
      search: home.knowledge.search,
      publish: () => home.publishConsoleFaq(),
    },
    reports: new PgReportRepo(pg, id),
    population: home.population,
    settings: home.settings,
    province: pgProvinceDeps({
      db: pg,
      homeId: id,
      home: () => home.commune.snapshot(),
      clock: systemClock,
      // Another commune's hamlets as its own console saved them.
      overridesOf: (communeId) => new PgCommuneSettingsRepo(pg, communeId).overrides(),
    }),
    chats: home.staffChats,
    accounts: store,
  });
  return staffAppFor({
    config,
    clock: systemClock,
    logger,
    parts: { store, audit: home.audit, chats: home.staffChats },
    modules,
    secret,
  });
}

/**
 * The staff console of a commune other than the install's own, at
 * `/x/<id>/staff`: its accounts and sessions are its commune's rows, its
 * cookies are limited to its folder, and it signs with a key of its own.
 */
function otherStaffConsole(pg: PgDb, c: PgCommune, config: Config, logger: Logger, installKey: Buffer): Hono {
  const secret = communeStaffKey(installKey, c.communeId);
  return rebasedStaff(pgStaffConsole(pg, c, config, logger, secret), communePath(c.communeId));
}

export interface PgServerDeps {
  readonly pg: PgDb;
  readonly config: Config;
  readonly logger: Logger;
  /** The install's own commune (COMMUNE_ID), served at `/`. */
  readonly home: PgCommune;
  /**
   * The other communes of the database, each at `/x/<id>/`: a list, or a
   * look-up that also finds communes opened while the service runs.
   */
  readonly others: readonly PgCommune[] | ((communeId: string) => PgCommune | undefined);
  readonly channels?: readonly ChannelRuntime[];
  /** How long one /healthz answer is reused (default 1 s; tests use 0). */
  readonly healthReuseMs?: number;
}

export async function startPgServer(deps: PgServerDeps): Promise<RunningServer> {
  const { pg, config, logger, home } = deps;
  const health = createHealthMonitor({
    probe: createPgDatabaseProbe({ db: pg, communeId: home.communeId, now: () => systemClock.now() }),
    logger,
    reuseMs: deps.healthReuseMs,
  });
  const rejections = new RejectionLog(logger);
  const assets = loadWebAssets();
  // One key per install for every commune's page, kept in the database so every process signs alike.
  const sessionKey = config.SESSION_SECRET ?? (await pgServiceSecret(pg, SESSION_SECRET_NAME));
  const staffKey = staffKeyFrom(config.SESSION_SECRET ?? (await pgServiceSecret(pg, STAFF_SECRET_NAME)));
  const healthy = () => health.check();
  const communeApp = (c: PgCommune, assetsOf: WebAssets, staff: Hono): Hono =>
    createApp({
      rejections,
      ...pgWebChat(pg, c, config, sessionKey, communeCookie(c.communeId)),
      healthy,
      assets: assetsOf,
      logger,
      maxBodyBytes: config.MAX_BODY_BYTES,
      board: createBoardApp({ leaderboard: c.leaderboard, communeName: () => c.commune.name }),
      staff,
    });
  const root = new Hono();
  const others = deps.others;
  const otherOf = typeof others === 'function' ? others : (id: string) => others.find((c) => c.communeId === id);
  // Each commune's app is built on its first request: a commune opened while the service runs is served too.
  const apps = new Map<string, Hono>();
  const appOf = (id: string): Hono | undefined => {
    if (id === home.communeId) return undefined;
    const known = apps.get(id);
    if (known) return known;
    const other = otherOf(id);
    if (!other) return undefined;
    const app = communeApp(other, assets, otherStaffConsole(pg, other, config, logger, staffKey));
    apps.set(id, app);
    return app;
  };
  mountCommunes(root, appOf);
  root.route(
    '/',
    createApp({
      webhooks: (deps.channels ?? []).flatMap((c) => c.webhooks ?? []),
      rejections,
      ...pgWebChat(pg, home, config, sessionKey),
      healthy,
      assets,
      logger,
      maxBodyBytes: config.MAX_BODY_BYTES,
      board: createBoardApp({ leaderboard: home.leaderboard, communeName: () => home.commune.name }),
      staff: pgStaffConsole(pg, home, config, logger, staffKey),
    }),
  );
  // `route` does not carry the commune app's notFound: an unknown path gets the same JSON problem as on SQLite.
  root.notFound((c) => c.json(problem('not_found', 'Không tìm thấy trang này.'), 404));
  return serveApp({ app: root, port: config.PORT, host: config.HOST, health, rejections });
}
