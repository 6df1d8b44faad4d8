/**
 * The citizen register: the CitizenRepo contract (test/contracts) run against
 * the SQLite repo (a temporary file, real migrations) and the memory repo the
 * other tests use as a fake, so neither the fake nor PostgreSQL's repo (the
 * same contract in test/pg/citizenRepo.test.ts) can drift from production.
 */
import { join } from 'node:path';
import { MemoryAttemptRepo, MemoryCitizenRepo, MemoryRegistryStore } from '../../src/storage/memory/index.js';
import { SqliteAttemptRepo } from '../../src/storage/sqlite/attemptRepo.js';
import { SqliteCitizenRepo } from '../../src/storage/sqlite/citizenRepo.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import {
  CITIZEN_TABLES,
  describeCitizenRepoContract,
  type CitizenSubjectFactory,
} from '../contracts/citizenRepo.contract.js';
import { tempDir } from '../helpers.js';

const COMMUNE = 'hung-chau';

function sqliteCounts(db: Db): Record<string, number> {
  return Object.fromEntries(
    CITIZEN_TABLES.map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]),
  );
}

const makeSqlite: CitizenSubjectFactory = (opts = {}) => {
  const tmp = tempDir('hocvuso-citizens-');
  const db = openDatabase(join(tmp.dir, 'hocvuso.db'));
  return {
    citizens: new SqliteCitizenRepo(db, COMMUNE, opts),
    attempts: new SqliteAttemptRepo(db, COMMUNE),
    counts: () => sqliteCounts(db),
    close: () => {
      db.close();
      tmp.cleanup();
    },
  };
};

const makeMemory: CitizenSubjectFactory = (opts = {}) => {
  const store = new MemoryRegistryStore();
  return {
    citizens: new MemoryCitizenRepo(store, opts),
    attempts: new MemoryAttemptRepo(store),
    counts: () => store.counts(),
    close: () => undefined,
  };
};

describeCitizenRepoContract('sqlite', makeSqlite);
describeCitizenRepoContract('memory', makeMemory);
