/**
 * The staff chat links contract (test/contracts/staffChatLinks.contract.ts) on
 * PostgreSQL, as the app role, a fresh commune per case: the same cases
 * test/integration/staffChatLinksContract.test.ts runs on SQLite. And what
 * only PostgreSQL has to keep: one code redeemed at once by several
 * processes links one chat, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgStaffChatLinks } from '../../src/storage/pg/pgStaffChatLinks.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { describeStaffChatLinksContract } from '../contracts/staffChatLinks.contract.js';
import { openPgContractDb, type PgContractDb } from './pgContractDb.js';

let pg: PgContractDb;
beforeAll(async () => {
  pg = await openPgContractDb();
});
afterAll(async () => {
  await pg?.close();
});

describeStaffChatLinksContract('postgresql', async () => {
  const { communeId, tables } = await pg.commune();
  return {
    links: new PgStaffChatLinks(pg.app, communeId),
    communeId,
    tables,
    disable: async (staffId, at) => {
      await withCommune(pg.app, communeId, (trx) =>
        trx
          .updateTable('staff_accounts')
          .set({ disabled_at: at.toISOString() })
          .where('commune_id', '=', communeId)
          .where('id', '=', staffId)
          .execute(),
      );
    },
    close: () => undefined,
  };
});

describe('staff chat links on PostgreSQL only', () => {
  it('spends a code redeemed by several processes at once exactly once', async () => {
    const { communeId, tables } = await pg.commune();
    await tables.insert('staff_accounts', {
      commune_id: communeId,
      id: 'lan',
      name: 'Cán bộ Lan',
      role: 'admin',
      created_at: '2026-12-01T00:00:00.000Z',
    });
    const at = new Date('2026-12-01T01:00:00.000Z');
    const stores = Array.from({ length: 4 }, () => new PgStaffChatLinks(pg.app, communeId));
    expect(await stores[0]?.addCode('lan', `${communeId}:h-1`, at, new Date(at.getTime() + 600_000))).toBe(true);
    const outcomes = await Promise.all(stores.map((s, i) => s.redeem(`${communeId}:h-1`, 'telegram', `chat-${i}`, at)));
    expect(outcomes.filter((o) => o.ok)).toEqual([{ ok: true, staffId: 'lan' }]);
    expect(outcomes.filter((o) => !o.ok)).toEqual(Array(3).fill({ ok: false, reason: 'expired' }));
    expect(await tables.rows('staff_chat_links')).toHaveLength(1);
  });
});
