import { sql, type Kysely, type Migration } from 'kysely';
import { COMMUNE_SETTING } from '../tenant.js';

/**
 * Row-level security as the second lock between communes (issue 20 item 2);
 * the first is the `commune_id` every query names.
 *
 * Every table with a `commune_id` column, and `communes` itself (by `id`),
 * gets ENABLE and FORCE ROW LEVEL SECURITY and one policy: a row is seen,
 * and may be written, only when its commune is the one the transaction set
 * (`withCommune`, tenant.ts, does `set_config('app.commune_id', …, true)`).
 * `current_setting(…, true)` gives NULL when nothing was set, so a query
 * outside `withCommune` sees no row and can write none (instead of an error
 * on a fresh connection and an empty string on a pooled one). FORCE makes the
 * tables' owner obey the policy too, so a service mistakenly connected as the
 * owner is still fenced; the app is meant to connect as a role that owns
 * nothing (roles.ts). A later migration that must read or rewrite every
 * commune's rows (a backfill) does `ALTER TABLE … NO FORCE ROW LEVEL SECURITY`
 * and FORCE again inside its own transaction.
 *
 * Left without row-level security, on purpose: `embeddings` and
 * `service_secrets`, which have no commune (a vector depends only on the
 * model and the text; the cookie key belongs to the host), and Kysely's own
 * migration tables, which the app role is not granted at all.
 *
 * Foreign-key checks and cascades are not filtered by policies (PostgreSQL
 * runs them as the owner), so they stay correct; they never cross communes
 * because every key starts with `commune_id`.
 */
export const m019cRowLevelSecurity: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const { rows } = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND column_name = 'commune_id'
       ORDER BY table_name`.execute(db);
    for (const { table_name } of rows) await sql.raw(tenantPolicySql(table_name)).execute(db);
    await sql.raw(tenantPolicySql('communes', 'id')).execute(db);
  },
};

/**
 * The statements that fence one table by commune. Every later migration that
 * creates a table with `commune_id` runs this for it (the PostgreSQL tests
 * check that no such table is left open).
 */
export function tenantPolicySql(table: string, column = 'commune_id'): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(table) || !/^[a-z_][a-z0-9_]*$/.test(column)) {
    throw new Error(`not a plain identifier: ${table}.${column}`);
  }
  const mine = `${column} = current_setting('${COMMUNE_SETTING}', true)`;
  return `
ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
CREATE POLICY commune_isolation ON ${table} USING (${mine}) WITH CHECK (${mine});`;
}
