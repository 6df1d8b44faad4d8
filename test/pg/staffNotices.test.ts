/**
 * The staff's notice of a new handoff thread on PostgreSQL
 * (storage/pg/pgStaffNotices.ts), as the PostgreSQL turn runner's `opened`
 * hook: the sinks' outbox rows are written in the transaction that opened the
 * thread, so staff hear of an opening that committed and never of one rolled
 * back; a sink without rows stays silent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramStaffNoticeRows } from '../../src/channels/telegram/handoff.js';
import { ReplyRoutes, StaffNotices } from '../../src/core/handoff/routes.js';
import { createHandoffService } from '../../src/core/handoff/service.js';
import { newThreadNotice } from '../../src/core/handoff/texts.js';
import { PgHandoffStore } from '../../src/storage/pg/pgHandoffStore.js';
import { PgHandoffWriter } from '../../src/storage/pg/pgHandoffWriter.js';
import { pgOpenedNotice } from '../../src/storage/pg/pgStaffNotices.js';
import { PgTurnHandoff } from '../../src/storage/pg/pgTurnHandoff.js';
import type { PgTurnHandoffDeps } from '../../src/storage/pg/pgTurnRunner.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { openPgContractDb, type PgContractDb } from './pgContractDb.js';

let pg: PgContractDb;
beforeAll(async () => {
  pg = await openPgContractDb();
});
afterAll(async () => {
  await pg?.close();
});

const AT = new Date('2026-12-01T01:00:00.000Z');
const STAFF_GROUP = -100123;

describe('staff notice of a new thread on PostgreSQL', () => {
  it('writes the staff group’s outbox row in the opening’s transaction: there when it commits, gone when it rolls back', async () => {
    const { communeId, tables } = await pg.commune();
    const notices = new StaffNotices();
    const heardOnSqlite: string[] = [];
    notices.register((text) => heardOnSqlite.push(text), telegramStaffNoticeRows(STAFF_GROUP));
    notices.register((text) => heardOnSqlite.push(text)); // no rows: silent on PostgreSQL
    const service = createHandoffService({
      store: new PgHandoffStore(pg.app, communeId),
      writer: new PgHandoffWriter(pg.app, communeId),
      routes: new ReplyRoutes(),
      notices,
      clock: { now: () => AT },
      hamletName: (id) => (id === 'xom-1' ? 'Xóm 1' : undefined),
    });
    const handoff: PgTurnHandoffDeps = {
      store: new PgTurnHandoff(communeId),
      opened: pgOpenedNotice(communeId, notices, (thread) => service.noticeOf(thread)),
    };

    await withCommune(pg.app, communeId, async (trx) => {
      const thread = await handoff.store.open(trx, {
        channel: 'zalo',
        userId: 'u1',
        hamletId: 'xom-1',
        reason: 'asked',
        at: AT,
      });
      await handoff.opened?.(trx, thread, AT);
    });
    const text = newThreadNotice('Xóm 1', 'zalo');
    expect(
      (await tables.rows('outbox')).map((r) => [
        r['channel'],
        r['user_id'],
        r['status'],
        JSON.parse(String(r['payload_json'])) as unknown,
      ]),
    ).toEqual([
      [
        'telegram',
        String(STAFF_GROUP),
        'pending',
        { op: 'reply', chatId: STAFF_GROUP, reply: { kind: 'notice', text } },
      ],
    ]);

    await expect(
      withCommune(pg.app, communeId, async (trx) => {
        const thread = await handoff.store.open(trx, { channel: 'zalo', userId: 'u2', reason: 'asked', at: AT });
        await handoff.opened?.(trx, thread, AT);
        throw new Error('the turn failed after opening');
      }),
    ).rejects.toThrow('the turn failed after opening');
    expect(await tables.rows('outbox')).toHaveLength(1);
    expect(await tables.rows('handoff_threads')).toHaveLength(1);
    // The SQLite sinks are not called on PostgreSQL.
    expect(heardOnSqlite).toEqual([]);
  });
});
