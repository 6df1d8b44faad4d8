/**
 * The handoff store and writer contract (test/contracts/handoffStore.contract.ts)
 * on SQLite, each case on a fresh temporary file; test/pg/handoffStore.test.ts
 * runs the same cases on PostgreSQL.
 */
import { join } from 'node:path';
import { openDatabase } from '../../src/storage/sqlite/db.js';
import { SqliteHandoffStore } from '../../src/storage/sqlite/handoffRepo.js';
import { SqliteHandoffWriter } from '../../src/storage/sqlite/handoffWriter.js';
import { SqliteOutboxStore } from '../../src/storage/sqlite/outboxStore.js';
import { contractRender, describeHandoffStoreContract } from '../contracts/handoffStore.contract.js';
import { sqliteTables } from '../contracts/tables.js';
import { tempDir } from '../helpers.js';

const COMMUNE = 'hung-chau';

describeHandoffStoreContract('sqlite', () => {
  const tmp = tempDir('hocvuso-handoff-contract-');
  const db = openDatabase(join(tmp.dir, 'hocvuso.db'));
  const store = new SqliteHandoffStore(db, COMMUNE);
  const outbox = new SqliteOutboxStore<{ text: string }>(db, COMMUNE, 'zalo');
  return {
    store,
    writer: new SqliteHandoffWriter(db, store),
    route: {
      queue: (userId, replies, at) => outbox.enqueue(userId, contractRender(userId, replies), at),
      render: contractRender,
    },
    communeId: COMMUNE,
    tables: sqliteTables(db),
    close: () => {
      db.close();
      tmp.cleanup();
    },
  };
});
