/**
 * One commune's repositories over a fresh database, on SQLite or PostgreSQL
 * (HOCVUSO_TEST_DB, as test/testService.ts), for tests that mount one console
 * module in process over the stores (a test front door sets the principal)
 * rather than start the whole server. SQLite: a new file per `fresh()`;
 * PostgreSQL: one migrated database per file (test/pg/pgContractDb.ts) and a
 * new commune per `fresh()`, so each case starts empty, as on SQLite. The
 * stores are the ports, so a test awaits every call.
 */
import { join } from 'node:path';
import type { AttemptRepo, CitizenRepo, Clock } from '../src/core/ports.js';
import type { CommuneConfig } from '../src/content/loadCommune.js';
import type { ProvinceDeps } from '../src/reports/provinceData.js';
import { pgProvinceDeps } from '../src/staff/pgProvinceCompose.js';
import { sqliteProvinceDeps } from '../src/staff/provinceCompose.js';
import { PgAttemptRepo } from '../src/storage/pg/pgAttemptRepo.js';
import { SqliteAttemptRepo } from '../src/storage/sqlite/attemptRepo.js';
import type { CompletionStats } from '../src/core/stats/types.js';
import type { TelegramStore } from '../src/core/stores/telegram.js';
import type { OutboundMessage, ZaloStateStore } from '../src/core/stores/zalo.js';
import type { SecretBox } from '../src/storage/secretBox.js';
import { PgOutboxStore } from '../src/storage/pg/pgOutboxStore.js';
import { PgZaloStore } from '../src/storage/pg/pgZaloStore.js';
import { SqliteZaloStore } from '../src/storage/sqlite/zaloStore.js';
import type { CommuneSettingsStore } from '../src/core/stores/communeSettings.js';
import type { PopulationStore } from '../src/core/stores/populationEdit.js';
import type { PopulationSource, ReportSource } from '../src/core/stores/reports.js';
import type { StaffStore } from '../src/staff/storePort.js';
import type { AuditLog, AuditReader } from '../src/staff/types.js';
import { PgAuditLog } from '../src/storage/pg/pgStaffAudit.js';
import { PgCitizenRepo } from '../src/storage/pg/pgCitizenRepo.js';
import { PgCommuneSettingsRepo } from '../src/storage/pg/pgCommuneSettingsRepo.js';
import { PgPopulationRepo } from '../src/storage/pg/pgPopulationRepo.js';
import { PgReportRepo } from '../src/storage/pg/pgReportRepo.js';
import { PgStaffStore } from '../src/storage/pg/pgStaffStore.js';
import { PgCompletionStats } from '../src/storage/pg/pgStatsRepo.js';
import { PgTelegramStore } from '../src/storage/pg/pgTelegramStore.js';
import { SqliteCitizenRepo } from '../src/storage/sqlite/citizenRepo.js';
import { SqliteCommuneSettingsRepo } from '../src/storage/sqlite/communeSettingsRepo.js';
import { ensureCommune, openDatabase, type Db } from '../src/storage/sqlite/db.js';
import { SqlitePopulationRepo } from '../src/storage/sqlite/populationRepo.js';
import { SqliteReportRepo } from '../src/storage/sqlite/reportRepo.js';
import { SqliteAuditLog } from '../src/storage/sqlite/staffAudit.js';
import { SqliteStaffStore } from '../src/storage/sqlite/staffStore.js';
import { SqliteCompletionStats } from '../src/storage/sqlite/statsRepo.js';
import { SqliteTelegramStore } from '../src/storage/sqlite/telegramRepo.js';
import { sqliteTables, type TableAccess } from './contracts/tables.js';
import { tempDir } from './helpers.js';
import { openPgContractDb, type PgContractDb } from './pg/pgContractDb.js';
import { testBackend, type TestBackend } from './testService.js';

export interface TestRepos {
  readonly backend: TestBackend;
  readonly communeId: string;
  /**
   * The config variables that name this database and commune, for a command
   * (`cli …`) run on it: SQLite, DATABASE_PATH of the file; PostgreSQL,
   * DATABASE_URL (the app role) and COMMUNE_ID.
   */
  readonly env: Readonly<Record<string, string>>;
  readonly tables: TableAccess;
  readonly settings: CommuneSettingsStore;
  readonly population: PopulationStore & PopulationSource;
  readonly staff: StaffStore;
  /** The staff audit log, its lines stamped by `clock`. */
  audit(clock: Clock): AuditLog & AuditReader;
  /** What the Telegram channel keeps (sent polls, inactive chats, long callback values). */
  readonly telegram: TelegramStore;
  /** What staff's reports and exports read, for this commune or another one of the same database. */
  reports(communeId?: string): ReportSource;
  /** The completions the emulation board and /thongke count. */
  readonly stats: CompletionStats;
  citizens(options?: { coreQuizzes?: readonly string[] }): CitizenRepo;
  /** Quiz attempts and the completions they commit. */
  readonly attempts: AttemptRepo;
  /**
   * The province view over every commune of this database (what the
   * province page reads), this commune being the install's own (`home`), as
   * server.ts / pgServer.ts compose it.
   */
  province(home: () => CommuneConfig, clock: Clock): ProvinceDeps;
  /**
   * Another commune of the same database (SQLite: the same file, as
   * `cli commune add` makes one; PostgreSQL: a `communes` row), its stores
   * as this one's, for tests of what spans communes (the province view).
   * On SQLite its `tables` (like this one's) read the whole file, every
   * commune's rows.
   */
  another(id: string, name: string): Promise<TestRepos>;
  /** A Zalo app's state (tokens sealed with `secrets`, residents) and its rows of the outbox, as the channel keeps them. */
  zalo(
    appId: string,
    secrets: SecretBox,
  ): {
    readonly state: ZaloStateStore;
    enqueue(userId: string, messages: readonly OutboundMessage[], at: Date): Promise<void>;
  };
}

export interface TestReposDb {
  /** An empty commune on the database (closed with the database). */
  fresh(): Promise<TestRepos>;
  close(): Promise<void>;
}

/** The SQLite commune of a new file is the default one, as in an install. */
const SQLITE_COMMUNE = 'hung-chau';

export async function openTestRepos(): Promise<TestReposDb> {
  if (testBackend() === 'pg') {
    const pg = await openPgContractDb();
    return {
      async fresh() {
        const { communeId, tables } = await pg.commune();
        return pgRepos(pg, communeId, tables);
      },
      close: () => pg.close(),
    };
  }
  const open: { close(): void }[] = [];
  return {
    fresh() {
      const tmp = tempDir('hocvuso-repos-');
      const path = join(tmp.dir, 'hocvuso.db');
      const db = openDatabase(path);
      open.push({ close: () => (db.close(), tmp.cleanup()) });
      return Promise.resolve(sqliteRepos(db, path, SQLITE_COMMUNE));
    },
    close() {
      for (const o of open.splice(0)) o.close();
      return Promise.resolve();
    },
  };
}

/** One commune's stores on a PostgreSQL test database. */
function pgRepos(pg: PgContractDb, communeId: string, tables: TableAccess): TestRepos {
  return {
    backend: 'pg',
    communeId,
    env: { DATABASE_URL: pg.appUrl, COMMUNE_ID: communeId },
    tables,
    settings: new PgCommuneSettingsRepo(pg.app, communeId),
    population: new PgPopulationRepo(pg.app, communeId),
    staff: new PgStaffStore(pg.app, communeId),
    audit: (clock) => new PgAuditLog(pg.app, communeId, clock),
    reports: (id = communeId) => new PgReportRepo(pg.app, id),
    stats: new PgCompletionStats(pg.app, communeId),
    telegram: new PgTelegramStore(pg.app, communeId),
    citizens: (o = {}) => new PgCitizenRepo(pg.app, communeId, { coreQuizzes: o.coreQuizzes ?? [] }),
    attempts: new PgAttemptRepo(pg.app, communeId),
    province: (home, clock) =>
      pgProvinceDeps({
        db: pg.app,
        homeId: communeId,
        home,
        clock,
        // Another commune's hamlets as its own console saved them (as pgServer.ts).
        overridesOf: (id) => new PgCommuneSettingsRepo(pg.app, id).overrides(),
      }),
    another: async (id, name) => {
      const other = await pg.commune({ id, name });
      return pgRepos(pg, other.communeId, other.tables);
    },
    zalo: (appId, secrets) => {
      const outbox = new PgOutboxStore<OutboundMessage>(pg.app, communeId, 'zalo');
      return {
        state: new PgZaloStore(pg.app, communeId, appId, secrets),
        enqueue: async (userId, messages, at) => {
          await outbox.enqueue(userId, messages, at);
        },
      };
    },
  };
}

/** One commune's stores in a SQLite file (the file's own commune, or another made in it). */
function sqliteRepos(db: Db, path: string, communeId: string): TestRepos {
  return {
    backend: 'sqlite',
    communeId,
    env: { DATABASE_PATH: path },
    tables: sqliteTables(db),
    settings: new SqliteCommuneSettingsRepo(db, communeId),
    population: new SqlitePopulationRepo(db, communeId),
    staff: new SqliteStaffStore(db, communeId),
    audit: (clock) => new SqliteAuditLog(db, communeId, clock),
    reports: (id = communeId) => new SqliteReportRepo(db, id),
    stats: new SqliteCompletionStats(db, communeId),
    telegram: new SqliteTelegramStore(db, communeId),
    citizens: (o = {}) => new SqliteCitizenRepo(db, communeId, { coreQuizzes: o.coreQuizzes ?? [] }),
    attempts: new SqliteAttemptRepo(db, communeId),
    province: (home, clock) => sqliteProvinceDeps({ db, homeId: communeId, home, clock }),
    another: (id, name) => {
      ensureCommune(db, id, name);
      return Promise.resolve(sqliteRepos(db, path, id));
    },
    zalo: (appId, secrets) => {
      const store = new SqliteZaloStore(db, communeId, appId, undefined, secrets);
      return {
        state: store,
        enqueue: (userId, messages, at) => {
          store.outbox.enqueue(userId, messages, at);
          return Promise.resolve();
        },
      };
    },
  };
}
