/**
 * The service as `npm start` builds it, on SQLite or on PostgreSQL, for tests
 * that drive it over HTTP and check what it stored (issue 20 item 6: the
 * suite runs on both databases). Which database is the environment's choice:
 * HOCVUSO_TEST_DB=pg (set by the `both` project of vitest.pg.config.ts, run
 * by scripts/test-pg.sh with the PG* variables pg_virtualenv exports) builds
 * a fresh migrated PostgreSQL database per call (test/pg/pgTestDb.ts), opens
 * the commune (pgCommune.ts) and starts pgServer.ts; anything else builds
 * SQLite services in a temporary folder (services.ts) and starts server.ts.
 *
 * The server really listens on loopback (port 0), so a test reaches the same
 * composition a resident does: `request()` is `app.request()`-shaped (a path,
 * no redirects followed). What the test reads back goes through the ports
 * both databases implement (citizens, attempts, handoff, staff accounts,
 * audit) or through `tables`, the commune's plain rows.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { Config } from '../src/config.js';
import type { LiveCommune } from '../src/content/liveCommune.js';
import type { Engine } from '../src/core/conversation/engine.js';
import type {
  AttemptRepo,
  ChatModel,
  CitizenRepo,
  Clock,
  KnowledgeSearch,
  MaybePromise,
  Random,
  UnansweredLog,
} from '../src/core/ports.js';
import type { ChannelKeyring } from '../src/core/stores/channels.js';
import type { CommuneSettingsStore } from '../src/core/stores/communeSettings.js';
import type { AnswerWriter } from '../src/core/qa/answerer.js';
import type { LearningStore } from '../src/core/stores/learning.js';
import type { TurnLimits } from '../src/core/rateLimit.js';
import type { Bot } from 'grammy';
import { createTelegramBotOver, type TelegramBotBase } from '../src/channels/telegram/bot.js';
import { sqliteTelegramDelivery, type TelegramDelivery } from '../src/channels/telegram/delivery.js';
import { pgTelegramDelivery } from '../src/channels/telegram/pgDelivery.js';
import type { TelegramPayload } from '../src/channels/telegram/send.js';
import type { TelegramConfig } from '../src/channels/telegram/config.js';
import { loadChannelSettings, type ChannelSettings } from '../src/channelSettings.js';
import type { ChannelRuntime } from '../src/channels/runtime.js';
import type { WebTurns } from '../src/channels/web/chatApi.js';
import { webTurns } from '../src/channels/web/compose.js';
import { pgWebTurns } from '../src/channels/web/pgTurns.js';
import { createZaloChannel, type ZaloChannelOptions, type ZaloRuntime } from '../src/channels/zalo/channel.js';
import { createPgZaloChannel } from '../src/channels/zalo/pgChannel.js';
import { zaloChannel } from '../src/channels/zalo/index.js';
import { pgZaloChannel } from '../src/channels/zalo/pgIndex.js';
import { pgTelegramRuntime } from '../src/channels/telegram/pgRuntime.js';
import {
  createTelegramRuntime,
  type TelegramRuntime,
  type TelegramRuntimeBase,
} from '../src/channels/telegram/runtime.js';
import type { BackoffPolicy } from '../src/channels/outbox.js';
import { SqliteOutboxStore } from '../src/storage/sqlite/outboxStore.js';
import { keepStatements } from '../src/storage/sqlite/db.js';
import type { TelegramStore } from '../src/core/stores/telegram.js';
import type { OutboundMessage, ZaloStateStore } from '../src/core/stores/zalo.js';
import type { RunningServer } from '../src/http/serve.js';
import { connectHandoff, enabledChannels } from '../src/run.js';
import { openPgCommune } from '../src/pgCommune.js';
import { startPgServer } from '../src/pgServer.js';
import type { Embedder } from '../src/rag/embeddings.js';
import type { IngestReport } from '../src/rag/ingest.js';
import type { DenseIndex } from '../src/rag/denseIndex.js';
import type { EmbeddingCache, KnowledgeReader } from '../src/core/knowledgeIndex.js';
import { PgEmbeddingCache } from '../src/storage/pg/pgEmbeddingCache.js';
import { SqliteEmbeddingCache } from '../src/storage/sqlite/embeddingCache.js';
import { startServer } from '../src/server.js';
import {
  createServices,
  cryptoRandom,
  systemClock,
  type HandoffParts,
  type ReloadableQuizCatalog,
} from '../src/services.js';
import { staffParts } from '../src/staff/compose.js';
import type { LearningModuleDeps } from '../src/staff/learningModule.js';
import type { StaffStore } from '../src/staff/storePort.js';
import type { AuditLog, AuditReader, StaffChatLinkStore } from '../src/staff/types.js';
import type { PopulationSource, ReportSource } from '../src/core/stores/reports.js';
import { PgReportRepo } from '../src/storage/pg/pgReportRepo.js';
import { SqliteReportRepo } from '../src/storage/sqlite/reportRepo.js';
import { PgAuditLog } from '../src/storage/pg/pgStaffAudit.js';
import { PgStaffStore } from '../src/storage/pg/pgStaffStore.js';
import { PgChannelRepo } from '../src/storage/pg/pgChannelRepo.js';
import { PgOutboxStore } from '../src/storage/pg/pgOutboxStore.js';
import { PgTelegramStore } from '../src/storage/pg/pgTelegramStore.js';
import { PgZaloStore } from '../src/storage/pg/pgZaloStore.js';
import type { SecretBox } from '../src/storage/secretBox.js';
import { secretBoxFor } from '../src/storage/secretKey.js';
import { SqliteChannelRepo } from '../src/storage/sqlite/channelRepo.js';
import { SqliteCommuneSettingsRepo } from '../src/storage/sqlite/communeSettingsRepo.js';
import { SqliteTelegramStore } from '../src/storage/sqlite/telegramRepo.js';
import { SqliteZaloStore } from '../src/storage/sqlite/zaloStore.js';
import type { Database } from '../src/storage/pg/schema.js';
import { sqliteTables, type TableAccess } from './contracts/tables.js';
import { fixedClock, memoryLogger, tempDir, testConfig } from './helpers.js';
import { pgTables } from './pg/pgTables.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pg/pgTestDb.js';

export type TestBackend = 'sqlite' | 'pg';

/** The database this run tests on: HOCVUSO_TEST_DB=pg, else SQLite. */
export function testBackend(): TestBackend {
  const chosen = process.env.HOCVUSO_TEST_DB ?? 'sqlite';
  if (chosen !== 'sqlite' && chosen !== 'pg') throw new Error(`HOCVUSO_TEST_DB must be sqlite or pg, not ${chosen}`);
  return chosen;
}

export interface TestServiceOptions {
  /** Config variables over testConfig()'s (DATABASE_PATH / DATABASE_URL are the harness's). */
  readonly env?: Record<string, string>;
  /** The engine's clock (the staff console, like `npm start`, reads the system clock). */
  readonly clock?: Clock;
  readonly random?: Random;
  readonly chatModel?: ChatModel;
  readonly embedder?: Embedder;
  /**
   * Channel variables (.env's TELEGRAM_*, ZALO_*): the channels npm start
   * switches on with them on this database (run.ts / pgRun.ts), mounted on the
   * server, plugged into the handoff, started, and stopped at close.
   */
  readonly channelEnv?: Record<string, string>;
  /**
   * The engine behind the server's web chat, from the real one (a slowed or
   * scripted engine, through the turn runner's withEngine on either
   * database); `engine` and the channels keep the real one.
   */
  readonly webEngine?: (engine: Engine) => Engine;
}

/** What only the first service of a test is started with. */
type StartOptions = Pick<TestServiceOptions, 'channelEnv' | 'webEngine'>;

/**
 * What the Telegram and Zalo channels keep on this database, without running
 * the channels: for tests that need a resident's channel rows to exist.
 */
export interface ChannelStores {
  /** Channels as rows (`cli channel add`): the webhooks' lookup of a row by kind and key, secrets opened. */
  readonly keyring: ChannelKeyring;
  readonly telegram: TelegramStore;
  /** A Zalo app's state (events, residents' windows, tokens) and its rows of the outbox. */
  zalo(appId: string): {
    readonly state: ZaloStateStore;
    enqueue(userId: string, messages: readonly OutboundMessage[], at: Date): Promise<void>;
  };
}

/** What a Telegram bot of the harness is built from; the store and the delivery are the database's. */
export type TelegramBotParts = Omit<TelegramBotBase, 'store'> & {
  readonly backoff?: BackoffPolicy;
  readonly random?: Random;
  /**
   * A scripted engine behind the bot's turns (the turn runner's withEngine on
   * either database), for tests of the delivery rather than the answers;
   * the real engine when absent.
   */
  readonly engine?: Engine;
};

export interface TelegramRuntimeOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Test hooks: bot info, a fake transport, retry and timeout settings. */
  readonly bot?: TelegramRuntimeBase['bot'];
}

export interface TestService {
  readonly backend: TestBackend;
  readonly config: Config;
  readonly communeId: string;
  /** http://127.0.0.1:<port> */
  readonly base: string;
  /** Every line the service logged. */
  readonly logLines: string[];
  /** Like Hono's `app.request`: a path on the running server; redirects are returned, not followed. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** The commune's rows, table by table, as plain values. */
  readonly tables: TableAccess;
  /**
   * The rows as another connection sees them: only what is committed (SQLite:
   * a read-only connection of its own per read, as after a kill -9; the
   * service's own connection sees its open transaction). PostgreSQL's
   * `tables` already reads on connections of its own.
   */
  readonly committed: TableAccess;
  readonly citizens: CitizenRepo;
  readonly attempts: AttemptRepo;
  readonly handoff: HandoffParts;
  readonly staff: StaffStore;
  /** Staff accounts' linked Telegram/Zalo chats and their one-time codes. */
  readonly staffChats: StaffChatLinkStore;
  readonly audit: AuditLog & AuditReader;
  /** The questions the bot could not answer, logged for staff. */
  readonly unanswered: UnansweredLog;
  /** The learning loop's groups and decisions. */
  readonly learning: LearningStore;
  /** What the console's learning module runs over (as server.ts / pgServer.ts give it). */
  readonly learningParts: Pick<LearningModuleDeps, 'questions' | 'entries' | 'index' | 'search' | 'publish'>;
  readonly channelStores: ChannelStores;
  /** What the staff's reports read. */
  readonly reports: ReportSource;
  /** The population figures staff entered (the reports' denominators). */
  readonly population: PopulationSource;
  readonly quizzes: ReloadableQuizCatalog;
  readonly commune: LiveCommune;
  /**
   * What the console's settings page saves (hamlets, contacts), as the
   * service's own repository on this database; `commune.reload()` then
   * shows a save in the next reply, as after a save in the console.
   */
  readonly settings: CommuneSettingsStore;
  /** What residents may send, per person and per web address (the channels check it before the engine). */
  readonly limits: TurnLimits;
  /** The language model path, present only when a chat model is configured (its answers' cache). */
  readonly writer?: AnswerWriter;
  /** The commune's knowledge search (what the engine retrieves from); `reload` rebuilds it from the index. */
  readonly search: KnowledgeSearch & { reload(): void };
  /** Re-indexes the knowledge folder (`force`: every file), as `cli ingest` does. */
  ingest(options?: { force?: boolean }): Promise<IngestReport>;
  /** What the ingestion the service ran as it started did (files added, updated, removed, skipped). */
  readonly opened: IngestReport;
  /** The commune's knowledge index as the search reads it (documents, FAQ entries, passages). */
  readonly index: KnowledgeReader;
  /** Dense retrieval, present only when an embeddings endpoint (or `embedder`) is configured. */
  readonly dense?: DenseIndex;
  /** The embedding vectors the service keeps (install-wide, by model and text), as its dense index caches them. */
  readonly embeddings: EmbeddingCache & { count(model: string): MaybePromise<number> };
  /** The engine outside the channels (`cli ask`): a message from any channel, without the web's session. */
  readonly engine: Engine;
  /**
   * The web chat's turns as the server runs them on this database (SQLite:
   * web/compose.ts `webTurns`; PostgreSQL: web/pgTurns.ts), for a chat
   * driven by session id without the signed cookie (createWebChat).
   */
  readonly webTurns: WebTurns;
  /**
   * A second service over the same database, as a restart or another process
   * sees it, with `env` over this one's config; closed with this one.
   */
  another(
    env?: Record<string, string>,
  ): Promise<
    Pick<TestService, 'base' | 'request' | 'logLines' | 'engine' | 'lookForChanges' | 'opened' | 'ingest' | 'dense'>
  >;
  /**
   * What a running process does to pick up another process's changes outside
   * a turn: on PostgreSQL, the round its timer runs every few seconds
   * (pgCommune.ts `refresh`, started by pgRun.ts `watch`); on SQLite nothing
   * (every turn checks the database itself).
   */
  lookForChanges(): Promise<void>;
  /** The channels `channelEnv` switched on, running (none without it). */
  readonly channels: readonly ChannelRuntime[];
  /** Starts the server's stop as SIGTERM does: /healthz says "stopping", new chat and webhook requests get 503. */
  drain(): void;
  /**
   * The Telegram channel's bot over this service's turns, as npm start builds
   * it on this database (SQLite: runtime.ts's delivery; PostgreSQL:
   * pgRuntime.ts's shared outbox), not mounted on the server: a test hands it
   * updates (`bot.handleUpdate`) and a fake Bot API (`transport`).
   */
  telegramBot(parts: TelegramBotParts): { bot: Bot; delivery: TelegramDelivery };
  /**
   * The Telegram channel of .env as npm start runs it on this database
   * (SQLite: runtime.ts `telegramChannel`; PostgreSQL: pgRuntime.ts), not
   * mounted on the server: a test mounts its webhooks or starts its polling.
   */
  telegramRuntime(config: TelegramConfig, options?: TelegramRuntimeOptions): TelegramRuntime;
  /**
   * The Zalo channel of .env as npm start builds it on this database
   * (SQLite: zalo/index.ts; PostgreSQL: zalo/pgIndex.ts), not started: off
   * (undefined) unless `settings` switch it on.
   */
  zaloChannel(settings: ChannelSettings, logger: Logger): ChannelRuntime | undefined;
  /**
   * The Zalo channel built directly over this service's turns, as the
   * factories above build it on this database (SQLite: channel.ts; PostgreSQL:
   * pgChannel.ts), with test options (timers off, a fake clock, retries).
   */
  zaloChannelWith(
    options: ZaloChannelOptions & { readonly engine?: Engine },
  ): ZaloRuntime & { readonly store: ZaloStateStore };
  /** Stops the server(s) and closes (PostgreSQL: drops) the database. */
  close(): Promise<void>;
}

/**
 * Per-address limit for the harness: every request comes from 127.0.0.1,
 * where `app.request()` had no address at all. A test of that limit sets its own.
 */
const LOOPBACK_ADDRESS_LIMIT = '100000';

export async function testService(options: TestServiceOptions = {}): Promise<TestService> {
  const clock = options.clock ?? fixedClock();
  const parts = { clock, random: options.random, chatModel: options.chatModel, embedder: options.embedder };
  const env = { RATE_LIMIT_IP_PER_MINUTE: LOOPBACK_ADDRESS_LIMIT, ...options.env };
  const backend = testBackend();
  const { logger, lines } = memoryLogger();
  const start: StartOptions = { channelEnv: options.channelEnv, webEngine: options.webEngine };
  const first =
    backend === 'pg'
      ? await onPostgres(env, logger, parts, undefined, start)
      : await onSqlite(env, logger, parts, undefined, start);
  const others: Built[] = [];
  const front = (built: Built, logLines: string[]) => {
    const base = `http://127.0.0.1:${built.server.port}`;
    return {
      base,
      logLines,
      request: (path: string, init?: RequestInit) => fetch(`${base}${path}`, { redirect: 'manual', ...init }),
      engine: built.service.engine,
      opened: built.service.opened,
      ingest: (o?: { force?: boolean }) => built.service.ingest(o),
      ...(built.service.dense && { dense: built.service.dense }),
      lookForChanges: () => built.lookForChanges(),
    };
  };
  return {
    backend,
    ...first.service,
    ...front(first, lines),
    channels: first.channels,
    async another(more = {}) {
      const log = memoryLogger();
      const built = await first.another({ ...env, ...more }, log.logger, parts);
      others.push(built);
      return front(built, log.lines);
    },
    drain: () => first.server.drain(),
    async close() {
      for (const built of [...others, first]) {
        for (const c of built.channels) await c.stop();
        await stopServer(built);
        await built.close();
      }
    },
  };
}

/** How long a stop may wait for requests in flight before their database sessions are ended. */
const STOP_GRACE_MS = 5_000;

/**
 * Stops a server. A request that hangs in the database (a lock never granted)
 * would hold the stop, and the file's last hook, until its timeout: after a
 * grace period the database's sessions are ended, the request fails, and the
 * stop completes, so the hang shows as its test's failure, quickly.
 */
async function stopServer(built: Built): Promise<void> {
  const stopping = built.server.stop();
  const settled = await Promise.race([
    stopping.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), STOP_GRACE_MS).unref()),
  ]);
  if (settled) return;
  await built.endSessions();
  await stopping;
}

type Logger = ReturnType<typeof memoryLogger>['logger'];
type Parts = Pick<TestServiceOptions, 'random' | 'chatModel' | 'embedder'> & { clock: Clock };
interface Built {
  readonly server: RunningServer;
  readonly channels: readonly ChannelRuntime[];
  readonly service: Omit<
    TestService,
    'backend' | 'base' | 'logLines' | 'request' | 'another' | 'drain' | 'lookForChanges' | 'channels' | 'close'
  >;
  /** Another service on the same database (closes only its own parts). */
  another(env: Record<string, string>, logger: Logger, parts: Parts): Promise<Built>;
  /** Ends the database sessions of the service (PostgreSQL; SQLite has none to end). */
  endSessions(): Promise<void>;
  lookForChanges(): Promise<void>;
  close(): Promise<void>;
}

async function onSqlite(
  env: Record<string, string>,
  logger: Logger,
  parts: Parts,
  dir?: string,
  { channelEnv, webEngine }: StartOptions = {},
): Promise<Built> {
  const tmp = dir === undefined ? tempDir('hocvuso-service-') : { dir, cleanup: () => undefined };
  const config = testConfig({ ...env, DATABASE_PATH: join(tmp.dir, 'hocvuso.db') });
  const services = createServices(config, logger, withoutUndefined(parts));
  try {
    const opened = await services.ingest();
    const channels = channelEnv ? enabledChannels(loadChannelSettings(channelEnv), services, logger) : [];
    connectHandoff(services, channels);
    const web = webEngine ? { ...services, turns: services.turns.withEngine(webEngine(services.engine)) } : services;
    const server = await startServer(web, logger, channels, { healthReuseMs: 0 });
    await startChannels(channels);
    const staff = staffParts(services.db, config.COMMUNE_ID, parts.clock);
    return {
      server,
      channels,
      service: {
        config,
        communeId: config.COMMUNE_ID,
        tables: sqliteTables(services.db),
        committed: committedSqliteTables(config.DATABASE_PATH),
        citizens: services.citizens,
        attempts: services.attempts,
        handoff: services.handoff,
        staff: staff.store,
        staffChats: services.staffChats,
        audit: staff.audit,
        unanswered: services.unanswered,
        learning: services.learning,
        learningParts: {
          questions: services.learning,
          entries: services.consoleFaq,
          index: services.index,
          search: services.search,
          publish: () => services.publishConsoleFaq(),
        },
        channelStores: {
          keyring: new SqliteChannelRepo(services.db, () => services.secrets()),
          telegram: new SqliteTelegramStore(services.db, config.COMMUNE_ID),
          zalo: (appId) => {
            const store = new SqliteZaloStore(
              services.db,
              config.COMMUNE_ID,
              appId,
              services.writes,
              services.secrets(),
            );
            return {
              state: store,
              enqueue: (userId, messages, at) => {
                store.outbox.enqueue(userId, messages, at);
                return Promise.resolve();
              },
            };
          },
        },
        reports: new SqliteReportRepo(services.db, config.COMMUNE_ID),
        population: services.population,
        quizzes: services.quizzes,
        commune: services.commune,
        settings: new SqliteCommuneSettingsRepo(services.db, config.COMMUNE_ID),
        engine: services.engine,
        webTurns: webTurns(services),
        limits: services.limits,
        ...(services.writer && { writer: services.writer }),
        search: services.search,
        ingest: (o) => services.ingest(o),
        opened,
        index: services.index,
        ...(services.dense && { dense: services.dense }),
        embeddings: new SqliteEmbeddingCache(services.db),
        zaloChannel: (settings, log) => zaloChannel({ settings, services, logger: log }),
        zaloChannelWith: ({ engine, ...o }) =>
          createZaloChannel({
            ...o,
            turns: engine ? services.turns.withEngine(engine) : services.turns,
            db: services.db,
            writes: services.writes,
            secrets: services.secrets(),
            communeId: config.COMMUNE_ID,
          }),
        telegramRuntime: (telegram, o = {}) =>
          createTelegramRuntime({
            config: telegram,
            turns: services.turns,
            outbox: new SqliteOutboxStore<TelegramPayload>(services.db, config.COMMUNE_ID, 'telegram', services.writes),
            store: new SqliteTelegramStore(services.db, config.COMMUNE_ID),
            logger: o.logger ?? logger,
            clock: o.clock ?? systemClock,
            random: cryptoRandom,
            rateLimit: services.limits.perIdentity,
            ...(o.bot && { bot: o.bot }),
          }),
        telegramBot: ({ backoff, random, engine, ...base }) =>
          createTelegramBotOver(
            { ...base, store: new SqliteTelegramStore(services.db, config.COMMUNE_ID) },
            sqliteTelegramDelivery({
              turns: engine ? services.turns.withEngine(engine) : services.turns,
              outbox: new SqliteOutboxStore<TelegramPayload>(
                services.db,
                config.COMMUNE_ID,
                'telegram',
                services.writes,
              ),
              clock: base.clock,
              ...(backoff && { backoff }),
              ...(random && { random }),
            }),
          ),
      },
      another: (more, log, p) => onSqlite(more, log, p, tmp.dir),
      endSessions: () => Promise.resolve(),
      lookForChanges: () => Promise.resolve(),
      close: () => {
        services.close();
        tmp.cleanup();
        return Promise.resolve();
      },
    };
  } catch (err) {
    services.close();
    tmp.cleanup();
    throw err;
  }
}

async function onPostgres(
  env: Record<string, string>,
  logger: Logger,
  parts: Parts,
  existing?: TestDatabase,
  { channelEnv, webEngine }: StartOptions = {},
): Promise<Built> {
  const t = existing ?? (await createMigratedDatabase());
  const config = testConfig({ ...env, DATABASE_URL: t.appUrl });
  const pg: Kysely<Database> = connect<Database>(t.appUrl, 10);
  let box: SecretBox | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tables named at run time
  const admin = connect<any>(t.adminUrl, 2);
  const close = async (): Promise<void> => {
    await pg.destroy();
    await admin.destroy();
    if (existing === undefined) await t.drop();
  };
  try {
    const home = await openPgCommune(config, logger, pg, config.COMMUNE_ID, withoutUndefined(parts));
    const channels: ChannelRuntime[] = [];
    if (channelEnv) {
      const settings = loadChannelSettings(channelEnv);
      if (settings.telegram) channels.push(pgTelegramRuntime(settings.telegram, pg, home, logger));
      const zalo = pgZaloChannel({
        settings,
        commune: home,
        pg,
        secrets: () => (box ??= secretBoxFor(config)),
        maxBodyBytes: config.MAX_BODY_BYTES,
        logger,
      });
      if (zalo) channels.push(zalo);
      connectHandoff(home, channels);
    }
    const web = webEngine ? { ...home, turns: home.turns.withEngine(webEngine(home.engine)) } : home;
    const server = await startPgServer({ pg, config, logger, home: web, others: [], channels, healthReuseMs: 0 });
    await startChannels(channels);
    return {
      server,
      channels,
      service: {
        config,
        communeId: home.communeId,
        tables: pgTables(admin, home.communeId),
        committed: pgTables(admin, home.communeId),
        citizens: home.citizens,
        attempts: home.attempts,
        handoff: home.handoff,
        staff: new PgStaffStore(pg, home.communeId),
        staffChats: home.staffChats,
        audit: new PgAuditLog(pg, home.communeId, parts.clock),
        unanswered: home.unanswered,
        learning: home.learning,
        learningParts: {
          questions: home.learning,
          entries: home.consoleFaq,
          index: home.knowledge.index,
          search: home.knowledge.search,
          publish: () => home.publishConsoleFaq(),
        },
        channelStores: {
          keyring: new PgChannelRepo(
            pg,
            () => (box ??= secretBoxFor(config)),
            () => [home.communeId],
          ),
          telegram: new PgTelegramStore(pg, home.communeId),
          zalo: (appId) => {
            const outbox = new PgOutboxStore<OutboundMessage>(pg, home.communeId, 'zalo');
            return {
              state: new PgZaloStore(pg, home.communeId, appId, (box ??= secretBoxFor(config))),
              enqueue: async (userId, messages, at) => {
                await outbox.enqueue(userId, messages, at);
              },
            };
          },
        },
        reports: new PgReportRepo(pg, home.communeId),
        population: home.population,
        quizzes: home.quizzes,
        commune: home.commune,
        settings: home.settings,
        engine: home.engine,
        webTurns: pgWebTurns({ db: pg, communeId: home.communeId, turns: home.turns }),
        limits: home.limits,
        ...(home.writer && { writer: home.writer }),
        search: home.knowledge.search,
        ingest: (o) => home.ingest(o),
        opened: home.opened,
        index: home.knowledge.index,
        ...(home.dense && { dense: home.dense }),
        embeddings: new PgEmbeddingCache(pg),
        zaloChannelWith: ({ engine, ...o }) =>
          createPgZaloChannel({
            ...o,
            turns: engine ? home.turns.withEngine(engine) : home.turns,
            db: pg,
            secrets: (box ??= secretBoxFor(config)),
            communeId: home.communeId,
          }),
        zaloChannel: (settings, log) =>
          pgZaloChannel({
            settings,
            commune: home,
            pg,
            secrets: () => (box ??= secretBoxFor(config)),
            maxBodyBytes: config.MAX_BODY_BYTES,
            logger: log,
          }),
        telegramRuntime: (telegram, o = {}) =>
          pgTelegramRuntime(telegram, pg, home, o.logger ?? logger, {
            ...(o.clock && { clock: o.clock }),
            ...(o.bot && { bot: o.bot }),
          }),
        telegramBot: ({ backoff, random, engine, ...base }) =>
          createTelegramBotOver(
            { ...base, store: new PgTelegramStore(pg, home.communeId) },
            pgTelegramDelivery({
              db: pg,
              communeId: home.communeId,
              turns: engine ? home.turns.withEngine(engine) : home.turns,
              clock: base.clock,
              ...(backoff && { backoff }),
              ...(random && { random }),
            }),
          ),
      },
      another: (more, log, p) => onPostgres(more, log, p, t),
      lookForChanges: () => home.refresh(),
      endSessions: async () => {
        await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                   WHERE datname = current_database() AND pid <> pg_backend_pid()`.execute(admin);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Starts the channels as run.ts does once the server listens. */
async function startChannels(channels: readonly ChannelRuntime[]): Promise<void> {
  for (const c of channels) await c.start();
}

/** `sqliteTables` over a read-only connection opened for each read and closed after it. */
function committedSqliteTables(path: string): TableAccess {
  const read = async <T>(fn: (t: TableAccess) => Promise<T>): Promise<T> => {
    const db = keepStatements(new BetterSqlite3(path, { readonly: true }));
    try {
      return await fn(sqliteTables(db));
    } finally {
      db.close();
    }
  };
  return {
    insert: () => Promise.reject(new Error('committed rows are read only')),
    rows: (table) => read((t) => t.rows(table)),
    everyRow: () => read((t) => t.everyRow()),
  };
}

function withoutUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
