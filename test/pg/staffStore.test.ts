/**
 * The StaffStore and AuditLog contracts (test/contracts) on PostgreSQL, as the
 * app role (row-level security on), two fresh communes per case: the same
 * cases test/integration/staffStore.test.ts runs on SQLite. The racing
 * set-up-token case runs its spenders on separate pooled connections here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAuditLog } from '../../src/storage/pg/pgStaffAudit.js';
import { PgStaffStore } from '../../src/storage/pg/pgStaffStore.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { describeAuditLogContract } from '../contracts/auditLog.contract.js';
import { describeStaffStoreContract } from '../contracts/staffStore.contract.js';
import { openPgContractDb, type PgContractDb } from './pgContractDb.js';

let pg: PgContractDb;
beforeAll(async () => {
  pg = await openPgContractDb();
});
afterAll(async () => {
  await pg?.close();
});

describeStaffStoreContract('postgresql', async () => {
  const { communeId, tables } = await pg.commune();
  const other = await pg.commune();
  return {
    store: new PgStaffStore(pg.app, communeId),
    communeId,
    other: new PgStaffStore(pg.app, other.communeId),
    tables,
    close: () => undefined,
  };
});

describeAuditLogContract('postgresql', async (clock) => {
  const { communeId, tables } = await pg.commune();
  const other = await pg.commune();
  return {
    log: new PgAuditLog(pg.app, communeId, clock),
    communeId,
    other: new PgAuditLog(pg.app, other.communeId, clock),
    tables,
    close: () => undefined,
  };
});

describe('staff tables behind row-level security (postgresql)', () => {
  it("shows a commune none of another commune's staff rows, even to a query without a commune filter", async () => {
    const a = await pg.commune();
    const b = await pg.commune();
    const at = new Date('2026-12-01T08:00:00.000Z');
    const later = new Date('2026-12-08T08:00:00.000Z');
    const store = new PgStaffStore(pg.app, a.communeId);
    await store.addAccount({ id: 'tinh', name: 'Cán bộ tỉnh', role: 'province' }, at);
    await store.addSetupToken('tinh', 'token-rls', at, later);
    await store.addSession('session-rls', 'tinh', at, later);
    await store.addFailure([{ kind: 'account', key: 'tinh' }], at, at);
    await new PgAuditLog(pg.app, a.communeId, { now: () => at }).record({ actorId: 'tinh', action: 'staff.login' });

    const seen = (communeId: string) =>
      withCommune(pg.app, communeId, async (trx) => ({
        accounts: (await trx.selectFrom('staff_accounts').select('id').execute()).length,
        tokens: (await trx.selectFrom('staff_setup_tokens').select('token_hash').execute()).length,
        sessions: (await trx.selectFrom('staff_sessions').select('id_hash').execute()).length,
        failures: (await trx.selectFrom('staff_login_failures').select('key').execute()).length,
        audit: (await trx.selectFrom('staff_audit').select('id').execute()).length,
      }));
    expect(await seen(a.communeId)).toEqual({ accounts: 1, tokens: 1, sessions: 1, failures: 1, audit: 1 });
    expect(await seen(b.communeId)).toEqual({ accounts: 0, tokens: 0, sessions: 0, failures: 0, audit: 0 });
    // A's audit line cannot be rewritten from B either: the app role may rewrite none at all (migration 025).
    const rewrite = withCommune(pg.app, b.communeId, (trx) =>
      trx.updateTable('staff_audit').set({ action: 'x' }).execute(),
    );
    await expect(rewrite).rejects.toMatchObject({ code: '42501' });
    const deleted = await withCommune(pg.app, b.communeId, async (trx) =>
      Number((await trx.deleteFrom('staff_sessions').executeTakeFirst()).numDeletedRows),
    );
    expect(deleted).toBe(0);
    expect(await seen(a.communeId)).toEqual({ accounts: 1, tokens: 1, sessions: 1, failures: 1, audit: 1 });
  });
});
