/**
 * The staff reports' data contract (test/contracts/reportSource.contract.ts)
 * on SQLite: one temporary file per case, its communes side by side in it, as
 * a province install keeps them; test/pg/reportSource.test.ts runs the same
 * cases on PostgreSQL.
 */
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { DEFAULT_COMMUNE } from '../../src/content/loadCommune.js';
import { sqliteProvinceDeps } from '../../src/staff/provinceCompose.js';
import { SqliteAttemptRepo } from '../../src/storage/sqlite/attemptRepo.js';
import { SqliteCitizenRepo } from '../../src/storage/sqlite/citizenRepo.js';
import { ensureCommune, openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqlitePopulationRepo } from '../../src/storage/sqlite/populationRepo.js';
import { SqliteProvinceRepo } from '../../src/storage/sqlite/provinceRepo.js';
import { SqliteReportRepo } from '../../src/storage/sqlite/reportRepo.js';
import { SqliteCompletionStats } from '../../src/storage/sqlite/statsRepo.js';
import { describeReportSourceContract } from '../contracts/reportSource.contract.js';
import { tempDir } from '../helpers.js';

const opened: { db: Db; cleanup: () => void }[] = [];
afterAll(() => {
  for (const o of opened) {
    o.db.close();
    o.cleanup();
  }
});

describeReportSourceContract('sqlite', () => {
  const tmp = tempDir('hocvuso-reports-');
  const db = openDatabase(join(tmp.dir, 'hocvuso.db'));
  opened.push({ db, cleanup: tmp.cleanup });
  let serial = 0;
  return {
    commune() {
      const communeId = `xa-${++serial}`;
      ensureCommune(db, communeId, `Xã thử ${serial}`);
      return Promise.resolve({
        communeId,
        citizens: new SqliteCitizenRepo(db, communeId),
        attempts: new SqliteAttemptRepo(db, communeId),
        reports: new SqliteReportRepo(db, communeId),
        stats: new SqliteCompletionStats(db, communeId),
        population: new SqlitePopulationRepo(db, communeId),
      });
    },
    province(homeId, now) {
      return {
        source: new SqliteProvinceRepo(db, homeId),
        deps: sqliteProvinceDeps({ db, homeId, home: () => DEFAULT_COMMUNE, clock: { now: () => now } }),
      };
    },
  };
});
