/**
 * A turn's transaction shared with the engine's stores (storage/pg/tenant.ts
 * `sharingTransaction`): a store's `withCommune` made on the turn's behalf
 * writes in the turn's transaction (committed or rolled back with it, on its
 * connection), a failing one undoes the whole shared part (one savepoint) and
 * leaves the turn's transaction usable, calls made side by side run one after
 * another, and another commune, or work left running after the turn, gets a
 * transaction of its own.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/storage/pg/schema.js';
import { sharingTransaction, withCommune } from '../../src/storage/pg/tenant.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const A = 'xa-a';
const B = 'xa-b';
const AT = '2026-10-10T03:00:00.000Z';

/** What a store method does: one insert in a `withCommune` of its own. */
function addCitizen(db: Kysely<Database>, commune: string, id: string): Promise<number> {
  return withCommune(db, commune, async (trx) => {
    await trx.insertInto('citizens').values({ commune_id: commune, id, created_at: AT, updated_at: AT }).execute();
    const pid = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
    return pid.rows[0]?.pid ?? -1;
  });
}

async function citizens(db: Kysely<Database>, commune: string): Promise<string[]> {
  const rows = await withCommune(db, commune, (trx) => trx.selectFrom('citizens').select('id').orderBy('id').execute());
  return rows.map((r) => r.id);
}

describe('a turn transaction shared with the stores', () => {
  let t: TestDatabase;
  let app: Kysely<Database>;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    app = connect<Database>(t.appUrl, 4);
    for (const c of [A, B])
      await withCommune(app, c, (trx) => trx.insertInto('communes').values({ id: c, name: c }).execute());
  });
  afterAll(async () => {
    await app?.destroy();
    await t?.drop();
  });

  it("writes a store's rows in the turn's transaction, on its connection: rolled back with it", async () => {
    const failed = withCommune(app, A, async (trx) => {
      const turnPid = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx)).rows[0]?.pid;
      const storePid = await sharingTransaction(app, A, trx, () => addCitizen(app, A, 'c-rolled-back'));
      expect(storePid).toBe(turnPid);
      // Not committed yet: another connection does not see it.
      expect(await citizens(app, A)).not.toContain('c-rolled-back');
      throw new Error('the turn fails');
    });
    await expect(failed).rejects.toThrow('the turn fails');
    expect(await citizens(app, A)).not.toContain('c-rolled-back');

    await withCommune(app, A, (trx) => sharingTransaction(app, A, trx, () => addCitizen(app, A, 'c-committed')));
    expect(await citizens(app, A)).toContain('c-committed');
  });

  it('undoes the shared part as one when a store call fails, even one the body caught; the turn goes on', async () => {
    await withCommune(app, A, async (trx) => {
      const shared = sharingTransaction(app, A, trx, async () => {
        await addCitizen(app, A, 'c-undone');
        // A duplicate key: the statement fails, and with it the transaction until the savepoint is rolled back.
        await expect(addCitizen(app, A, 'c-undone')).rejects.toThrow();
        // Later calls of the body fail at once, with that error.
        await expect(addCitizen(app, A, 'c-never')).rejects.toThrow();
        return 'the body caught it';
      });
      await expect(shared).rejects.toThrow(/duplicate key/);
      // The turn's transaction is usable again, and keeps none of the shared part.
      await trx
        .insertInto('citizens')
        .values({ commune_id: A, id: 'c-turn', created_at: AT, updated_at: AT })
        .execute();
    });
    const ids = await citizens(app, A);
    expect(ids).toContain('c-turn');
    expect(ids).not.toContain('c-undone');
    expect(ids).not.toContain('c-never');
  });

  it('undoes what a store call wrote before it threw, with the rest of the shared part', async () => {
    await withCommune(app, A, async (trx) => {
      const shared = sharingTransaction(app, A, trx, async () => {
        await addCitizen(app, A, 'c-before');
        await withCommune(app, A, async (inner) => {
          await inner
            .insertInto('citizens')
            .values({ commune_id: A, id: 'c-half', created_at: AT, updated_at: AT })
            .execute();
          throw new Error('the store gives up');
        });
      });
      await expect(shared).rejects.toThrow('the store gives up');
    });
    const ids = await citizens(app, A);
    expect(ids).not.toContain('c-half');
    expect(ids).not.toContain('c-before');
  });

  it('runs calls made side by side one after another, and a store calling another inside its own call', async () => {
    await withCommune(app, A, async (trx) =>
      sharingTransaction(app, A, trx, async () => {
        await Promise.all(Array.from({ length: 8 }, (_, i) => addCitizen(app, A, `c-side-${i}`)));
        // A store that calls another store inside its transaction: the inner call runs in it too.
        await withCommune(app, A, async (outer) => {
          await outer
            .insertInto('citizens')
            .values({ commune_id: A, id: 'c-outer', created_at: AT, updated_at: AT })
            .execute();
          await addCitizen(app, A, 'c-inner');
        });
      }),
    );
    const ids = await citizens(app, A);
    for (let i = 0; i < 8; i++) expect(ids).toContain(`c-side-${i}`);
    expect(ids).toEqual(expect.arrayContaining(['c-outer', 'c-inner']));
  });

  it('gives another commune, and work left running after the turn, a transaction of their own', async () => {
    let late: Promise<number> | undefined;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    await withCommune(app, A, async (trx) => {
      const pid = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx)).rows[0]?.pid;
      await sharingTransaction(app, A, trx, async () => {
        // Another commune's store: its own transaction (another connection), whatever the turn does.
        expect(await addCitizen(app, B, 'c-of-b')).not.toBe(pid);
        late = gate.then(() => addCitizen(app, A, 'c-late'));
      });
    });
    // The turn has committed and given its connection back: the late call opens a transaction of its own.
    release();
    await late;
    expect(await citizens(app, A)).toContain('c-late');
    expect(await citizens(app, B)).toEqual(['c-of-b']);
  });
});
