/**
 * The contracts of the conversation state, the unanswered-question log, the
 * answer-outcome counts, the web identity move and the service secrets
 * (test/contracts) on PostgreSQL, as the app role,
 * a fresh commune per case: the same cases test/integration/smallRepos.test.ts
 * runs on SQLite.
 */
import { afterAll, beforeAll } from 'vitest';
import { PgAnswerOutcomeLog } from '../../src/storage/pg/pgAnswerOutcomeLog.js';
import { PgConversationRepo } from '../../src/storage/pg/pgConversationRepo.js';
import { pgServiceSecret } from '../../src/storage/pg/pgServiceSecrets.js';
import { PgUnansweredLog } from '../../src/storage/pg/pgUnansweredLog.js';
import { pgMoveWebIdentity } from '../../src/storage/pg/pgWebIdentity.js';
import { describeAnswerOutcomeLogContract } from '../contracts/answerOutcomeLog.contract.js';
import { describeConversationRepoContract } from '../contracts/conversationRepo.contract.js';
import { describeUnansweredLogContract } from '../contracts/unansweredLog.contract.js';
import { describeServiceSecretContract, describeWebIdentityContract } from '../contracts/webIdentity.contract.js';
import { openPgContractDb, type PgContractDb } from './pgContractDb.js';

let pg: PgContractDb;
beforeAll(async () => {
  pg = await openPgContractDb();
});
afterAll(async () => {
  await pg?.close();
});

describeConversationRepoContract('postgresql', async () => {
  const { communeId, tables } = await pg.commune();
  return { repo: new PgConversationRepo(pg.app, communeId), tables, close: () => undefined };
});

describeUnansweredLogContract('postgresql', async () => {
  const { communeId, tables } = await pg.commune();
  return { log: new PgUnansweredLog(pg.app, communeId), tables, close: () => undefined };
});

describeAnswerOutcomeLogContract('postgresql', async () => {
  const { communeId, tables } = await pg.commune();
  return { log: new PgAnswerOutcomeLog(pg.app, communeId), tables, close: () => undefined };
});

describeWebIdentityContract('postgresql', async () => {
  const mine = await pg.commune();
  const other = await pg.commune();
  return {
    communeId: mine.communeId,
    otherCommuneId: other.communeId,
    move: (from, to) => pgMoveWebIdentity(pg.app, mine.communeId, from, to),
    tables: mine.tables,
    allRows: async (table) => [...(await mine.tables.rows(table)), ...(await other.tables.rows(table))],
    close: () => undefined,
  };
});

describeServiceSecretContract('postgresql', () => ({
  secret: (name) => pgServiceSecret(pg.app, name),
  close: () => undefined,
}));
