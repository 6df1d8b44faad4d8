/**
 * @module services
 *
 * Builds the parts every entry point shares (the server and each CLI command):
 * database, knowledge index, retrieval and the conversation engine, from a
 * parsed config. Keeping it in one factory means `npm start` and `cli ask`
 * cannot drift apart in how they answer.
 */
import type { Config } from './config.js';
import { createEngine, type Engine } from './core/conversation/engine.js';
import type { Clock, ConversationStateRepo } from './core/ports.js';
import type { Logger } from './logger.js';
import { ingestKnowledge, type IngestReport } from './rag/ingest.js';
import { SqliteKnowledgeSearch } from './rag/knowledgeSearch.js';
import { openDatabase, type Db } from './storage/sqlite/db.js';
import { SqliteConversationRepo } from './storage/sqlite/conversationRepo.js';
import { SqliteKnowledgeIndex } from './storage/sqlite/knowledgeIndex.js';
import { SqliteUnansweredLog } from './storage/sqlite/unansweredRepo.js';

export interface Services {
  readonly config: Config;
  readonly db: Db;
  readonly index: SqliteKnowledgeIndex;
  readonly search: SqliteKnowledgeSearch;
  readonly engine: Engine;
  readonly unanswered: SqliteUnansweredLog;
  /** Re-indexes changed knowledge files and refreshes the in-memory tables. */
  ingest(options?: { force?: boolean }): Promise<IngestReport>;
  close(): void;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ServiceOptions {
  readonly clock?: Clock;
  /** Replaces the SQLite conversation store (the terminal chat keeps its state in memory). */
  readonly conversations?: ConversationStateRepo;
}

export function createServices(config: Config, logger: Logger, options: ServiceOptions = {}): Services {
  const clock = options.clock ?? systemClock;
  const db = openDatabase(config.DATABASE_PATH);
  const index = new SqliteKnowledgeIndex(db, config.COMMUNE_ID);
  const search = new SqliteKnowledgeSearch(index);
  const unanswered = new SqliteUnansweredLog(db, config.COMMUNE_ID);
  const engine = createEngine({
    search,
    state: options.conversations ?? new SqliteConversationRepo(db, config.COMMUNE_ID),
    unanswered,
    clock,
  });

  async function ingest(opts: { force?: boolean } = {}): Promise<IngestReport> {
    const report = await ingestKnowledge({ dir: config.KNOWLEDGE_DIR, index, clock, force: opts.force });
    for (const f of report.failed) logger.warn({ file: f.ref, reason: f.message }, 'knowledge file skipped');
    for (const w of report.warnings) logger.warn(w);
    if (report.added.length + report.updated.length + report.removed.length > 0) {
      logger.info(
        { added: report.added.length, updated: report.updated.length, removed: report.removed.length },
        'knowledge index updated',
      );
    }
    search.reload();
    return report;
  }

  return { config, db, index, search, engine, unanswered, ingest, close: () => db.close() };
}
