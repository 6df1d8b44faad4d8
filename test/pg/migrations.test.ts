/**
 * The PostgreSQL migrations on a real server: they apply to an empty
 * database, a second run changes nothing, two processes starting at once
 * migrate once, and a failing migration leaves the schema as it was.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, PG_MIGRATIONS, PgMigrationError } from '../../src/storage/pg/migrations/index.js';
import { connect, createTestDatabase, type TestDatabase } from './pgTestDb.js';

/** Everything a migration could change, as one comparable value. */
async function schemaFingerprint(db: Kysely<unknown>): Promise<unknown> {
  const columns = await sql`
    SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, column_name`.execute(db);
  const indexes =
    await sql`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`.execute(db);
  const policies =
    await sql`SELECT tablename, policyname, qual, with_check FROM pg_policies ORDER BY tablename`.execute(db);
  const triggers = await sql`SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname`.execute(db);
  return { columns: columns.rows, indexes: indexes.rows, policies: policies.rows, triggers: triggers.rows };
}

describe('PostgreSQL migrations', () => {
  let t: TestDatabase;
  let owner: Kysely<unknown>;

  beforeAll(async () => {
    t = await createTestDatabase();
    owner = connect<unknown>(t.ownerUrl, 3);
  });
  afterAll(async () => {
    await owner?.destroy();
    await t?.drop();
  });

  it('apply on an empty database, in order, and a second run applies nothing and changes nothing', async () => {
    const empty = await sql<{ n: number }>`
      SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'`.execute(owner);
    expect(empty.rows[0]!.n).toBe(0);

    expect(await migrateToLatest(owner)).toEqual(Object.keys(PG_MIGRATIONS).sort());
    const after = await schemaFingerprint(owner);
    expect(JSON.stringify(after)).toContain('quiz_passes');

    expect(await migrateToLatest(owner)).toEqual([]);
    expect(await schemaFingerprint(owner)).toEqual(after);
    const seed = await sql<{ id: string }>`SELECT id FROM communes`.execute(owner);
    // The default commune row exists once (behind row-level security, so the owner sees none unset).
    expect(seed.rows).toEqual([]);
    const all = await owner.transaction().execute(async (trx) => {
      await sql`SELECT set_config('app.commune_id', 'hung-chau', true)`.execute(trx);
      return sql<{ id: string; name: string }>`SELECT id, name FROM communes`.execute(trx);
    });
    expect(all.rows).toEqual([{ id: 'hung-chau', name: 'Xã Hùng Châu' }]);
  });

  it('run once when two processes start together (the second waits for the lock, then finds nothing to do)', async () => {
    const u = await createTestDatabase();
    const a = connect<unknown>(u.ownerUrl, 1);
    const b = connect<unknown>(u.ownerUrl, 1);
    try {
      const [ranA, ranB] = await Promise.all([migrateToLatest(a), migrateToLatest(b)]);
      expect([...ranA, ...ranB].sort()).toEqual(Object.keys(PG_MIGRATIONS).sort());
      const ledger = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(a);
      expect(ledger.rows.map((r) => r.name)).toEqual(Object.keys(PG_MIGRATIONS).sort());
    } finally {
      await a.destroy();
      await b.destroy();
      await u.drop();
    }
  });

  it('roll back every pending migration when one fails, naming it', async () => {
    const u = await createTestDatabase();
    const db = connect<unknown>(u.ownerUrl, 1);
    try {
      const broken = {
        ...PG_MIGRATIONS,
        '019d_broken': {
          async up(d: Kysely<unknown>) {
            await sql`ALTER TABLE no_such_table ADD COLUMN x text`.execute(d);
          },
        },
      };
      const err = await migrateToLatest(db, broken).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PgMigrationError);
      expect((err as PgMigrationError).migration).toBe('019d_broken');
      expect((err as Error).message).toMatch(/019d_broken.*no_such_table/);
      const tables = await sql<{ table_name: string }>`
        SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely%'`.execute(db);
      expect(tables.rows).toEqual([]);
      expect(await migrateToLatest(db)).toEqual(Object.keys(PG_MIGRATIONS).sort());
    } finally {
      await db.destroy();
      await u.drop();
    }
  });
});
