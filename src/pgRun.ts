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
 * Telegram and Zalo from .env do not run on PostgreSQL yet: with their
 * settings present the service refuses to start rather than drop their
 * messages (run.ts says so in Vietnamese).
 */
import type { ChannelSettings } from './channelSettings.js';
import type { Config } from './config.js';
import { redactDatabaseUrl } from './databaseUrl.js';
import { retentionOf } from './limitsConfig.js';
import type { Logger } from './logger.js';
import { openPgCommune, type PgCommune } from './pgCommune.js';
import { startPgServer } from './pgServer.js';
import type { RunningService } from './run.js';
import { systemClock } from './services.js';
import { openPgDatabase, type PgDb } from './storage/pg/db.js';
import { allCommunes } from './storage/pg/pgCommuneList.js';
import { pgConnectionProblem } from './storage/pg/pgProblems.js';
import { startPgPruner, type PgPruner } from './storage/pg/pgPruner.js';

/** How often a process looks for another process's changes (index generation, settings revision). */
export const WATCH_EVERY_MS = 5_000;

/** Connections per process: a turn holds one while the engine runs, and its stores take others. */
const POOL_SIZE = 20;

/** What stops a PostgreSQL start before anything runs, in the staff's words. */
export class PgStartError extends Error {}

/** The channels from .env that cannot run on PostgreSQL yet. */
export function channelsNotOnPg(settings: ChannelSettings): string[] {
  return [...(settings.telegram ? ['Telegram'] : []), ...(settings.zalo ? ['Zalo'] : [])];
}

async function openCommunes(config: Config, logger: Logger, pg: PgDb): Promise<PgCommune[]> {
  const home = await openPgCommune(config, logger, pg, config.COMMUNE_ID);
  const out = [home];
  for (const row of await allCommunes(pg, config.COMMUNE_ID)) {
    if (row.id === config.COMMUNE_ID) continue;
    out.push(await openPgCommune(config, logger, pg, row.id));
  }
  return out;
}

export async function runPgService(
  config: Config,
  logger: Logger,
  channelSettings: ChannelSettings,
  url: string,
): Promise<RunningService> {
  const started = performance.now();
  const waiting = channelsNotOnPg(channelSettings);
  if (waiting.length > 0) {
    throw new PgStartError(
      `${waiting.join(' và ')} chưa chạy được trên PostgreSQL trong phiên bản này: bỏ DATABASE_URL để chạy trên SQLite, ` +
        `hoặc bỏ các biến của ${waiting.join(' và ')} trong .env để chạy trang hỏi đáp trên web với PostgreSQL.`,
    );
  }
  const pg = openPgDatabase(url, { applicationName: 'hocvuso', max: POOL_SIZE });
  const pruners: PgPruner[] = [];
  const unwatch: (() => void)[] = [];
  try {
    let communes: PgCommune[];
    try {
      communes = await openCommunes(config, logger, pg);
    } catch (err) {
      const problem = pgConnectionProblem(err);
      throw problem === undefined ? err : new PgStartError(problem);
    }
    const [home, ...others] = communes as [PgCommune, ...PgCommune[]];
    for (const c of communes) {
      unwatch.push(c.watch(WATCH_EVERY_MS));
      pruners.push(
        startPgPruner({ db: pg, communeId: c.communeId, days: retentionOf(config), clock: systemClock, logger }),
      );
    }
    const server = await startPgServer({ pg, config, logger, home, others });
    logger.info(
      {
        port: server.port,
        database: redactDatabaseUrl(url),
        knowledge: config.KNOWLEDGE_DIR,
        communes: communes.map((c) => c.communeId),
        documents: home.knowledge.index.documents().length,
        quizzes: home.quizzes.list().length,
        channels: ['web'],
        readyMs: Math.round(performance.now() - started),
      },
      `Hocvuso is ready: open http://localhost:${server.port}/`,
    );
    return {
      port: server.port,
      stop: async () => {
        server.drain();
        await server.stop();
        for (const stop of unwatch) stop();
        for (const p of pruners) await p.stop();
        await pg.destroy();
      },
    };
  } catch (err) {
    for (const stop of unwatch) stop();
    for (const p of pruners) await p.stop();
    await pg.destroy();
    throw err;
  }
}
