/**
 * The handoff store and writer contract (test/contracts/handoffStore.contract.ts)
 * on PostgreSQL, as the app role, a fresh commune per case: the same cases
 * test/integration/handoffStoreContract.test.ts runs on SQLite. And what only
 * PostgreSQL has to keep: processes racing to open the same resident's thread
 * get one thread, a staff reply racing a "Xong" not yet committed by another
 * process waits for it and is refused, and a commune never sees another
 * commune's threads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandoffScope } from '../../src/core/stores/handoff.js';
import { PgHandoffStore } from '../../src/storage/pg/pgHandoffStore.js';
import { PgHandoffWriter } from '../../src/storage/pg/pgHandoffWriter.js';
import { closeThread } from '../../src/storage/pg/pgTurnHandoff.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { contractRender, describeHandoffStoreContract } from '../contracts/handoffStore.contract.js';
import { openPgContractDb, type PgContractDb } from './pgContractDb.js';

let pg: PgContractDb;
beforeAll(async () => {
  pg = await openPgContractDb();
});
afterAll(async () => {
  await pg?.close();
});

describeHandoffStoreContract('postgresql', async () => {
  const { communeId, tables } = await pg.commune();
  return {
    store: new PgHandoffStore(pg.app, communeId),
    writer: new PgHandoffWriter(pg.app, communeId),
    route: {
      queue: () => {
        throw new Error('a PostgreSQL writer must not queue through the SQLite outbox');
      },
      render: contractRender,
    },
    communeId,
    tables,
    close: () => undefined,
  };
});

const COMMUNE: HandoffScope = { kind: 'commune' };
const AT = new Date('2026-12-01T01:00:00.000Z');

describe('handoff store on PostgreSQL only', () => {
  it('gives one thread to opens of the same resident racing on several connections', async () => {
    const { communeId } = await pg.commune();
    // Separate stores, as separate processes would have; the pool hands each its own connection.
    const stores = Array.from({ length: 4 }, () => new PgHandoffStore(pg.app, communeId));
    const threads = await Promise.all(
      stores.map((s, i) => s.open({ channel: 'zalo', userId: 'u1', reason: 'asked', at: new Date(AT.getTime() + i) })),
    );
    const ids = new Set(threads.map((t) => t.id));
    expect(ids.size).toBe(1);
    expect(await stores[0]?.list(COMMUNE, { limit: 10 })).toHaveLength(1);
  });

  it('makes a staff reply wait for a "Xong" another process has not committed yet, then refuses it', async () => {
    const { communeId, tables } = await pg.commune();
    const store = new PgHandoffStore(pg.app, communeId);
    const thread = await store.open({ channel: 'zalo', userId: 'u1', reason: 'asked', at: AT });
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let closed!: () => void;
    const isClosed = new Promise<void>((resolve) => (closed = resolve));
    // The other process: its close is written, its transaction still open.
    const other = withCommune(pg.pool(), communeId, async (trx) => {
      expect(await closeThread(trx, communeId, thread.id, 'hoa', AT)).toBe(true);
      closed();
      await held;
    });
    await isClosed;
    const reply = new PgHandoffWriter(pg.app, communeId).reply(
      thread,
      { queue: () => [], render: contractRender },
      [{ kind: 'notice', text: 'Cán bộ xã: Chào bác' }],
      { staffId: 'lan', text: 'Chào bác', at: new Date(AT.getTime() + 1000) },
    );
    await pg.lockWaiters(1);
    commit();
    await other;
    expect(await reply).toBe('closed');
    expect(await store.messages(thread.id, 0, 10)).toEqual([]);
    expect(await tables.rows('outbox')).toEqual([]);
    expect(await store.get(thread.id, COMMUNE)).toMatchObject({ status: 'closed' });
  });

  it('shows a commune none of another commune’s threads, messages or head, even by id', async () => {
    const a = await pg.commune();
    const b = await pg.commune();
    const storeA = new PgHandoffStore(pg.app, a.communeId);
    const storeB = new PgHandoffStore(pg.app, b.communeId);
    const thread = await storeA.open({ channel: 'zalo', userId: 'u1', hamletId: 'xom-1', reason: 'asked', at: AT });
    const message = await storeA.append(thread.id, { author: 'resident', text: 'Cho tôi hỏi', at: AT });

    expect(await storeB.get(thread.id, COMMUNE)).toBeUndefined();
    expect(await storeB.get(thread.id, { kind: 'hamlet', hamletId: 'xom-1' })).toBeUndefined();
    expect(await storeB.list(COMMUNE, { limit: 10 })).toEqual([]);
    expect(await storeB.openThreadOf('zalo', 'u1')).toBeUndefined();
    expect(await storeB.messages(thread.id, 0, 10)).toEqual([]);
    expect(await storeB.since(COMMUNE, 0, 10)).toEqual([]);
    expect(await storeB.headId()).toBe(0);
    expect(await storeB.residentWrote(thread.id)).toBe(false);

    // B's writes aimed at A's thread change nothing of A's.
    await storeB.close(thread.id, 'lan', AT);
    await storeB.assign(thread.id, 'lan');
    await storeB.forget('zalo', 'u1');
    await expect(storeB.append(thread.id, { author: 'note', staffId: 'lan', text: 'x', at: AT })).rejects.toThrow();
    expect(await storeA.get(thread.id, COMMUNE)).toMatchObject({ status: 'open', unread: 1 });
    expect((await storeA.get(thread.id, COMMUNE))?.assigneeId).toBeUndefined();
    expect(await storeA.messages(thread.id, 0, 10)).toEqual([message]);

    // The same resident's id in B is B's own thread.
    const theirs = await storeB.open({ channel: 'zalo', userId: 'u1', reason: 'asked', at: AT });
    expect(theirs.id).not.toBe(thread.id);
    expect((await storeA.list(COMMUNE, { limit: 10 })).map((t) => t.id)).toEqual([thread.id]);
  });
});
