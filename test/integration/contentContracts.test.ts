/**
 * The contracts of the console's content stores (test/contracts: commune
 * settings, learning loop, console FAQ) on SQLite, each case on a fresh
 * temporary file; test/pg/contentRepos.test.ts runs the same cases on
 * PostgreSQL.
 */
import { join } from 'node:path';
import { SqliteCommuneSettingsRepo } from '../../src/storage/sqlite/communeSettingsRepo.js';
import { SqliteConsoleFaqRepo } from '../../src/storage/sqlite/consoleFaqRepo.js';
import { ensureCommune, openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqliteLearningRepo } from '../../src/storage/sqlite/learningRepo.js';
import { describeCommuneSettingsContract } from '../contracts/communeSettings.contract.js';
import { describeConsoleFaqContract } from '../contracts/consoleFaq.contract.js';
import { describeLearningContract } from '../contracts/learning.contract.js';
import { sqliteTables } from '../contracts/tables.js';
import { tempDir } from '../helpers.js';

const COMMUNE = 'hung-chau';

function fresh(): { db: Db; close: () => void } {
  const tmp = tempDir('hocvuso-content-contract-');
  const db = openDatabase(join(tmp.dir, 'hocvuso.db'));
  ensureCommune(db, COMMUNE);
  return {
    db,
    close: () => {
      db.close();
      tmp.cleanup();
    },
  };
}

describeCommuneSettingsContract('sqlite', () => {
  const { db, close } = fresh();
  return { store: new SqliteCommuneSettingsRepo(db, COMMUNE), communeId: COMMUNE, tables: sqliteTables(db), close };
});

describeLearningContract('sqlite', () => {
  const { db, close } = fresh();
  return { store: new SqliteLearningRepo(db, COMMUNE), communeId: COMMUNE, tables: sqliteTables(db), close };
});

describeConsoleFaqContract('sqlite', () => {
  const { db, close } = fresh();
  return { store: new SqliteConsoleFaqRepo(db, COMMUNE), tables: sqliteTables(db), close };
});
