/**
 * The StaffStore and AuditLog contracts (test/contracts) on SQLite, each case
 * on a fresh temporary file holding two communes; test/pg/staffStore.test.ts
 * runs the same cases on PostgreSQL.
 */
import { join } from 'node:path';
import { ensureCommune, openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqliteAuditLog } from '../../src/storage/sqlite/staffAudit.js';
import { SqliteStaffStore } from '../../src/storage/sqlite/staffStore.js';
import { describeAuditLogContract } from '../contracts/auditLog.contract.js';
import { describeStaffStoreContract } from '../contracts/staffStore.contract.js';
import { sqliteTables } from '../contracts/tables.js';
import { tempDir } from '../helpers.js';

const COMMUNE = 'hung-chau';
const OTHER = 'xa-ben-canh';

function fresh(): { db: Db; close: () => void } {
  const tmp = tempDir('hocvuso-contract-');
  const db = openDatabase(join(tmp.dir, 'hocvuso.db'));
  ensureCommune(db, COMMUNE);
  ensureCommune(db, OTHER);
  return {
    db,
    close: () => {
      db.close();
      tmp.cleanup();
    },
  };
}

describeStaffStoreContract('sqlite', () => {
  const { db, close } = fresh();
  return {
    store: new SqliteStaffStore(db, COMMUNE),
    communeId: COMMUNE,
    other: new SqliteStaffStore(db, OTHER),
    tables: sqliteTables(db),
    close,
  };
});

describeAuditLogContract('sqlite', (clock) => {
  const { db, close } = fresh();
  return {
    log: new SqliteAuditLog(db, COMMUNE, clock),
    communeId: COMMUNE,
    other: new SqliteAuditLog(db, OTHER, clock),
    tables: sqliteTables(db),
    close,
  };
});
