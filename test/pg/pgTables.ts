/**
 * The rows one commune holds on a PostgreSQL test database, seen as the
 * server's administrator (row-level security does not filter it, so every
 * read filters by the commune itself): the `TableAccess` of the contract
 * suites (test/pg/pgContractDb.ts) and of the backend-neutral service harness
 * (test/testService.ts).
 */
import { sql, type Kysely } from 'kysely';
import type { Row, TableAccess } from '../contracts/tables.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tables named at run time
type AdminDb = Kysely<any>;

export function pgTables(admin: AdminDb, communeId: string): TableAccess {
  const tenantTables = async (): Promise<string[]> => {
    const { rows } = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND column_name = 'commune_id' ORDER BY table_name`.execute(admin);
    return rows.map((r) => r.table_name);
  };
  const hasColumn = async (table: string, column: string): Promise<boolean> => {
    const { rows } = await sql<{ n: number }>`
      SELECT COUNT(*) AS n FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = ${table} AND column_name = ${column}`.execute(admin);
    return Number(rows[0]?.n ?? 0) > 0;
  };
  return {
    async insert(table, row) {
      await admin.insertInto(table).values(row).execute();
    },
    async rows(table) {
      let q = admin.selectFrom(table).selectAll();
      // An install-wide table (service_secrets) has no commune: all of its rows.
      if (await hasColumn(table, 'commune_id')) q = q.where('commune_id', '=', communeId);
      if (await hasColumn(table, 'id')) q = q.orderBy('id');
      return await q.execute();
    },
    async everyRow() {
      const out: { table: string; row: Row }[] = [];
      for (const table of await tenantTables()) {
        const rows = (await admin.selectFrom(table).selectAll().where('commune_id', '=', communeId).execute()) as Row[];
        for (const row of rows) out.push({ table, row });
      }
      return out;
    },
  };
}
