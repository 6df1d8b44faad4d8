/**
 * @module services
 *
 * Builds the parts every entry point shares (the server and each CLI command):
 * database, knowledge index, retrieval and the conversation engine, from a
 * parsed config. Keeping it in one factory means `npm start` and `cli ask`
 * cannot drift apart in how they answer.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { embeddingsEnabled, llmEnabled, type Config } from './config.js';
import { createEngine, type Engine } from './core/conversation/engine.js';
import { WriteScope } from './storage/sqlite/writeScope.js';
import type { SecretBox } from './storage/secretBox.js';
import { secretBoxFor } from './storage/secretKey.js';
import type { ChatModel, Clock, ConversationStateRepo, QuizCatalog, Random } from './core/ports.js';
import { RateLimiter, type TurnLimits } from './core/rateLimit.js';
import type { Quiz } from './core/quiz/types.js';
import {
  checkCoreQuizzes,
  communeWarnings,
  COMMUNE_FILE,
  DEFAULT_COMMUNE,
  parseCommune,
  type CommuneConfig,
} from './content/loadCommune.js';
import { createLiveCommune, type LiveCommune } from './content/liveCommune.js';
import { loadQuizBanks, MemoryQuizCatalog } from './content/loadQuizzes.js';
import { SqliteAttemptRepo } from './storage/sqlite/attemptRepo.js';
import { SqliteCitizenRepo } from './storage/sqlite/citizenRepo.js';
import { SqliteCommuneSettingsRepo } from './storage/sqlite/communeSettingsRepo.js';
import type { Logger } from './logger.js';
import type { AnswerWriter } from './core/qa/answerer.js';
import { AnswerCache } from './core/qa/answerCache.js';
import { ModelBudget } from './core/qa/modelBudget.js';
import { OpenAiChatModel, loadPrompts } from './rag/chatModel.js';
import { DenseIndex } from './rag/denseIndex.js';
import { OpenAiEmbedder, type Embedder } from './rag/embeddings.js';
import { INDEX_RECIPE_VERSION, ingestKnowledge, type IngestReport } from './rag/ingest.js';
import { SqliteKnowledgeSearch } from './rag/knowledgeSearch.js';
import { MirroredKnowledgeIndex } from './rag/mirroredKnowledgeIndex.js';
import { ensureCommune, openDatabase, type Db } from './storage/sqlite/db.js';
import { SqliteEmbeddingCache } from './storage/sqlite/embeddingCache.js';
import { SqliteConversationRepo } from './storage/sqlite/conversationRepo.js';
import { SqliteKnowledgeIndex } from './storage/sqlite/knowledgeIndex.js';
import { SqliteTurnRunner, TurnStateBuffer } from './storage/sqlite/turns.js';
import { SqliteUnansweredLog } from './storage/sqlite/unansweredRepo.js';
import { statsParts } from './statsCompose.js';
import { SqliteCompletionStats } from './storage/sqlite/statsRepo.js';
import type { Leaderboard } from './core/stats/types.js';
import { SqlitePopulationRepo } from './storage/sqlite/populationRepo.js';
import { SqliteLearningRepo } from './storage/sqlite/learningRepo.js';
import { SqliteConsoleFaqRepo } from './storage/sqlite/consoleFaqRepo.js';
import { publishConsoleFaq } from './rag/consoleFaq.js';
import { createStaffChatDirectory } from './staff/chatLinks.js';
import { SqliteAuditLog } from './storage/sqlite/staffAudit.js';
import { SqliteStaffChatLinks } from './storage/sqlite/staffChatLinkRepo.js';
import { SqliteHandoffStore } from './storage/sqlite/handoffRepo.js';
import { SqliteHandoffWriter } from './storage/sqlite/handoffWriter.js';
import { SqliteOutboxStore } from './storage/sqlite/outboxStore.js';
import { createHandoffService, type HandoffService } from './core/handoff/service.js';
import { ReplyRoutes, StaffNotices } from './core/handoff/routes.js';
import type { HandoffStore } from './core/stores/handoff.js';
import type { StaffChatLinkStore } from './staff/types.js';
import { toChatResponse, type WebReply } from './channels/web/chatApi.js';

/**
 * The handoff to commune staff (issue 18 item 6). The console reads `store`
 * (scoped) and acts through `actions`; each running channel registers its
 * reply route (run.ts; the web's is built in), and the optional Telegram
 * staff group its notice.
 */
export interface HandoffParts {
  readonly store: HandoffStore;
  readonly actions: HandoffService;
  readonly routes: ReplyRoutes;
  readonly notices: StaffNotices;
}

export interface Services {
  readonly config: Config;
  /**
   * commune.yaml with what staff saved in the console laid over it. Read its
   * fields when needed (do not copy them): a save shows without a restart.
   */
  readonly commune: LiveCommune;
  readonly quizzes: ReloadableQuizCatalog;
  readonly citizens: SqliteCitizenRepo;
  readonly attempts: SqliteAttemptRepo;
  readonly db: Db;
  /**
   * Seals tokens kept in the database (Zalo OA tokens), with a key that is never in it
   * (storage/secretKey.ts). Made at the first call, so an install without Zalo never needs a key file.
   */
  secrets(): SecretBox;
  readonly index: SqliteKnowledgeIndex;
  readonly search: SqliteKnowledgeSearch;
  /** Dense retrieval, present only when an embeddings endpoint is configured. */
  readonly dense?: DenseIndex;
  /** The language model path, present only when a chat model is configured (its cache's hit rate, its budget). */
  readonly writer?: AnswerWriter;
  /**
   * The engine for callers outside the channels (`cli ask`, `cli chat`,
   * benches): each call's writes commit together. Channels never call it;
   * they hand a message to `turns`.
   */
  readonly engine: Engine;
  /** Runs a channel's turn: the engine, then its state, claim and queued replies in one commit (turns.ts). */
  readonly turns: SqliteTurnRunner;
  /** Groups writes into one commit per event-loop turn (storage's business; channels never touch it). */
  readonly writes: WriteScope;
  readonly unanswered: SqliteUnansweredLog;
  /** The learning loop's questions, group decisions and weekly counts. */
  readonly learning: SqliteLearningRepo;
  /** Staff-entered population per hamlet and group, and VNeID-certified counts: the reports' denominators. */
  readonly population: SqlitePopulationRepo;
  /** The emulation board's ranking of hamlets (public page and /bangxephang). */
  readonly leaderboard: Leaderboard;
  /** FAQ entries approved in the console, with their revisions. */
  readonly consoleFaq: SqliteConsoleFaqRepo;
  /** Staff accounts' linked Telegram/Zalo chats (who `/thongke` answers) and their one-time codes. */
  readonly staffChats: StaffChatLinkStore;
  /** Threads residents opened to reach a person, and what staff do to them (the console's inbox). */
  readonly handoff: HandoffParts;
  /**
   * Rebuilds the console's FAQ entries in the index and reloads the search
   * tables at once; other processes reload before their next turn (the index
   * generation changes). Call after every approval or revert.
   */
  publishConsoleFaq(): void;
  /** What residents may send, per person and per web address; every channel checks it before the engine. */
  readonly limits: TurnLimits;
  /** Re-indexes changed knowledge files and refreshes the in-memory tables. */
  ingest(options?: { force?: boolean }): Promise<IngestReport>;
  /**
   * Loads the search tables and vectors already indexed, and the quiz banks,
   * without re-indexing the knowledge folder: for a second thread over a
   * database the first one has just indexed.
   */
  load(): Promise<void>;
  close(): void;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Index meta key counting the ingestions that changed something. A running
 * server compares it before each turn, so what `cli ingest` indexed from
 * another process shows with its title, not its path, without a restart.
 */
export const INDEX_GENERATION = 'index_generation';

/** Randomness for ids, link codes and shuffles from the OS CSPRNG: link codes must not be guessable. */
export const cryptoRandom: Random = { next: () => randomInt(0, 2 ** 47) / 2 ** 47 };

/** The quiz catalog the engine holds; its contents are swapped when the banks are reloaded. */
export class ReloadableQuizCatalog implements QuizCatalog {
  private current = new MemoryQuizCatalog([]);

  replace(quizzes: readonly Quiz[], first: readonly string[]): void {
    this.current = new MemoryQuizCatalog(quizzes, first);
  }

  list(): readonly Quiz[] {
    return this.current.list();
  }

  get(id: string): Quiz | undefined {
    return this.current.get(id);
  }
}

/**
 * What staff read at start-up when commune.yaml or a quiz bank has a mistake.
 * The detail (`problem`) is the same line `cli quiz check` prints.
 */
export const COMMUNE_PROBLEM =
  'commune.yaml có chỗ sai, phần đó dùng giá trị mặc định; chạy "npm run -s cli -- quiz check" để xem và sửa';
export const SETTINGS_PROBLEM =
  'cài đặt của xã (trang quản trị) có mục không dùng được, mục đó được bỏ qua; mở trang Cài đặt để xem và sửa';
export const QUIZ_PROBLEM =
  'bộ câu hỏi kiểm tra có chỗ sai, bài đó chưa được dùng; chạy "npm run -s cli -- quiz check" để xem và sửa';

/**
 * Reads commune.yaml once at start (hamlets, groups, targets, core quizzes);
 * a missing or broken file falls back to the plan's groups and is logged.
 */
export function readCommune(dir: string, logger: Logger): CommuneConfig {
  let content: Buffer;
  try {
    content = readFileSync(join(dir, COMMUNE_FILE));
  } catch {
    logger.warn(
      `Không tìm thấy ${COMMUNE_FILE} trong ${dir}: dùng các nhóm đối tượng của Kế hoạch, chưa có xóm/khối nào`,
    );
    return DEFAULT_COMMUNE;
  }
  const { commune, problems } = parseCommune(content);
  for (const p of problems) logger.warn({ problem: p }, COMMUNE_PROBLEM);
  for (const w of communeWarnings(commune)) logger.warn(w);
  return commune;
}

export interface ServiceOptions {
  readonly clock?: Clock;
  /** Replaces the SQLite conversation store (the terminal chat keeps its state in memory). */
  readonly conversations?: ConversationStateRepo;
  readonly random?: Random;
  /** Replaces the embeddings client built from the config, and switches dense retrieval on (benchmarks, tests). */
  readonly embedder?: Embedder;
  /** Replaces the chat model built from the config (tests). */
  readonly chatModel?: ChatModel;
}

/**
 * The answer writer when a language model is configured: the model, the
 * prompt templates, the answer cache, the per-minute budget, one deadline
 * per answer (LLM_TIMEOUT_MS, the rewrite and retries included) and the
 * staff's log of rewrites and fallbacks. A missing prompt file stops
 * start-up with its name.
 */
export function writerFor(
  config: Config,
  logger: Logger,
  clock: Clock,
  chatModel?: ChatModel,
): AnswerWriter | undefined {
  const model =
    chatModel ??
    (llmEnabled(config) && config.LLM_MODEL !== undefined
      ? new OpenAiChatModel({
          model: config.LLM_MODEL,
          apiKey: config.OPENAI_API_KEY,
          baseURL: config.OPENAI_BASE_URL,
          timeoutMs: config.LLM_TIMEOUT_MS,
        })
      : undefined);
  if (!model) return undefined;
  return {
    model,
    prompts: loadPrompts(config.PROMPTS_DIR),
    cache: new AnswerCache(),
    budget: new ModelBudget(config.LLM_REQUESTS_PER_MINUTE, clock),
    deadline: () => AbortSignal.timeout(config.LLM_TIMEOUT_MS),
    // Both texts are masked by the core before they get here (personal numbers and secrets).
    onEvent: (event) =>
      event.type === 'rewrite'
        ? logger.info({ original: event.original, rewritten: event.rewritten }, 'follow-up rewritten by the model')
        : logger.warn({ reason: event.reason, detail: event.detail }, 'model reply not used: extractive answer sent'),
  };
}

/**
 * The embeddings client when configured. The OpenAI SDK itself is only loaded
 * at the first request (see rag/embeddings), so an install without these
 * variables starts exactly as before.
 */
export function embedderFor(config: Config): Embedder | undefined {
  if (!embeddingsEnabled(config) || config.EMBEDDINGS_MODEL === undefined) return undefined;
  return new OpenAiEmbedder({
    model: config.EMBEDDINGS_MODEL,
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
  });
}

/** What residents may send, per person and per web address: one pair per process (pgRun.ts shares it among communes). */
export function turnLimitsFor(config: Config, clock: Clock): TurnLimits {
  return {
    perIdentity: new RateLimiter({ burst: config.RATE_LIMIT_BURST, perMinute: config.RATE_LIMIT_PER_MINUTE }, clock),
    perAddress: new RateLimiter(
      { burst: config.RATE_LIMIT_IP_PER_MINUTE, perMinute: config.RATE_LIMIT_IP_PER_MINUTE },
      clock,
    ),
  };
}

/** The files an ingestion skipped and the FAQ lines it dropped, for staff, whichever database holds the index. */
export function logIngestProblems(report: IngestReport, logger: Logger): void {
  for (const f of report.failed) logger.warn({ file: f.ref, reason: f.message }, 'bỏ qua tệp tài liệu không đọc được');
  for (const w of report.warnings) logger.warn({ problem: w }, 'tệp câu hỏi thường gặp có câu bị bỏ qua vì sai');
}

/** Never fails ingestion: without vectors, search is lexical as if embeddings were not configured. */
export async function syncDenseLogged(d: DenseIndex, logger: Logger): Promise<void> {
  try {
    const r = await d.sync();
    if (r.embedded > 0 || r.error !== undefined) logger.info({ model: d.model, ...r }, 'dense index updated');
  } catch (err) {
    logger.warn({ err }, 'không nạp được chỉ mục vector (embeddings): trợ lý chỉ tìm theo từ khóa');
  }
}

export function createServices(config: Config, logger: Logger, options: ServiceOptions = {}): Services {
  const clock = options.clock ?? systemClock;
  const db = openDatabase(config.DATABASE_PATH);
  ensureCommune(db, config.COMMUNE_ID);
  let box: SecretBox | undefined;
  const secrets = (): SecretBox => (box ??= secretBoxFor(config));
  const index = new SqliteKnowledgeIndex(db, config.COMMUNE_ID);
  const embedder = options.embedder ?? embedderFor(config);
  const dense = embedder ? new DenseIndex({ embedder, cache: new SqliteEmbeddingCache(db), index, logger }) : undefined;
  // Searches read a copy of the index in memory (same rows and scores as FTS5, several times faster).
  const search = new SqliteKnowledgeSearch(new MirroredKnowledgeIndex(index), dense, { cacheStatistics: false });
  const unanswered = new SqliteUnansweredLog(db, config.COMMUNE_ID);
  const learningRepo = new SqliteLearningRepo(db, config.COMMUNE_ID);
  const consoleFaq = new SqliteConsoleFaqRepo(db, config.COMMUNE_ID);
  const commune = createLiveCommune(
    readCommune(config.KNOWLEDGE_DIR, logger),
    new SqliteCommuneSettingsRepo(db, config.COMMUNE_ID),
    (problems) => {
      for (const p of problems) logger.warn({ problem: p }, SETTINGS_PROBLEM);
    },
  );
  const quizzes = new ReloadableQuizCatalog();
  const citizens = new SqliteCitizenRepo(db, config.COMMUNE_ID, { coreQuizzes: commune.coreQuizzes });
  const attempts = new SqliteAttemptRepo(db, config.COMMUNE_ID);
  const writes = new WriteScope(db, (err) => logger.error({ err }, 'database commit failed'));
  const writer = writerFor(config, logger, clock, options.chatModel);
  const population = new SqlitePopulationRepo(db, config.COMMUNE_ID);
  const staffChats = new SqliteStaffChatLinks(db, config.COMMUNE_ID);
  // Linked chats of active staff accounts; a link made by `/canbo` is audited like a console change.
  const staffDirectory = createStaffChatDirectory(staffChats, new SqliteAuditLog(db, config.COMMUNE_ID, clock));
  const stats = statsParts({
    stats: new SqliteCompletionStats(db, config.COMMUNE_ID),
    commune: () => commune,
    population,
    staff: staffDirectory,
    links: staffDirectory,
    clock,
  });
  // A channel's turn saves the conversation in its final transaction, with the replies it queues.
  const stateBuffer = options.conversations
    ? undefined
    : new TurnStateBuffer(new SqliteConversationRepo(db, config.COMMUNE_ID));
  const handoffStore = new SqliteHandoffStore(db, config.COMMUNE_ID);
  const replyRoutes = new ReplyRoutes();
  const staffNotices = new StaffNotices();
  const handoffActions = createHandoffService({
    store: handoffStore,
    routes: replyRoutes,
    notices: staffNotices,
    clock,
    // Committed when the console's call returns (a savepoint of the group commit if one is open).
    writer: new SqliteHandoffWriter(db, handoffStore),
    hamletName: (id) => commune.hamlets.find((h) => h.id === id)?.name,
    quizTitle: (id) => quizzes.get(id)?.title,
    // Only the channel and the error: never the reply's text.
    onFlushError: (err, channel) => logger.warn({ err, channel }, 'staff reply not sent yet; it will be retried'),
  });
  // The web's replies wait in the outbox for the visitor's next answer or poll (channels/web/chatApi.ts).
  const webOutbox = new SqliteOutboxStore<WebReply>(db, config.COMMUNE_ID, 'web', writes);
  replyRoutes.register('web', {
    queue: (userId, replies, at) => webOutbox.enqueue(userId, toChatResponse(replies).replies, at),
    render: (_userId, replies) => toChatResponse(replies).replies,
  });
  const inner = createEngine({
    search,
    state: options.conversations ?? stateBuffer ?? new SqliteConversationRepo(db, config.COMMUNE_ID),
    unanswered,
    outcomes: learningRepo,
    clock,
    learning: { quizzes, citizens, attempts, commune, random: options.random ?? cryptoRandom },
    writer,
    stats: stats.engine,
    // A person is offered only where the turn runner can open the thread (not the terminal chat's memory store).
    handoff: options.conversations === undefined,
  });
  /** The generation of the index the in-memory search tables were built from. */
  let loadedGeneration: string | undefined;

  /**
   * Rebuilds the search tables when another process (`cli ingest`) changed
   * the index since they were built. Synchronous, so a turn never waits on
   * I/O here (a turn's first writes share its loop turn's commit);
   * vectors for new passages follow in the background. One indexed read.
   */
  function refreshIfIndexChanged(): void {
    const generation = index.getMeta(INDEX_GENERATION);
    if (generation === loadedGeneration) return;
    loadedGeneration = generation;
    search.reload();
    logger.info({ generation }, 'knowledge index changed by another process: search tables reloaded');
    if (dense) void syncDense(dense);
  }

  const refreshing: Engine = {
    handle: (message) => {
      refreshIfIndexChanged();
      // A settings save by another process (one small read); this process's own saves reload at once.
      commune.refresh();
      return inner.handle(message);
    },
    ask: (question) => {
      refreshIfIndexChanged();
      return inner.ask(question);
    },
  };
  // Every call's writes (state, attempt, citizen, unanswered log) commit together.
  const engine: Engine = {
    handle: (message) => writes.run(() => refreshing.handle(message)),
    ask: (question) => writes.run(() => refreshing.ask(question)),
  };
  const turns = new SqliteTurnRunner({
    db,
    communeId: config.COMMUNE_ID,
    engine: refreshing,
    clock,
    state: stateBuffer,
    writes,
    handoff: { store: handoffStore, opened: (thread, at) => handoffActions.opened(thread, at) },
  });

  async function reloadQuizzes(): Promise<void> {
    const { quizzes: banks, problems } = await loadQuizBanks(config.KNOWLEDGE_DIR);
    for (const p of problems) logger.warn({ problem: p }, QUIZ_PROBLEM);
    quizzes.replace(banks, commune.coreQuizzes);
    for (const p of checkCoreQuizzes(commune, quizzes)) logger.warn({ problem: p }, COMMUNE_PROBLEM);
  }

  async function ingest(opts: { force?: boolean } = {}): Promise<IngestReport> {
    // A new indexing recipe re-indexes every file; the console's entries are re-indexed with it.
    const reindexAll = opts.force === true || index.getMeta('index_recipe') !== INDEX_RECIPE_VERSION;
    const report = await ingestKnowledge({ dir: config.KNOWLEDGE_DIR, index, clock, force: opts.force });
    if (reindexAll) publishConsoleFaq(index, consoleFaq, clock.now());
    logIngestProblems(report, logger);
    if (report.added.length + report.updated.length + report.removed.length > 0) {
      nextGeneration();
      logger.info(
        { added: report.added.length, updated: report.updated.length, removed: report.removed.length },
        'knowledge index updated',
      );
    }
    await load();
    return report;
  }

  function nextGeneration(): void {
    index.setMeta(INDEX_GENERATION, String(Number(index.getMeta(INDEX_GENERATION) ?? '0') + 1));
  }

  function publishConsole(): void {
    publishConsoleFaq(index, consoleFaq, clock.now());
    nextGeneration();
    loadedGeneration = index.getMeta(INDEX_GENERATION);
    search.reload();
    if (dense) void syncDense(dense);
  }

  async function load(): Promise<void> {
    loadedGeneration = index.getMeta(INDEX_GENERATION);
    search.reload();
    await reloadQuizzes();
    if (dense) await syncDense(dense);
  }

  const syncDense = (d: DenseIndex): Promise<void> => syncDenseLogged(d, logger);

  return {
    config,
    commune,
    quizzes,
    citizens,
    attempts,
    db,
    secrets,
    index,
    search,
    ...(dense && { dense }),
    ...(writer && { writer }),
    engine,
    turns,
    writes,
    unanswered,
    learning: learningRepo,
    population,
    leaderboard: stats.leaderboard,
    consoleFaq,
    staffChats,
    handoff: { store: handoffStore, actions: handoffActions, routes: replyRoutes, notices: staffNotices },
    publishConsoleFaq: publishConsole,
    limits: turnLimitsFor(config, clock),
    ingest,
    load,
    close: () => {
      writes.commit();
      search.close();
      db.close();
    },
  };
}
