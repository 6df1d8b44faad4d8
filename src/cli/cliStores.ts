/**
 * @module cli/cliStores
 *
 * The stores a command of the command line works with, picked once when it
 * starts: PostgreSQL's twins (storage/pg) when DATABASE_URL is set, else the
 * SQLite file's (DATABASE_PATH). Each command has one implementation over
 * these ports, so `cli staff`, `export`, `population`, `unanswered` and
 * `prune` print the same lines and exit with the same codes on both
 * databases. Nothing connects before the first query (a PostgreSQL pool opens
 * lazily), so a command that fails on its arguments touches no database.
 *
 * The commune in force is read as the running service reads it: commune.yaml
 * (read by the command, as before) with what staff saved in the console laid
 * over it, from `commune_settings` of the same database.
 */
import { createLiveCommune } from '../content/liveCommune.js';
import type { CommuneConfig } from '../content/loadCommune.js';
import type { Clock, MaybePromise } from '../core/ports.js';
import type { GroupDecision, LearningQuestion } from '../core/stores/learning.js';
import type { PopulationStore } from '../core/stores/populationEdit.js';
import type { PopulationSource, ReportSource } from '../core/stores/reports.js';
import type { Logger } from '../logger.js';
import type { StaffStore } from '../staff/storePort.js';
import type { AuditLog, AuditReader, StaffChatLinkStore } from '../staff/types.js';
import { SqliteCommuneSettingsRepo } from '../storage/sqlite/communeSettingsRepo.js';
import { ensureCommune, openDatabase } from '../storage/sqlite/db.js';
import { SqliteLearningRepo } from '../storage/sqlite/learningRepo.js';
import { SqlitePopulationRepo } from '../storage/sqlite/populationRepo.js';
import { SqliteReportRepo } from '../storage/sqlite/reportRepo.js';
import { pruneExpired, type PruneReport, type RetentionDays } from '../storage/sqlite/retention.js';
import { SqliteAuditLog } from '../storage/sqlite/staffAudit.js';
import { SqliteStaffChatLinks } from '../storage/sqlite/staffChatLinkRepo.js';
import { SqliteStaffStore } from '../storage/sqlite/staffStore.js';
import { SqliteUnansweredLog, type UnansweredRow } from '../storage/sqlite/unansweredRepo.js';
import { pgConnectionProblem } from '../storage/pg/pgProblems.js';
import type { CliContext } from './index.js';

export interface CliStores {
  readonly database: 'sqlite' | 'postgres';
  /** Makes the commune's `communes` row when the database has none yet. */
  ensureCommune(): Promise<void>;
  /** `file` (commune.yaml) with the sections staff saved in the console laid over it; problems to `logger`. */
  communeInForce(file: CommuneConfig, logger: Logger): Promise<CommuneConfig>;
  readonly staff: StaffStore;
  readonly audit: AuditLog & AuditReader;
  readonly staffChats: Pick<StaffChatLinkStore, 'channelsByStaff'>;
  readonly reports: ReportSource;
  readonly population: PopulationSource & PopulationStore;
  readonly unanswered: { recent(limit: number): MaybePromise<UnansweredRow[]> };
  readonly learning: {
    questions(): MaybePromise<LearningQuestion[]>;
    decisions(): MaybePromise<GroupDecision[]>;
  };
  /** The commune's retention pruning now; undefined when another process is running it (PostgreSQL). */
  prune(days: RetentionDays, now: Date): Promise<PruneReport | undefined>;
  close(): Promise<void>;
}

/** Reports a commune's settings problems the way the SQLite commands always have: one warning each. */
export const warnEach =
  (logger: Logger) =>
  (problems: string[]): void => {
    for (const p of problems) logger.warn(p);
  };

/**
 * The stores of the database the configuration names. Opening the SQLite file
 * happens here, so an unusable DATABASE_PATH fails before any output, as it
 * always did; PostgreSQL's problems surface at the first query (see
 * `pgConnectionProblem`).
 */
export async function openCliStores(ctx: CliContext, clock: Clock): Promise<CliStores> {
  const communeId = ctx.config.COMMUNE_ID;
  const url = ctx.config.DATABASE_URL;
  if (url !== undefined) {
    // Loaded only here: a command on SQLite does not pay for the PostgreSQL driver.
    const { openPgStores } = await import('./cliPgStores.js');
    return openPgStores(url, communeId, clock);
  }
  const db = openDatabase(ctx.config.DATABASE_PATH);
  return {
    database: 'sqlite',
    ensureCommune: () => Promise.resolve(ensureCommune(db, communeId)),
    communeInForce: (file, logger) =>
      Promise.resolve(
        createLiveCommune(file, new SqliteCommuneSettingsRepo(db, communeId), warnEach(logger)).snapshot(),
      ),
    staff: new SqliteStaffStore(db, communeId),
    audit: new SqliteAuditLog(db, communeId, clock),
    staffChats: new SqliteStaffChatLinks(db, communeId),
    reports: new SqliteReportRepo(db, communeId),
    population: new SqlitePopulationRepo(db, communeId),
    unanswered: new SqliteUnansweredLog(db, communeId),
    learning: new SqliteLearningRepo(db, communeId),
    prune: (days, now) => pruneExpired(db, communeId, days, now),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

/** Runs `fn` over the stores and closes them, whatever `fn` does. */
export async function withCliStores<T>(
  ctx: CliContext,
  clock: Clock,
  fn: (stores: CliStores) => Promise<T>,
): Promise<T> {
  const stores = await openCliStores(ctx, clock);
  try {
    return await fn(stores);
  } finally {
    await stores.close();
  }
}

/**
 * With DATABASE_URL, a PostgreSQL set-up problem (no server, wrong password,
 * no tables yet) said in Vietnamese with what to run (storage/pg/pgProblems.ts)
 * and exit code 1; any other error is thrown on.
 */
export function pgProblemExit(ctx: CliContext, err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  const problem = ctx.config.DATABASE_URL !== undefined ? pgConnectionProblem(err) : undefined;
  if (problem === undefined) throw err;
  stderr.write(`Lỗi: ${problem}\n`);
  return 1;
}
