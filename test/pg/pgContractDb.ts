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
import type { TableAccess } from '../contracts/tables.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';
import { pgTables } from './pgTables.js';

export interface PgContractDb {
  /** As the app role (what the service uses). */
  readonly app: Kysely<Database>;
  /** The app role's postgres:// URL: what DATABASE_URL names for a command or a service on this database. */
  readonly appUrl: string;
  /** Another pool as the app role, as a second process has (closed with the rest). */
  pool(): Kysely<Database>;
  /** Waits until at least `count` sessions of the app wait for a lock (a race's loser is parked). */
  lockWaiters(count: number): Promise<void>;
  /**
   * A new commune (its `communes` row made), and the tables seen for it;
   * `named` gives its id and name (else a serial id and a test name).
   */
  commune(named?: { readonly id: string; readonly name: string }): Promise<{ communeId: string; tables: TableAccess }>;
  close(): Promise<void>;
}

let serial = 0;

export async function openPgContractDb(): Promise<PgContractDb> {
  const t: TestDatabase = await createMigratedDatabase();
  const app = connect<Database>(t.appUrl, 4);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tables named at run time
  const admin = connect<any>(t.adminUrl, 2);
  const pools: Kysely<Database>[] = [];
  return {
    app,
    appUrl: t.appUrl,
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
    async commune(named) {
      const communeId = named?.id ?? `xa-${process.pid}-${++serial}`;
      const name = named?.name ?? `Xã thử ${serial}`;
      await withCommune(app, communeId, (trx) => trx.insertInto('communes').values({ id: communeId, name }).execute());
      return { communeId, tables: pgTables(admin, communeId) };
    },
    async close() {
      for (const pool of pools) await pool.destroy();
      await app.destroy();
      await admin.destroy();
      await t.drop();
    },
  };
}
