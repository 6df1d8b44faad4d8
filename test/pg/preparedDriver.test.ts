/**
 * The app's statements go as named prepared statements (preparedDriver.ts):
 * a connection parses a statement once and then only binds it, and
 * PostgreSQL may keep a generic plan for it. What must not change with it:
 * row-level security under a generic plan, and the statements whose partial
 * unique index is found from their ON CONFLICT clause (one active attempt,
 * one open handoff thread per resident). Those run here with PostgreSQL
 * made to plan generically from the first run (plan_cache_mode).
 */
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselyOver } from '../../src/storage/pg/db.js';
import { PgAttemptRepo } from '../../src/storage/pg/pgAttemptRepo.js';
import { PgCitizenRepo } from '../../src/storage/pg/pgCitizenRepo.js';
import { PgTurnHandoff } from '../../src/storage/pg/pgTurnHandoff.js';
import { createPgPool } from '../../src/storage/pg/pool.js';
import { StatementNames } from '../../src/storage/pg/preparedDriver.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { fresh, T0 } from '../contracts/attemptRepo.contract.js';
import { createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const A = 'xa-a';
const B = 'xa-b';
const AT = '2026-10-10T03:00:00.000Z';

let t: TestDatabase;
/** One connection, planning as PostgreSQL chooses. */
let app: Kysely<Database>;
/** One connection whose prepared statements always get a generic plan. */
let generic: Kysely<Database>;

beforeAll(async () => {
  t = await createMigratedDatabase();
  app = kyselyOver<Database>(createPgPool(t.appUrl, { max: 1 }));
  generic = kyselyOver<Database>(
    new pg.Pool({ connectionString: t.appUrl, max: 1, options: '-c plan_cache_mode=force_generic_plan' }),
  );
  for (const commune of [A, B]) {
    await withCommune(app, commune, async (trx) => {
      await trx
        .insertInto('communes')
        .values({ id: commune, name: `Xã ${commune}` })
        .execute();
      await trx
        .insertInto('citizens')
        .values({ commune_id: commune, id: `cit-${commune}`, created_at: AT, updated_at: AT })
        .execute();
    });
  }
});

afterAll(async () => {
  await app?.destroy();
  await generic?.destroy();
  await t?.drop();
});

/** The prepared statements of the (only) connection of `db` whose text mentions `word`. */
async function prepared(db: Kysely<Database>, word: string): Promise<{ name: string; generic_plans: number }[]> {
  const { rows } = await sql<{ name: string; statement: string; generic_plans: number }>`
    SELECT name, statement, generic_plans::int AS generic_plans FROM pg_prepared_statements`.execute(db);
  return rows.filter((r) => r.statement.includes(word)).map(({ name, generic_plans }) => ({ name, generic_plans }));
}

describe('named prepared statements', () => {
  it('prepares a statement the second time it runs, once for the connection, and binds it after that', async () => {
    const citizensSince = (since: string) =>
      withCommune(app, A, (trx) =>
        trx.selectFrom('citizens').select('id').where('created_at', '>=', since).where('id', '!=', 'x1').execute(),
      );
    expect(await citizensSince('2000')).toEqual([{ id: `cit-${A}` }]);
    expect(await prepared(app, `"id" != $2`)).toEqual([]);
    expect(await citizensSince('2001')).toEqual([{ id: `cit-${A}` }]);
    expect(await citizensSince('2030')).toEqual([]);
    const named = await prepared(app, `"id" != $2`);
    expect(named).toHaveLength(1);
    expect(named[0]!.name).toMatch(/^hv\d+$/);
  });

  it('keeps each commune to its own rows when one prepared statement with a generic plan serves both', async () => {
    const ids = (commune: string) =>
      withCommune(generic, commune, (trx) =>
        trx.selectFrom('citizens').select(['id', 'commune_id']).where('updated_at', '>=', '2000').execute(),
      );
    for (let i = 0; i < 4; i++) {
      expect(await ids(A)).toEqual([{ id: `cit-${A}`, commune_id: A }]);
      expect(await ids(B)).toEqual([{ id: `cit-${B}`, commune_id: B }]);
    }
    // Outside a commune's transaction the same statement sees nothing at all.
    expect(
      await generic.selectFrom('citizens').select(['id', 'commune_id']).where('updated_at', '>=', '2000').execute(),
    ).toEqual([]);
    const [plan] = await prepared(generic, `"updated_at" >= $1`);
    expect(plan?.generic_plans).toBeGreaterThan(0);
  });

  it('starts one active attempt per citizen under a generic plan (the partial unique index is the arbiter)', async () => {
    const citizens = new PgCitizenRepo(generic, A);
    const attempts = new PgAttemptRepo(generic, A);
    for (let i = 0; i < 3; i++) {
      await citizens.ensure({ channel: 'web', userId: `w${i}` }, `cit-att-${i}`, T0);
      expect(await attempts.start(fresh(`att-${i}-1`, `cit-att-${i}`))).toBe(true);
      expect(await attempts.start(fresh(`att-${i}-2`, `cit-att-${i}`, 'q2'))).toBe(false);
    }
    const [plan] = await prepared(generic, 'insert into "quiz_attempts"');
    expect(plan?.generic_plans).toBeGreaterThan(0);
  });

  it('opens one handoff thread per conversation under a generic plan: a second ask finds the first', async () => {
    const store = new PgTurnHandoff(A);
    for (let i = 0; i < 3; i++) {
      const input = { channel: 'web', userId: `u${i}`, reason: 'asked' as const, at: new Date(AT) };
      const first = await withCommune(generic, A, (trx) => store.open(trx, input));
      const second = await withCommune(generic, A, (trx) => store.open(trx, { ...input, reason: 'offered' }));
      expect(second.id).toBe(first.id);
    }
    const [plan] = await prepared(generic, 'insert into "handoff_threads"');
    expect(plan?.generic_plans).toBeGreaterThan(0);
  });
  it('drops a connection whose prepared statement no longer fits its table: the next one parses it afresh', async () => {
    const owner = kyselyOver<unknown>(createPgPool(t.ownerUrl, { max: 1 }));
    try {
      await sql`CREATE TABLE prep_scratch (a int)`.execute(owner);
      await sql`INSERT INTO prep_scratch VALUES (1)`.execute(owner);
      const all = () => sql<Record<string, number>>`SELECT * FROM prep_scratch WHERE a > ${0}`.execute(owner);
      await all();
      expect((await all()).rows).toEqual([{ a: 1 }]);
      // Another process migrates while this one serves.
      await sql`ALTER TABLE prep_scratch ADD COLUMN b int DEFAULT 2`.execute(owner);
      await expect(all()).rejects.toThrow(/cached plan must not change result type/);
      expect((await all()).rows).toEqual([{ a: 1, b: 2 }]);
    } finally {
      await owner.destroy();
    }
  });
});

describe('StatementNames', () => {
  it('names a text the second time it is seen, keeps that name, and names no more than its bound', () => {
    const names = new StatementNames(2);
    expect(names.nameOf('a')).toBeUndefined();
    const a = names.nameOf('a');
    expect(a).toBeDefined();
    expect(names.nameOf('a')).toBe(a);
    names.nameOf('b');
    const b = names.nameOf('b');
    expect(b).toBeDefined();
    expect(b).not.toBe(a);
    names.nameOf('c');
    expect(names.nameOf('c')).toBeUndefined();
    expect(names.nameOf('c')).toBeUndefined();
    expect(names.size).toBe(2);
    expect(names.nameOf('a')).toBe(a);
  });
});
