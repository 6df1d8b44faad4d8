/**
 * A one-statement transaction in one round trip (storage/pg/oneTrip.ts): the
 * commune's setting and the statement as one simple query. Row-level security
 * fences it as it fences `withCommune`, every value reaches the server as
 * written (quotes, backslashes, arrays, nulls), and a failing statement
 * leaves nothing behind, neither its writes nor a broken connection.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledOnce, preparedName } from '../../src/storage/pg/compiledOnce.js';
import { oneTrip } from '../../src/storage/pg/oneTrip.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const A = 'xa-a';
const B = 'xa-b';
const AT = '2026-10-10T03:00:00.000Z';

describe('a statement in one round trip', () => {
  let t: TestDatabase;
  let app: Kysely<Database>;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    // One connection: a connection left inside a failed transaction would fail the next test's statement.
    app = connect<Database>(t.appUrl, 1);
    for (const c of [A, B])
      await withCommune(app, c, (trx) => trx.insertInto('communes').values({ id: c, name: c }).execute());
  });
  afterAll(async () => {
    await app?.destroy();
    await t?.drop();
  });

  const citizen = (commune: string, id: string, name: string | null) =>
    app
      .insertInto('citizens')
      .values({ commune_id: commune, id, display_name: name, created_at: AT, updated_at: AT })
      .returning(['id', 'display_name'])
      .compile();

  it('writes and reads the values as given, in the commune set for it only', async () => {
    const tricky = "Bà Tư's \\ 'quán' \u00e0 ✓";
    const r = await oneTrip(app, A, citizen(A, 'c-1', tricky));
    expect(r.rows).toEqual([{ id: 'c-1', display_name: tricky }]);
    expect(r.numAffectedRows).toBe(1n);
    await oneTrip(app, A, citizen(A, 'c-2', null));
    // Arrays, as the outbox's marks send them.
    const picked = await oneTrip(
      app,
      A,
      sql<{ id: string }>`SELECT id FROM citizens WHERE id = ANY(${['c-1', 'c-2', "x'y"]}::text[]) ORDER BY id`.compile(
        app,
      ),
    );
    expect(picked.rows.map((row) => row.id)).toEqual(['c-1', 'c-2']);
    // Commune B sees none of A's rows, and cannot write one of A's.
    const seen = await oneTrip(app, B, app.selectFrom('citizens').select('id').compile());
    expect(seen.rows).toEqual([]);
    await expect(oneTrip(app, B, citizen(A, 'c-3', 'x'))).rejects.toThrow(/row-level security/);
  });

  it('keeps nothing of a failing statement, and the connection serves the next one', async () => {
    await expect(
      oneTrip(
        app,
        A,
        sql`WITH a AS (INSERT INTO citizens (commune_id, id, created_at, updated_at) VALUES (${A}, 'c-half', ${AT}, ${AT}))
            SELECT 1 / 0`.compile(app),
      ),
    ).rejects.toThrow(/division by zero/);
    const ids = await withCommune(app, A, (trx) => trx.selectFrom('citizens').select('id').orderBy('id').execute());
    expect(ids.map((row) => row.id)).toEqual(['c-1', 'c-2']);
  });

  describe('a statement compiled once, prepared on the server', () => {
    const insertCitizen = compiledOnce((db, a: { commune: string; id: string; name: string | null; at: string }) =>
      db
        .insertInto('citizens')
        .values({ commune_id: a.commune, id: a.id, display_name: a.name, created_at: a.at, updated_at: a.at })
        .returning(['id', 'display_name']),
    );
    const namesOf = compiledOnce((db, a: { prefix: string }) =>
      db.selectFrom('citizens').select('display_name').where('id', 'like', a.prefix).orderBy('id'),
    );
    /** The statements this pool's one connection has prepared by SQL PREPARE (not the driver's protocol-level ones). */
    const preparedHere = async (): Promise<string[]> => {
      const { rows } = await sql<{ name: string }>`
        SELECT name FROM pg_prepared_statements WHERE from_sql ORDER BY name`.execute(app);
      return rows.map((r) => r.name);
    };

    it('is prepared once per connection and run with each call’s values, quotes and NULL included', async () => {
      const name = "Ông Năm's 'nhà' \\ ✓";
      await oneTrip(app, A, insertCitizen({ commune: A, id: 'p-1', name, at: AT }));
      const second = await oneTrip(app, A, insertCitizen({ commune: A, id: 'p-2', name: null, at: AT }));
      expect(second.rows).toEqual([{ id: 'p-2', display_name: null }]);
      expect(second.numAffectedRows).toBe(1n);
      const read = await oneTrip(app, A, namesOf({ prefix: 'p-%' }));
      expect(read.rows).toEqual([{ display_name: name }, { display_name: null }]);
      const names = [insertCitizen({ commune: A, id: '', name: null, at: AT }).sql, namesOf({ prefix: '' }).sql].map(
        (text) => preparedName(text),
      );
      expect(names.every((n) => n !== undefined)).toBe(true);
      expect(await preparedHere()).toEqual(names.sort());
    });

    it('keeps the commune fence: the same prepared statement shows and takes only the commune set for it', async () => {
      expect((await oneTrip(app, B, namesOf({ prefix: 'p-%' }))).rows).toEqual([]);
      await expect(oneTrip(app, B, insertCitizen({ commune: A, id: 'p-3', name: 'x', at: AT }))).rejects.toThrow(
        /row-level security/,
      );
      await oneTrip(app, B, insertCitizen({ commune: B, id: 'p-4', name: 'b', at: AT }));
      expect((await oneTrip(app, B, namesOf({ prefix: 'p-%' }))).rows).toEqual([{ display_name: 'b' }]);
      expect((await oneTrip(app, A, namesOf({ prefix: 'p-%' }))).rows).toHaveLength(2);
    });

    it('gives up a connection whose query failed where it prepared, so the next call prepares afresh', async () => {
      const failing = compiledOnce((_db, a: { n: number }) => sql<{ q: number }>`SELECT 1 / ${a.n}::int AS q`);
      await expect(oneTrip(app, A, failing({ n: 0 }))).rejects.toThrow(/division by zero/);
      expect((await oneTrip(app, A, failing({ n: 1 }))).rows).toEqual([{ q: 1 }]);
    });
  });

  it('refuses a commune id that could end its literal', async () => {
    await expect(oneTrip(app, "a'; DROP TABLE citizens; --", citizen(A, 'c-9', 'x'))).rejects.toThrow(
      /invalid commune id/,
    );
  });
});
