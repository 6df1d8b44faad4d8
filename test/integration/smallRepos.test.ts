/**
 * The contracts of the conversation state, the unanswered-question log and
 * the answer-outcome counts (test/contracts) on SQLite, each case on a fresh
 * temporary file; test/pg runs the same cases on PostgreSQL.
 */
import { join } from 'node:path';
import { SqliteConversationRepo } from '../../src/storage/sqlite/conversationRepo.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqliteLearningRepo } from '../../src/storage/sqlite/learningRepo.js';
import { SqliteUnansweredLog } from '../../src/storage/sqlite/unansweredRepo.js';
import { describeAnswerOutcomeLogContract } from '../contracts/answerOutcomeLog.contract.js';
import { describeConversationRepoContract } from '../contracts/conversationRepo.contract.js';
import { sqliteTables } from '../contracts/tables.js';
import { describeUnansweredLogContract } from '../contracts/unansweredLog.contract.js';
import { tempDir } from '../helpers.js';

const COMMUNE = 'hung-chau';

function fresh(): { db: Db; close: () => void } {
  const tmp = tempDir('hocvuso-contract-');
  const db = openDatabase(join(tmp.dir, 'hocvuso.db'));
  return {
    db,
    close: () => {
      db.close();
      tmp.cleanup();
    },
  };
}

describeConversationRepoContract('sqlite', () => {
  const { db, close } = fresh();
  return { repo: new SqliteConversationRepo(db, COMMUNE), tables: sqliteTables(db), close };
});

describeUnansweredLogContract('sqlite', () => {
  const { db, close } = fresh();
  return { log: new SqliteUnansweredLog(db, COMMUNE), tables: sqliteTables(db), close };
});

describeAnswerOutcomeLogContract('sqlite', () => {
  const { db, close } = fresh();
  return { log: new SqliteLearningRepo(db, COMMUNE), tables: sqliteTables(db), close };
});
