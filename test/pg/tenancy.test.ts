/**
 * Communes on one PostgreSQL database are fenced by row-level security, not
 * only by the `commune_id` every query names (issue 20 item 2): a query for
 * commune A that forgets its filter still returns none of commune B's rows,
 * a row of B cannot be written while A is set, and outside `withCommune`
 * nothing is seen at all. The service's role cannot lift the fence.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { kyselyOver } from '../../src/storage/pg/db.js';
import { createPgPool } from '../../src/storage/pg/pool.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const A = 'xa-a';
const B = 'xa-b';
const AT = '2026-10-10T03:00:00.000Z';

/** One commune's rows in a few of the tables: a citizen with a pass, a queued reply, a staff account. */
async function seed(app: Kysely<Database>, commune: string): Promise<void> {
  await withCommune(app, commune, async (trx) => {
    await trx
      .insertInto('communes')
      .values({ id: commune, name: `Xã ${commune}` })
      .execute();
    await trx
      .insertInto('citizens')
      .values({ commune_id: commune, id: `cit-${commune}`, hamlet: 'xom-1', created_at: AT, updated_at: AT })
      .execute();
    await trx
      .insertInto('quiz_passes')
      .values({
        commune_id: commune,
        citizen_id: `cit-${commune}`,
        quiz_id: 'vneid',
        attempt_id: 'a1',
        score: 1,
        passed_at: AT,
      })
      .execute();
    await trx
      .insertInto('outbox')
      .values({
        commune_id: commune,
        channel: 'web',
        user_id: `u-${commune}`,
        payload_json: '{}',
        status: 'pending',
        next_attempt_at: AT,
        created_at: AT,
      })
      .execute();
    await trx
      .insertInto('staff_accounts')
      .values({ commune_id: commune, id: 'admin', name: 'Cán bộ', role: 'admin', created_at: AT })
      .execute();
  });
}

describe('row-level security between communes', () => {
  let t: TestDatabase;
  let app: Kysely<Database>;
  let owner: Kysely<Database>;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    app = connect<Database>(t.appUrl, 1); // one connection: every test reuses the same session
    owner = connect<Database>(t.ownerUrl, 1);
    await seed(app, A);
    await seed(app, B);
  });
  afterAll(async () => {
    await app?.destroy();
    await owner?.destroy();
    await t?.drop();
  });

  it("a query for A that forgets the commune filter returns A's rows and none of B's", async () => {
    const seen = await withCommune(app, A, async (trx) => ({
      citizens: await trx.selectFrom('citizens').select(['commune_id', 'id']).execute(),
      passes: await trx.selectFrom('quiz_passes').select('commune_id').execute(),
      outbox: await trx.selectFrom('outbox').select('user_id').execute(),
      staff: await trx.selectFrom('staff_accounts').select('commune_id').execute(),
      communes: await trx.selectFrom('communes').select('id').execute(),
      // The triggers wrote A's report row under A's fence.
      report: await trx.selectFrom('report_daily').select(['commune_id', 'kind', 'day', 'n']).execute(),
    }));
    expect(seen).toEqual({
      citizens: [{ commune_id: A, id: `cit-${A}` }],
      passes: [{ commune_id: A }],
      outbox: [{ user_id: `u-${A}` }],
      staff: [{ commune_id: A }],
      communes: [{ id: A }],
      report: [{ commune_id: A, kind: 'pass', day: '2026-10-10', n: 1 }],
    });
  });

  it("asking for B's rows by name while A is set finds nothing, and cannot change or delete them", async () => {
    await withCommune(app, A, async (trx) => {
      expect(await trx.selectFrom('citizens').selectAll().where('commune_id', '=', B).execute()).toEqual([]);
      const updated = await trx.updateTable('citizens').set({ hamlet: 'xom-9' }).where('commune_id', '=', B).execute();
      expect(updated[0]!.numUpdatedRows).toBe(0n);
      const deleted = await trx.deleteFrom('outbox').where('commune_id', '=', B).execute();
      expect(deleted[0]!.numDeletedRows).toBe(0n);
    });
    const b = await withCommune(app, B, (trx) => trx.selectFrom('citizens').select('hamlet').execute());
    expect(b).toEqual([{ hamlet: 'xom-1' }]);
    expect(await withCommune(app, B, (trx) => trx.selectFrom('outbox').select('user_id').execute())).toHaveLength(1);
  });

  it('refuses to insert a row of B, or move a row of A to B, while A is set', async () => {
    const insert = withCommune(app, A, (trx) =>
      trx.insertInto('citizens').values({ commune_id: B, id: 'intruder', created_at: AT, updated_at: AT }).execute(),
    );
    await expect(insert).rejects.toThrow(/row-level security/);
    const move = withCommune(app, A, (trx) =>
      trx.updateTable('outbox').set({ commune_id: B }).where('user_id', '=', `u-${A}`).execute(),
    );
    await expect(move).rejects.toThrow(/row-level security/);
    const intruder = await withCommune(app, B, (trx) =>
      trx.selectFrom('citizens').select('id').where('id', '=', 'intruder').execute(),
    );
    expect(intruder).toEqual([]);
  });

  it('outside withCommune nothing is visible and nothing can be written, on the same pooled connection', async () => {
    // The pool has one connection, which just served A and B: SET LOCAL ended with each transaction.
    expect(await app.selectFrom('citizens').selectAll().execute()).toEqual([]);
    expect(await app.selectFrom('communes').selectAll().execute()).toEqual([]);
    const setting = await sql<{ v: string | null }>`SELECT current_setting('app.commune_id', true) AS v`.execute(app);
    expect(setting.rows[0]!.v ?? '').toBe('');
    await expect(app.insertInto('meta').values({ commune_id: A, key: 'k', value: 'v' }).execute()).rejects.toThrow(
      /row-level security/,
    );
  });

  it('fences the tables owner too (FORCE), so a service run as the owner by mistake is still fenced', async () => {
    expect(await owner.selectFrom('citizens').selectAll().execute()).toEqual([]);
    const mine = await withCommune(owner, B, (trx) => trx.selectFrom('citizens').select('commune_id').execute());
    expect(mine).toEqual([{ commune_id: B }]);
  });

  it('fences every table that has a commune_id, and communes itself', async () => {
    const open = await sql<{ relname: string }>`
      SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r'
         AND (EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'commune_id')
              OR c.relname = 'communes')
         AND NOT (c.relrowsecurity AND c.relforcerowsecurity
                  AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))`.execute(owner);
    expect(open.rows).toEqual([]);
    const fenced = await sql<{ n: number }>`
      SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relforcerowsecurity`.execute(owner);
    expect(fenced.rows[0]!.n).toBeGreaterThanOrEqual(45);
  });

  it('runs the service as a role that owns nothing and cannot lift the fence or touch the migration ledger', async () => {
    const role = await sql<{ rolsuper: boolean; rolbypassrls: boolean; owns: number }>`
      SELECT r.rolsuper, r.rolbypassrls,
             (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid) AS owns
        FROM pg_roles r WHERE r.rolname = current_user`.execute(app);
    expect(role.rows).toEqual([{ rolsuper: false, rolbypassrls: false, owns: 0 }]);
    await expect(sql`ALTER TABLE citizens DISABLE ROW LEVEL SECURITY`.execute(app)).rejects.toThrow(/must be owner/);
    await expect(sql`ALTER TABLE citizens NO FORCE ROW LEVEL SECURITY`.execute(app)).rejects.toThrow(/must be owner/);
    await expect(sql`SELECT * FROM kysely_migration`.execute(app)).rejects.toThrow(/permission denied/);
    // The install-wide tables stay open to it (no commune).
    await app.insertInto('service_secrets').values({ name: 's', value: 'v', created_at: AT }).execute();
    expect(await app.selectFrom('service_secrets').select('name').execute()).toEqual([{ name: 's' }]);
  });

  it('refuses an id that is not a commune id, before any SQL carries it', async () => {
    for (const bad of ['', "xa-a'; SET ROLE postgres; --", 'Xa-A', 'xa a']) {
      await expect(withCommune(app, bad, () => Promise.resolve(1))).rejects.toThrow(/invalid commune id/);
    }
  });

  it("sets the commune with the transaction's BEGIN (one round trip), for that transaction only", async () => {
    const pool = createPgPool(t.appUrl, { max: 1 });
    const sent: string[] = [];
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        // A string, or the config object the driver sends (preparedDriver.ts).
        const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: unknown }).text;
        if (typeof text === 'string') sent.push(text);
        return query(...args);
      };
    });
    const counted = kyselyOver<Database>(pool);
    try {
      const seen = await withCommune(counted, B, async (trx) => {
        const v = await sql<{ v: string }>`SELECT current_setting('app.commune_id', true) AS v`.execute(trx);
        return v.rows[0]?.v;
      });
      expect(seen).toBe(B);
      expect(sent).toEqual([
        `begin; SELECT set_config('app.commune_id', '${B}', true)`,
        "SELECT current_setting('app.commune_id', true) AS v",
        'commit',
      ]);
      const after = await sql<{ v: string | null }>`SELECT current_setting('app.commune_id', true) AS v`.execute(
        counted,
      );
      expect(after.rows[0]!.v ?? '').toBe('');
    } finally {
      await counted.destroy();
    }
  });

  it('sets the commune with a statement of its own on a Kysely with the stock driver', async () => {
    const stock = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: createPgPool(t.appUrl, { max: 1 }) }),
    });
    try {
      const ids = await withCommune(stock, A, (trx) => trx.selectFrom('citizens').select('commune_id').execute());
      expect(ids).toEqual([{ commune_id: A }]);
      expect(await stock.selectFrom('citizens').selectAll().execute()).toEqual([]);
    } finally {
      await stock.destroy();
    }
  });
});
