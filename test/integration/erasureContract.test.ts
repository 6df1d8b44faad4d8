/**
 * The erasure contract (test/contracts/erasure.contract.ts) on SQLite, each
 * case on a fresh temporary file; test/pg/erasure.test.ts runs the same cases
 * on PostgreSQL. (test/integration/erasure.test.ts drives erasure through the
 * whole service and its channels.)
 */
import { join } from 'node:path';
import { SqliteAttemptRepo } from '../../src/storage/sqlite/attemptRepo.js';
import { SqliteCitizenRepo } from '../../src/storage/sqlite/citizenRepo.js';
import { SqliteConversationRepo } from '../../src/storage/sqlite/conversationRepo.js';
import { openDatabase } from '../../src/storage/sqlite/db.js';
import { SqliteUnansweredLog } from '../../src/storage/sqlite/unansweredRepo.js';
import { describeErasureContract } from '../contracts/erasure.contract.js';
import { sqliteTables } from '../contracts/tables.js';
import { tempDir } from '../helpers.js';

const COMMUNE = 'hung-chau';

describeErasureContract('sqlite', () => {
  const tmp = tempDir('hocvuso-erasure-');
  const db = openDatabase(join(tmp.dir, 'hocvuso.db'));
  return {
    communeId: COMMUNE,
    citizens: new SqliteCitizenRepo(db, COMMUNE),
    attempts: new SqliteAttemptRepo(db, COMMUNE),
    conversations: new SqliteConversationRepo(db, COMMUNE),
    unanswered: new SqliteUnansweredLog(db, COMMUNE),
    tables: sqliteTables(db),
    close: () => {
      db.close();
      tmp.cleanup();
    },
  };
});
