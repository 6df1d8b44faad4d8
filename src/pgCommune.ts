/**
 * @module pgCommune
 *
 * One commune's conversation on PostgreSQL (issue 20): its knowledge loaded
 * from the database into an in-process index, its commune file with what staff
 * saved laid over it, its quiz banks, and the engine over the PostgreSQL
 * repositories, with a turn runner that commits each turn's state, claim and
 * replies in one transaction. services.ts builds the same parts over SQLite;
 * this is the first piece of "one Services per commune": the server and the
 * channels do not use it yet, `cli ask` does when DATABASE_URL is set.
 */
import type { Config } from './config.js';
import { createEngine, type Engine } from './core/conversation/engine.js';
import type { Clock, Random } from './core/ports.js';
import { liveCommuneOver, type LiveCommune } from './content/liveCommune.js';
import { communeContent, communeWithoutFile, loadCommuneQuizBanks } from './content/communeContent.js';
import type { Logger } from './logger.js';
import { CommuneKnowledge } from './rag/communeKnowledge.js';
import type { IngestReport } from './rag/ingest.js';
import type { PgDb } from './storage/pg/db.js';
import { PgAttemptRepo } from './storage/pg/pgAttemptRepo.js';
import { PgCitizenRepo } from './storage/pg/pgCitizenRepo.js';
import { PgCommuneSettingsRepo } from './storage/pg/pgCommuneSettingsRepo.js';
import { PgConversationRepo } from './storage/pg/pgConversationRepo.js';
import { PgKnowledgeIndex } from './storage/pg/pgKnowledgeIndex.js';
import { PgLearningRepo } from './storage/pg/pgLearningRepo.js';
import { PgTurnRunner } from './storage/pg/pgTurnRunner.js';
import { PgTurnStateBuffer } from './storage/pg/pgTurnState.js';
import { PgUnansweredLog } from './storage/pg/pgUnansweredLog.js';
import { withCommune } from './storage/pg/tenant.js';
import {
  COMMUNE_PROBLEM,
  cryptoRandom,
  QUIZ_PROBLEM,
  readCommune,
  ReloadableQuizCatalog,
  SETTINGS_PROBLEM,
  systemClock,
} from './services.js';
import { checkCoreQuizzes } from './content/loadCommune.js';

export interface PgCommune {
  readonly communeId: string;
  readonly commune: LiveCommune;
  readonly quizzes: ReloadableQuizCatalog;
  readonly citizens: PgCitizenRepo;
  readonly attempts: PgAttemptRepo;
  readonly knowledge: CommuneKnowledge;
  /** For callers outside the channels (`cli ask`): each call's writes are the repositories' own transactions. */
  readonly engine: Engine;
  /** A channel's turn: the engine, then its state, claim and queued replies in one transaction. */
  readonly turns: PgTurnRunner;
  /** Indexes the knowledge folder into this commune's rows if a file changed, and reloads the search. */
  ingest(options?: { force?: boolean }): Promise<IngestReport>;
}

export interface PgCommuneOptions {
  readonly clock?: Clock;
  readonly random?: Random;
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
  const commune = liveCommuneOver(fromFile ?? communeWithoutFile(name), new PgCommuneSettingsRepo(pg, communeId), {
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

  // Ingestion lays the commune's folder over the national pages (rag/knowledgeLayers) by its id.
  const knowledge = new CommuneKnowledge({
    store: new PgKnowledgeIndex(pg, communeId),
    dir: config.KNOWLEDGE_DIR,
    communeId,
    clock,
  });
  const citizens = new PgCitizenRepo(pg, communeId, { coreQuizzes: commune.coreQuizzes });
  const attempts = new PgAttemptRepo(pg, communeId);
  const conversations = new PgConversationRepo(pg, communeId);
  const deps = {
    search: knowledge.search,
    unanswered: new PgUnansweredLog(pg, communeId),
    outcomes: new PgLearningRepo(pg, communeId),
    clock,
    learning: { quizzes, citizens, attempts, commune, random: options.random ?? cryptoRandom },
  };
  const engine = createEngine({ ...deps, state: conversations });
  // The turn holds the conversation's row lock: its engine reads and saves the state through the buffer.
  const state = new PgTurnStateBuffer(conversations);
  const turns = new PgTurnRunner({
    db: pg,
    communeId,
    engine: createEngine({ ...deps, state }),
    clock,
    state,
  });
  const ingest = (opts: { force?: boolean } = {}): Promise<IngestReport> => knowledge.ingest(opts);
  await ingest();
  return { communeId, commune, quizzes, citizens, attempts, knowledge, engine, turns, ingest };
}
