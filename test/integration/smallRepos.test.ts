/**
 * The contracts of the conversation state, the unanswered-question log, the
 * answer-outcome counts, the web identity move and the service secrets
 * (test/contracts) on SQLite, each case on a fresh
 * temporary file; test/pg runs the same cases on PostgreSQL.
 */
import { join } from 'node:path';
import { SqliteConversationRepo } from '../../src/storage/sqlite/conversationRepo.js';
import { ensureCommune, openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqliteLearningRepo } from '../../src/storage/sqlite/learningRepo.js';
import { serviceSecret } from '../../src/storage/sqlite/serviceSecrets.js';
import { SqliteUnansweredLog } from '../../src/storage/sqlite/unansweredRepo.js';
import { moveWebIdentity } from '../../src/storage/sqlite/webIdentity.js';
import { describeAnswerOutcomeLogContract } from '../contracts/answerOutcomeLog.contract.js';
import { describeConversationRepoContract } from '../contracts/conversationRepo.contract.js';
import { sqliteTables } from '../contracts/tables.js';
import { describeUnansweredLogContract } from '../contracts/unansweredLog.contract.js';
import { describeServiceSecretContract, describeWebIdentityContract } from '../contracts/webIdentity.contract.js';
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

describeWebIdentityContract('sqlite', () => {
  const { db, close } = fresh();
  const other = 'xa-ben-canh';
  ensureCommune(db, COMMUNE);
  ensureCommune(db, other);
  const tables = sqliteTables(db);
  return {
    communeId: COMMUNE,
    otherCommuneId: other,
    move: (from, to) => moveWebIdentity(db, COMMUNE, from, to),
    tables,
    allRows: (table) => tables.rows(table),
    close,
  };
});

describeServiceSecretContract('sqlite', () => {
  const { db, close } = fresh();
  return { secret: (name) => serviceSecret(db, name), close };
});
