/**
 * What the pool reads back: bigint (and COUNT) as JavaScript numbers, as
 * SQLite gives them, refusing a value that a number cannot hold exactly;
 * pg's process-wide parsers left alone for any other pool.
 */
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createTestDatabase, type TestDatabase } from './pgTestDb.js';

describe('PostgreSQL pool', () => {
  let t: TestDatabase;
  let db: Kysely<unknown>;

  beforeAll(async () => {
    t = await createTestDatabase();
    db = connect<unknown>(t.ownerUrl, 1);
  });
  afterAll(async () => {
    await db?.destroy();
    await t?.drop();
  });

  it('reads bigint as a number, and refuses one beyond 2^53 instead of rounding it', async () => {
    const r = await sql<{ n: unknown; big: unknown }>`
      SELECT count(*) AS n, 9007199254740991::bigint AS big FROM generate_series(1, 3)`.execute(db);
    expect(r.rows).toEqual([{ n: 3, big: Number.MAX_SAFE_INTEGER }]);
    await expect(sql`SELECT 9007199254740993::bigint AS big`.execute(db)).rejects.toThrow(/safe integers/);
  });

  it("leaves pg's global parsers alone: another pool still reads bigint as text", async () => {
    const other = new pg.Pool({ connectionString: t.ownerUrl, max: 1 });
    try {
      const r = await other.query<{ n: unknown }>('SELECT 7::bigint AS n');
      expect(r.rows).toEqual([{ n: '7' }]);
    } finally {
      await other.end();
    }
  });
});
