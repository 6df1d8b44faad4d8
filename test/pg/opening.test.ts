/**
 * A transaction's first statements sent with its BEGIN (tenant.ts `Opening`,
 * db.ts's driver, statementsPool.ts): each statement's rows come back, in
 * order, read under the commune's row-level security; a failing one rejects
 * the transaction and leaves the connection usable; inside a turn's shared
 * transaction nothing is sent, and the caller runs them itself.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/storage/pg/schema.js';
import { sharingTransaction, withCommune, type Opening } from '../../src/storage/pg/tenant.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const A = 'xo-a';
const B = 'xo-b';
const AT = '2026-10-10T03:00:00.000Z';

describe("a transaction's opening statements", () => {
  let t: TestDatabase;
  let app: Kysely<Database>;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    // One connection: a connection left inside a failed transaction would fail the next statement.
    app = connect<Database>(t.appUrl, 1);
    for (const c of [A, B])
      await withCommune(app, c, (trx) => trx.insertInto('communes').values({ id: c, name: c }).execute());
    for (const [c, id] of [
      [A, 'c-a'],
      [B, 'c-b'],
    ] as const)
      await withCommune(app, c, (trx) =>
        trx.insertInto('citizens').values({ commune_id: c, id, created_at: AT, updated_at: AT }).execute(),
      );
  });
  afterAll(async () => {
    await app?.destroy();
    await t?.drop();
  });

  const ids = () => app.selectFrom('citizens').select('id').orderBy('id').compile();

  it("answers with each statement's rows, in order, in the commune's rows only, and takes the savepoint", async () => {
    const opening: Opening = {
      statements: [
        ids(),
        sql<{ n: number }>`SELECT ${"it's"}::text AS quoted, 2 AS n`.compile(app),
        app.updateTable('citizens').set({ display_name: 'Tư' }).where('id', '=', 'c-a').returning('id').compile(),
      ],
      savepoint: true,
    };
    const after = await withCommune(
      app,
      A,
      async (trx) => {
        // The savepoint went with the BEGIN: rolling back to it keeps what the opening wrote.
        await sql`UPDATE citizens SET display_name = 'Ba'`.execute(trx);
        await sql`ROLLBACK TO SAVEPOINT shared`.execute(trx);
        return (await trx.selectFrom('citizens').select('display_name').executeTakeFirst())?.display_name;
      },
      opening,
    );
    expect(opening.results).toEqual([[{ id: 'c-a' }], [{ quoted: "it's", n: 2 }], [{ id: 'c-a' }]]);
    expect(after).toBe('Tư');
  });

  it('rejects when a statement fails, keeps nothing of the transaction, and the connection serves the next', async () => {
    const opening: Opening = {
      statements: [
        app.updateTable('citizens').set({ display_name: 'lost' }).where('id', '=', 'c-a').compile(),
        sql`SELECT 1 / 0`.compile(app),
      ],
    };
    let ran = false;
    await expect(
      withCommune(
        app,
        A,
        () => {
          ran = true;
          return Promise.resolve();
        },
        opening,
      ),
    ).rejects.toThrow(/division by zero/);
    expect(ran).toBe(false);
    const names = await withCommune(app, A, (trx) => trx.selectFrom('citizens').select('display_name').execute());
    expect(names).toEqual([{ display_name: 'Tư' }]);
  });

  it("sends nothing inside a turn's shared transaction: the caller runs the statements", async () => {
    const inner: Opening = { statements: [ids()] };
    await withCommune(app, B, (trx) =>
      sharingTransaction(app, B, trx, () => withCommune(app, B, () => Promise.resolve(), inner)),
    );
    expect(inner.results).toBeUndefined();
  });
});
