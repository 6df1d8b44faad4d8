/**
 * @module pgCommune
 *
 * One commune on PostgreSQL (issue 20): what services.ts builds over SQLite,
 * over the PostgreSQL twins. Its knowledge is loaded from the database into an
 * in-process index (so scores are those of a single-commune install), its
 * commune file has what staff saved laid over it, its quiz banks, the engine,
 * a turn runner that commits each turn's claim, state, replies and handoff in
 * one transaction, and the stores the staff console and the channels use.
 * `cli ask` and the PostgreSQL server (pgServer.ts) open one per commune.
 *
 * Other processes change what this one serves: an ingestion or an approved
 * FAQ entry bumps the index generation, a settings save the settings'
 * revision. Both are checked in the background (`watch`), never on a
 * resident's turn, so no answer waits on them.
 */
import { checkCoreQuizzes } from './content/loadCommune.js';
import { liveCommuneOver, type LiveCommune } from './content/liveCommune.js';
import { communeContent, communeWithoutFile, loadCommuneQuizBanks } from './content/communeContent.js';
import type { Config } from './config.js';
import { createEngine, type Engine } from './core/conversation/engine.js';
import { createHandoffService } from './core/handoff/service.js';
import { ReplyRoutes, StaffNotices } from './core/handoff/routes.js';
import type { ChatModel, Clock, ConversationStateRepo, Random } from './core/ports.js';
import type { AnswerWriter } from './core/qa/answerer.js';
import type { TurnLimits } from './core/rateLimit.js';
import type { Leaderboard } from './core/stats/types.js';
import { toChatResponse, type WebReply } from './channels/web/chatApi.js';
import type { Logger } from './logger.js';
import { CommuneKnowledge } from './rag/communeKnowledge.js';
import { consoleFiles, consolePublisher, isConsoleRef } from './rag/consoleFaq.js';
import { DenseIndex } from './rag/denseIndex.js';
import type { Embedder } from './rag/embeddings.js';
import { INDEX_RECIPE_VERSION, type IngestReport } from './rag/ingest.js';
import { sharedNationalKnowledge } from './rag/nationalKnowledge.js';
import type { HandoffParts } from './services.js';
import {
  COMMUNE_PROBLEM,
  cryptoRandom,
  embedderFor,
  INDEX_GENERATION,
  logIngestProblems,
  QUIZ_PROBLEM,
  readCommune,
  ReloadableQuizCatalog,
  SETTINGS_PROBLEM,
  syncDenseLogged,
  systemClock,
  turnLimitsFor,
  writerFor,
} from './services.js';
import { createStaffChatDirectory } from './staff/chatLinks.js';
import { statsParts } from './statsCompose.js';
import type { PgDb } from './storage/pg/db.js';
import { PgAttemptRepo } from './storage/pg/pgAttemptRepo.js';
import { PgCitizenRepo } from './storage/pg/pgCitizenRepo.js';
import { PgCommuneSettingsRepo } from './storage/pg/pgCommuneSettingsRepo.js';
import { PgConsoleFaqRepo } from './storage/pg/pgConsoleFaqRepo.js';
import { PgConversationRepo } from './storage/pg/pgConversationRepo.js';
import { PgEmbeddingCache } from './storage/pg/pgEmbeddingCache.js';
import { PgHandoffStore } from './storage/pg/pgHandoffStore.js';
import { PgHandoffWriter } from './storage/pg/pgHandoffWriter.js';
import { PgKnowledgeIndex } from './storage/pg/pgKnowledgeIndex.js';
import { PgLearningRepo } from './storage/pg/pgLearningRepo.js';
import { PgOutboxStore } from './storage/pg/pgOutboxStore.js';
import { PgPopulationRepo } from './storage/pg/pgPopulationRepo.js';
import { PgAuditLog } from './storage/pg/pgStaffAudit.js';
import { PgStaffChatLinks } from './storage/pg/pgStaffChatLinks.js';
import { pgOpenedNotice } from './storage/pg/pgStaffNotices.js';
import { PgCompletionStats } from './storage/pg/pgStatsRepo.js';
import { PgTurnHandoff } from './storage/pg/pgTurnHandoff.js';
import { PgTurnRunner } from './storage/pg/pgTurnRunner.js';
import { PgTurnStateBuffer } from './storage/pg/pgTurnState.js';
import { PgUnansweredLog } from './storage/pg/pgUnansweredLog.js';
import { withCommune } from './storage/pg/tenant.js';

export interface PgCommune {
  readonly communeId: string;
  readonly commune: LiveCommune;
  readonly quizzes: ReloadableQuizCatalog;
  readonly citizens: PgCitizenRepo;
  readonly attempts: PgAttemptRepo;
  readonly knowledge: CommuneKnowledge;
  /** Dense retrieval, present only when an embeddings endpoint is configured. */
  readonly dense?: DenseIndex;
  /** The language model path, present only when a chat model is configured (its cache's hit rate, its budget). */
  readonly writer?: AnswerWriter;
  /** For callers outside the channels (`cli ask`): each call's writes are the repositories' own transactions. */
  readonly engine: Engine;
  /** A channel's turn: the engine, then its claim, state, queued replies and handoff in one transaction. */
  readonly turns: PgTurnRunner;
  /** The web's rows of the outbox (the HTTP answer carries them: `takeOwed`). */
  readonly webOutbox: PgOutboxStore<WebReply>;
  readonly unanswered: PgUnansweredLog;
  readonly learning: PgLearningRepo;
  readonly population: PgPopulationRepo;
  readonly consoleFaq: PgConsoleFaqRepo;
  readonly settings: PgCommuneSettingsRepo;
  readonly staffChats: PgStaffChatLinks;
  readonly audit: PgAuditLog;
  readonly leaderboard: Leaderboard;
  readonly handoff: HandoffParts;
  readonly limits: TurnLimits;
  /** What the ingestion at opening did (files added, updated, removed, skipped). */
  readonly opened: IngestReport;
  /** Indexes the knowledge folder into this commune's rows if a file changed, and reloads the search. */
  ingest(options?: { force?: boolean }): Promise<IngestReport>;
  /** Makes the console's approved FAQ entries what the bot searches, here now and in other processes soon. */
  publishConsoleFaq(): Promise<void>;
  /** Reloads what another process changed (index generation, settings); `watch` calls it on a timer. */
  refresh(): Promise<void>;
  /** Starts checking for other processes' changes every `everyMs`; returns the stop. */
  watch(everyMs: number): () => void;
}

export interface PgCommuneOptions {
  readonly clock?: Clock;
  readonly random?: Random;
  /** Replaces the embeddings client built from the config, and switches dense retrieval on (tests). */
  readonly embedder?: Embedder;
  /** Replaces the chat model built from the config (tests). */
  readonly chatModel?: ChatModel;
  /** Re-indexes every file on opening, changed or not (`cli ingest --force`: once, not twice). */
  readonly forceIngest?: boolean;
  /**
   * The process's rate limits, shared by every commune it serves (pgRun.ts):
   * a web address or a person has one budget, not one per commune page.
   */
  readonly limits?: TurnLimits;
  /**
   * Where `engine` (the one outside the channels' turns) keeps conversations
   * instead of the database: `cli chat` keeps its one conversation in memory,
   * as it does on SQLite, so trying the bot leaves no resident's state behind.
   */
  readonly conversations?: ConversationStateRepo;
}

/**
 * Opens `communeId` on the database `pg`: makes its `communes` row if it has
 * none, indexes the knowledge folder into its rows when something changed,
 * and loads the search, the settings and the quiz banks before returning.
 * Content is the national folder with `<KNOWLEDGE_DIR>/communes/<communeId>/`
 * over it (content/communeContent says what each part may add or replace);
 * the top-level commune.yaml is read only for the install's own COMMUNE_ID.
 * A server serving many communes calls this once per commune on one pool.
 */
export async function openPgCommune(
  config: Config,
  logger: Logger,
  pg: PgDb,
  communeId: string,
  options: PgCommuneOptions = {},
): Promise<PgCommune> {
  const clock = options.clock ?? systemClock;
  // National content, the commune's own folder over it (content/communeContent).
  const content = await communeContent(config.KNOWLEDGE_DIR, communeId, config.COMMUNE_ID);
  const log = logger.child({ commune: communeId });
  const fromFile = content.communeFileDir === undefined ? undefined : readCommune(content.communeFileDir, log);
  const name = await withCommune(pg, communeId, async (trx) => {
    await trx
      .insertInto('communes')
      .values({ id: communeId, name: fromFile?.name ?? communeId })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    const row = await trx.selectFrom('communes').select('name').where('id', '=', communeId).executeTakeFirst();
    return row?.name ?? communeId;
  });
  if (fromFile === undefined) {
    log.warn(
      `Xã ${communeId} chưa có tệp ${content.folder}/commune.yaml: dùng các nhóm đối tượng của Kế hoạch, ` +
        `chưa có xóm/khối, mục tiêu và nơi liên hệ; tạo tệp bằng "npm run -s cli -- commune add ${communeId} --name <Tên xã>"`,
    );
  }
  const settings = new PgCommuneSettingsRepo(pg, communeId);
  const commune = liveCommuneOver(fromFile ?? communeWithoutFile(name), settings, {
    report: (problems) => {
      for (const p of problems) log.warn({ problem: p }, SETTINGS_PROBLEM);
    },
    onError: (err) => log.warn({ err }, 'could not re-read the commune settings; the loaded copy stays in use'),
  });
  await commune.reload();
  const quizzes = new ReloadableQuizCatalog();
  const banks = await loadCommuneQuizBanks(content);
  for (const p of banks.problems) log.warn({ problem: p }, QUIZ_PROBLEM);
  quizzes.replace(banks.quizzes, commune.coreQuizzes);
  for (const p of checkCoreQuizzes(commune, quizzes)) log.warn({ problem: p }, COMMUNE_PROBLEM);

  const store = new PgKnowledgeIndex(pg, communeId);
  const embedder = options.embedder ?? embedderFor(config);
  // The dense index reads the passages of the in-memory index, which CommuneKnowledge owns: made in two steps.
  let dense: DenseIndex | undefined;
  // Ingestion lays the commune's folder over the national pages (rag/knowledgeLayers) by its id; the search
  // keeps only what is the commune's own over the national index every commune of the process shares.
  const knowledge = new CommuneKnowledge({
    store,
    dir: config.KNOWLEDGE_DIR,
    communeId,
    clock,
    national: await sharedNationalKnowledge(config.KNOWLEDGE_DIR),
    ...(embedder && {
      dense: { fuse: (question, docs) => (dense ? dense.fuse(question, docs) : Promise.resolve(docs)) },
    }),
  });
  if (embedder)
    dense = new DenseIndex({ embedder, cache: new PgEmbeddingCache(pg), index: knowledge.index, logger: log });

  const citizens = new PgCitizenRepo(pg, communeId, { coreQuizzes: commune.coreQuizzes });
  const attempts = new PgAttemptRepo(pg, communeId);
  const conversations = new PgConversationRepo(pg, communeId);
  const unanswered = new PgUnansweredLog(pg, communeId);
  const learning = new PgLearningRepo(pg, communeId);
  const population = new PgPopulationRepo(pg, communeId);
  const consoleFaq = new PgConsoleFaqRepo(pg, communeId);
  const staffChats = new PgStaffChatLinks(pg, communeId);
  const audit = new PgAuditLog(pg, communeId, clock);
  // Linked chats of active staff accounts; a link made by `/canbo` is audited like a console change.
  const staffDirectory = createStaffChatDirectory(staffChats, audit);
  const stats = statsParts({
    stats: new PgCompletionStats(pg, communeId),
    commune: () => commune,
    population,
    staff: staffDirectory,
    links: staffDirectory,
    clock,
  });

  const handoffStore = new PgHandoffStore(pg, communeId);
  const routes = new ReplyRoutes();
  const notices = new StaffNotices();
  const actions = createHandoffService({
    store: handoffStore,
    routes,
    notices,
    clock,
    // The staff reply and its outbox row (or a close and its line) in one transaction.
    writer: new PgHandoffWriter(pg, communeId),
    hamletName: (id) => commune.hamlets.find((h) => h.id === id)?.name,
    quizTitle: (id) => quizzes.get(id)?.title,
    // Only the channel and the error: never the reply's text.
    onFlushError: (err, channel) => log.warn({ err, channel }, 'staff reply not sent yet; it will be retried'),
  });
  const webOutbox = new PgOutboxStore<WebReply>(pg, communeId, 'web');
  // The web's staff replies wait in its outbox rows for the visitor's next answer or poll.
  // PgHandoffWriter inserts the rendered rows in its own transaction; nothing here queues outside one.
  routes.register('web', {
    queue: () => {
      throw new Error('on PostgreSQL a staff reply is queued by PgHandoffWriter through render()');
    },
    render: (_userId, replies) => toChatResponse(replies).replies,
  });

  const writer = writerFor(config, log, clock, options.chatModel);
  const deps = {
    search: knowledge.search,
    unanswered,
    outcomes: learning,
    clock,
    learning: { quizzes, citizens, attempts, commune, random: options.random ?? cryptoRandom },
    writer,
    stats: stats.engine,
  };
  // Outside a turn nobody can open a thread, so no person is offered there.
  const engine = createEngine({ ...deps, state: options.conversations ?? conversations, handoff: false });
  // The turn holds the conversation's row lock: its engine reads and saves the state through the buffer.
  const state = new PgTurnStateBuffer(conversations);
  const turns = new PgTurnRunner({
    db: pg,
    communeId,
    engine: createEngine({ ...deps, state, handoff: true }),
    clock,
    state,
    handoff: {
      store: new PgTurnHandoff(communeId),
      opened: pgOpenedNotice(communeId, notices, (t) => actions.noticeOf(t)),
    },
  });

  /** The generation of the rows the in-memory index was built from. */
  let loadedGeneration: string | undefined;

  async function reloadSearch(): Promise<void> {
    loadedGeneration = await store.getMeta(INDEX_GENERATION);
    await knowledge.reload();
    if (dense) await syncDense(dense);
  }

  async function nextGeneration(): Promise<void> {
    await store.setMeta(INDEX_GENERATION, String(Number((await store.getMeta(INDEX_GENERATION)) ?? '0') + 1));
  }

  const syncDense = (d: DenseIndex): Promise<void> => syncDenseLogged(d, log);

  // Publishes take turns (consolePublisher): one that read the entries earlier never overwrites a later one.
  const publishConsoleFaq = consolePublisher(
    consoleFaq,
    async (live, at) => {
      const { files, extraVariants } = consoleFiles(live);
      await store.replaceOwned(isConsoleRef, files, at);
      await consoleFaq.replaceExtraVariants(extraVariants);
      await nextGeneration();
      await reloadSearch();
    },
    () => clock.now(),
  );

  async function ingest(opts: { force?: boolean } = {}): Promise<IngestReport> {
    // A new indexing recipe re-indexes every file; the console's entries are re-indexed with it.
    const reindexAll = opts.force === true || (await store.getMeta('index_recipe')) !== INDEX_RECIPE_VERSION;
    // The search is built once below, after every write of this ingestion, not also by the ingestion itself.
    const report = await knowledge.ingest({ ...opts, reload: false });
    logIngestProblems(report, log);
    const changed = report.added.length + report.updated.length + report.removed.length > 0;
    if (reindexAll) await publishConsoleFaq();
    else if (changed) {
      await nextGeneration();
      await reloadSearch();
    } else if (!knowledge.isLoaded) await reloadSearch();
    else {
      loadedGeneration = await store.getMeta(INDEX_GENERATION);
      if (dense) await syncDense(dense);
    }
    if (changed)
      log.info(
        { added: report.added.length, updated: report.updated.length, removed: report.removed.length },
        'knowledge index updated',
      );
    return report;
  }

  async function refresh(): Promise<void> {
    const generation = await store.getMeta(INDEX_GENERATION);
    if (generation !== loadedGeneration) {
      await reloadSearch();
      log.info({ generation }, 'knowledge index changed by another process: search tables reloaded');
    }
    await commune.refreshed();
  }

  function watch(everyMs: number): () => void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      refresh()
        .catch((err: unknown) => log.warn({ err }, 'could not check for changes made by another process'))
        .finally(() => {
          running = false;
        });
    }, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  const opened = await ingest({ force: options.forceIngest === true });
  return {
    opened,
    communeId,
    commune,
    quizzes,
    citizens,
    attempts,
    knowledge,
    ...(dense && { dense }),
    ...(writer && { writer }),
    engine,
    turns,
    webOutbox,
    unanswered,
    learning,
    population,
    consoleFaq,
    settings,
    staffChats,
    audit,
    leaderboard: stats.leaderboard,
    handoff: { store: handoffStore, actions, routes, notices },
    limits: options.limits ?? turnLimitsFor(config, clock),
    ingest,
    publishConsoleFaq,
    refresh,
    watch,
  };
}
