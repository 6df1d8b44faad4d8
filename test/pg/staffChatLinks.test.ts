/**
 * The staff chat links contract (test/contracts/staffChatLinks.contract.ts) on
 * PostgreSQL, as the app role, a fresh commune per case: the same cases
 * test/integration/staffChatLinksContract.test.ts runs on SQLite. And what
 * only PostgreSQL has to keep: one code redeemed at once by several
 * processes links one chat, once; and two accounts' codes redeemed from the
 * same chat at once end as if one after the other (the chat is the later
 * account's, as the contract's "moves a chat" case), never an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableAccess } from '../contracts/tables.js';
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

const addStaff = (tables: TableAccess, communeId: string, id: string) =>
  tables.insert('staff_accounts', {
    commune_id: communeId,
    id,
    name: `Cán bộ ${id}`,
    role: 'admin',
    created_at: '2026-12-01T00:00:00.000Z',
  });

describe('staff chat links on PostgreSQL only', () => {
  it('links a chat redeeming two accounts’ codes at once to the later one, both answered, no error', async () => {
    const { communeId, tables } = await pg.commune();
    await addStaff(tables, communeId, 'lan');
    await addStaff(tables, communeId, 'hoa');
    const at = new Date('2026-12-01T01:00:00.000Z');
    const expires = new Date(at.getTime() + 600_000);
    const first = new PgStaffChatLinks(pg.app, communeId);
    const second = new PgStaffChatLinks(pg.pool(), communeId);
    expect(await first.addCode('lan', `${communeId}:h-lan`, at, expires)).toBe(true);
    expect(await first.addCode('hoa', `${communeId}:h-hoa`, at, expires)).toBe(true);

    // A third process holds lan's account row: the first redeem has written its link row and
    // waits in the link's foreign-key check, uncommitted, when the second redeem starts.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = withCommune(pg.pool(), communeId, async (trx) => {
      await trx.selectFrom('staff_accounts').select('id').where('id', '=', 'lan').forUpdate().execute();
      locked();
      await held;
    });
    await isLocked;
    const lan = first.redeem(`${communeId}:h-lan`, 'telegram', 'chat-1', at);
    await pg.lockWaiters(1);
    const hoa = second.redeem(`${communeId}:h-hoa`, 'telegram', 'chat-1', at);
    await pg.lockWaiters(2);
    release();
    await holder;

    expect(await lan).toEqual({ ok: true, staffId: 'lan' });
    expect(await hoa).toEqual({ ok: true, staffId: 'hoa' });
    expect((await tables.rows('staff_chat_links')).map((r) => [r['staff_id'], r['channel'], r['user_id']])).toEqual([
      ['hoa', 'telegram', 'chat-1'],
    ]);
    expect(await first.linksOf('lan')).toEqual([]);
    expect(await first.isLinkedStaff('telegram', 'chat-1')).toBe(true);
  });

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
