/**
 * A one-statement transaction in one round trip (storage/pg/oneTrip.ts): the
 * commune's setting and the statement as one simple query. Row-level security
 * fences it as it fences `withCommune`, every value reaches the server as
 * written (quotes, backslashes, arrays, nulls), and a failing statement
 * leaves nothing behind, neither its writes nor a broken connection.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('refuses a commune id that could end its literal', async () => {
    await expect(oneTrip(app, "a'; DROP TABLE citizens; --", citizen(A, 'c-9', 'x'))).rejects.toThrow(
      /invalid commune id/,
    );
  });
});
