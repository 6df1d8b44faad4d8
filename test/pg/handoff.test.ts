/**
 * The handoff tables on PostgreSQL (migration 020_handoff, the twin of SQLite
 * 020) keep the rules the SQLite store relies on: one open thread per
 * (channel, user), usable as the arbiter of an insert that loses a race; the
 * CHECKs; messages going with their thread; and, PostgreSQL only, a message
 * that cannot point at another commune's thread.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const A = 'xa-a';
const B = 'xa-b';
const AT = '2026-10-10T03:00:00.000Z';

function thread(commune: string, user: string) {
  return {
    commune_id: commune,
    channel: 'zalo',
    user_id: user,
    status: 'open' as const,
    reason: 'asked' as const,
    opened_at: AT,
    last_at: AT,
  };
}

async function openThread(app: Kysely<Database>, commune: string, user: string): Promise<number> {
  const row = await withCommune(app, commune, (trx) =>
    trx.insertInto('handoff_threads').values(thread(commune, user)).returning('id').executeTakeFirstOrThrow(),
  );
  return row.id;
}

describe('handoff tables on PostgreSQL', () => {
  let t: TestDatabase;
  let app: Kysely<Database>;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    app = connect<Database>(t.appUrl, 1);
    for (const commune of [A, B]) {
      await withCommune(app, commune, (trx) =>
        trx
          .insertInto('communes')
          .values({ id: commune, name: `Xã ${commune}` })
          .execute(),
      );
    }
  });
  afterAll(async () => {
    await app?.destroy();
    await t?.drop();
  });

  it('keeps one open thread per channel and user; a racing insert that loses does nothing; closed ones may pile up', async () => {
    const first = await openThread(app, A, 'u1');
    await expect(openThread(app, A, 'u1')).rejects.toMatchObject({ code: '23505' });
    const lost = await withCommune(app, A, (trx) =>
      trx
        .insertInto('handoff_threads')
        .values(thread(A, 'u1'))
        .onConflict((oc) =>
          oc.columns(['commune_id', 'channel', 'user_id']).where('status', '=', sql.lit('open')).doNothing(),
        )
        .returning('id')
        .execute(),
    );
    expect(lost).toEqual([]);
    await withCommune(app, A, (trx) =>
      trx.updateTable('handoff_threads').set({ status: 'closed', closed_at: AT }).where('id', '=', first).execute(),
    );
    const second = await openThread(app, A, 'u1');
    expect(second).toBeGreaterThan(first);
    // Another commune's resident with the same user id has a thread of their own.
    await openThread(app, B, 'u1');
    const rows = await withCommune(app, A, (trx) =>
      trx
        .selectFrom('handoff_threads')
        .select(['status', 'unread'])
        .where('user_id', '=', 'u1')
        .orderBy('id')
        .execute(),
    );
    expect(rows).toEqual([
      { status: 'closed', unread: 0 },
      { status: 'open', unread: 0 },
    ]);
  });

  it('refuses values outside the CHECKs', async () => {
    await expect(
      withCommune(app, A, (trx) =>
        trx
          .insertInto('handoff_threads')
          .values({ ...thread(A, 'u2'), status: 'waiting' as 'open' })
          .execute(),
      ),
    ).rejects.toMatchObject({ code: '23514' });
    const id = await openThread(app, A, 'u3');
    await expect(
      withCommune(app, A, (trx) =>
        trx
          .insertInto('handoff_messages')
          .values({ commune_id: A, thread_id: id, author: 'bot' as 'system', text: 'x', at: AT })
          .execute(),
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it("refuses a message of A that points at B's thread, and deletes a thread's messages with it", async () => {
    const theirs = await openThread(app, B, 'u4');
    await expect(
      withCommune(app, A, (trx) =>
        trx
          .insertInto('handoff_messages')
          .values({ commune_id: A, thread_id: theirs, author: 'staff', text: 'Chào anh', at: AT })
          .execute(),
      ),
    ).rejects.toMatchObject({ code: '23503' });

    const mine = await openThread(app, A, 'u4');
    await withCommune(app, A, async (trx) => {
      await trx
        .insertInto('handoff_messages')
        .values([
          { commune_id: A, thread_id: mine, author: 'resident', text: 'Cho tôi hỏi', at: AT },
          { commune_id: A, thread_id: mine, author: 'staff', text: 'Dạ, anh cứ hỏi', at: AT, delivery: 'pending' },
        ])
        .execute();
    });
    const before = await withCommune(app, A, (trx) =>
      trx
        .selectFrom('handoff_messages')
        .select(['author', 'delivery'])
        .where('thread_id', '=', mine)
        .orderBy('id')
        .execute(),
    );
    expect(before).toEqual([
      { author: 'resident', delivery: 'none' },
      { author: 'staff', delivery: 'pending' },
    ]);
    await withCommune(app, A, (trx) => trx.deleteFrom('handoff_threads').where('id', '=', mine).execute());
    const after = await withCommune(app, A, (trx) =>
      trx.selectFrom('handoff_messages').select('id').where('thread_id', '=', mine).execute(),
    );
    expect(after).toEqual([]);
  });
});
