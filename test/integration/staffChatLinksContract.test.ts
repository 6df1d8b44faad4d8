/**
 * The staff chat links contract (test/contracts/staffChatLinks.contract.ts) on
 * SQLite, each case on a fresh temporary file; test/pg/staffChatLinks.test.ts
 * runs the same cases on PostgreSQL.
 */
import { join } from 'node:path';
import { openDatabase } from '../../src/storage/sqlite/db.js';
import { SqliteStaffChatLinks } from '../../src/storage/sqlite/staffChatLinkRepo.js';
import { describeStaffChatLinksContract } from '../contracts/staffChatLinks.contract.js';
import { sqliteTables } from '../contracts/tables.js';
import { tempDir } from '../helpers.js';

const COMMUNE = 'hung-chau';

describeStaffChatLinksContract('sqlite', () => {
  const tmp = tempDir('hocvuso-staff-chat-contract-');
  const db = openDatabase(join(tmp.dir, 'hocvuso.db'));
  return {
    links: new SqliteStaffChatLinks(db, COMMUNE),
    communeId: COMMUNE,
    tables: sqliteTables(db),
    disable: (staffId, at) => {
      db.prepare('UPDATE staff_accounts SET disabled_at = ? WHERE commune_id = ? AND id = ?').run(
        at.toISOString(),
        COMMUNE,
        staffId,
      );
      return Promise.resolve();
    },
    close: () => {
      db.close();
      tmp.cleanup();
    },
  };
});
