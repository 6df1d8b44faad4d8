/**
 * The erasure contract (test/contracts/erasure.contract.ts) on PostgreSQL, as
 * the app role, a fresh commune per case: the same cases
 * test/integration/erasureContract.test.ts runs on SQLite, including the
 * report triggers of 019b taking the erased pass out of the daily counts.
 */
import { afterAll, beforeAll } from 'vitest';
import { PgAttemptRepo } from '../../src/storage/pg/pgAttemptRepo.js';
import { PgCitizenRepo } from '../../src/storage/pg/pgCitizenRepo.js';
import { PgConversationRepo } from '../../src/storage/pg/pgConversationRepo.js';
import { PgUnansweredLog } from '../../src/storage/pg/pgUnansweredLog.js';
import { describeErasureContract } from '../contracts/erasure.contract.js';
import { openPgContractDb, type PgContractDb } from './pgContractDb.js';

let pg: PgContractDb;
beforeAll(async () => {
  pg = await openPgContractDb();
});
afterAll(async () => {
  await pg?.close();
});

describeErasureContract('postgresql', async () => {
  const { communeId, tables } = await pg.commune();
  return {
    communeId,
    citizens: new PgCitizenRepo(pg.app, communeId),
    attempts: new PgAttemptRepo(pg.app, communeId),
    conversations: new PgConversationRepo(pg.app, communeId),
    unanswered: new PgUnansweredLog(pg.app, communeId),
    tables,
    close: () => undefined,
  };
});
