/**
 * One PostgreSQL database per test file for the contract suites
 * (test/contracts), and a fresh commune per case on it: the repositories run
 * as the app role, so row-level security applies to everything they do, and a
 * new commune is an empty slate without a new database. The suites' view of
 * the tables (`TableAccess`) reads as the server's administrator, which row-
 * level security does not filter, so it filters by the commune itself.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import type { Row, TableAccess } from '../contracts/tables.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

export interface PgContractDb {
  /** As the app role (what the service uses). */
  readonly app: Kysely<Database>;
  /** Another pool as the app role, as a second process has (closed with the rest). */
  pool(): Kysely<Database>;
  /** Waits until at least `count` sessions of the app wait for a lock (a race's loser is parked). */
  lockWaiters(count: number): Promise<void>;
  /** A new commune (its `communes` row made), and the tables seen for it. */
  commune(): Promise<{ communeId: string; tables: TableAccess }>;
  close(): Promise<void>;
}

let serial = 0;

export async function openPgContractDb(): Promise<PgContractDb> {
  const t: TestDatabase = await createMigratedDatabase();
  const app = connect<Database>(t.appUrl, 4);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tables named at run time
  const admin = connect<any>(t.adminUrl, 2);
  const tenantTables = async (): Promise<string[]> => {
    const { rows } = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND column_name = 'commune_id' ORDER BY table_name`.execute(admin);
    return rows.map((r) => r.table_name);
  };
  const hasId = async (table: string): Promise<boolean> => {
    const { rows } = await sql<{ n: number }>`
      SELECT COUNT(*) AS n FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = ${table} AND column_name = 'id'`.execute(admin);
    return (rows[0]?.n ?? 0) > 0;
  };
  const pools: Kysely<Database>[] = [];
  return {
    app,
    pool() {
      const pool = connect<Database>(t.appUrl, 2);
      pools.push(pool);
      return pool;
    },
    async lockWaiters(count) {
      // Polls the server's own view of who waits; gives up loudly rather than hang the file.
      for (let i = 0; i < 2000; i++) {
        const { rows } = await sql<{ n: number }>`
          SELECT COUNT(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(admin);
        if ((rows[0]?.n ?? 0) >= count) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`fewer than ${count} sessions ever waited for a lock`);
    },
    async commune() {
      const communeId = `xa-${process.pid}-${++serial}`;
      await withCommune(app, communeId, (trx) =>
        trx
          .insertInto('communes')
          .values({ id: communeId, name: `Xã thử ${serial}` })
          .execute(),
      );
      const tables: TableAccess = {
        async insert(table, row) {
          await admin.insertInto(table).values(row).execute();
        },
        async rows(table) {
          let q = admin.selectFrom(table).selectAll().where('commune_id', '=', communeId);
          if (await hasId(table)) q = q.orderBy('id');
          return await q.execute();
        },
        async everyRow() {
          const out: { table: string; row: Row }[] = [];
          for (const table of await tenantTables()) {
            const rows = (await admin
              .selectFrom(table)
              .selectAll()
              .where('commune_id', '=', communeId)
              .execute()) as Row[];
            for (const row of rows) out.push({ table, row });
          }
          return out;
        },
      };
      return { communeId, tables };
    },
    async close() {
      for (const pool of pools) await pool.destroy();
      await app.destroy();
      await admin.destroy();
      await t.drop();
    },
  };
}
