import { sql, type Kysely, type Migration } from 'kysely';

/**
 * PostgreSQL only (no SQLite twin: a SQLite file has no row-level security to
 * relax). The province view (issue 19) lists every commune the install holds,
 * but `communes` is fenced by row-level security (019c), so a transaction of
 * one commune sees only that commune's row.
 *
 * What this adds: a second, read-only policy on `communes` alone. A
 * transaction that sets `app.province_read` to 'on' (set_config(…, true), so
 * it ends with the transaction; storage/pg/pgProvinceRepo.ts is the only code
 * that does) sees every commune's id and name. Policies of one table are
 * OR-ed for SELECT only: writes to `communes` stay fenced by
 * commune_isolation, and no other table changes. Each commune's figures are
 * then read in that commune's own `withCommune` transaction, under the
 * ordinary fence, so no query ever mixes two communes' rows.
 *
 * Why not the alternatives:
 * - A SECURITY DEFINER function or view owned by the tables' owner sees no
 *   more than the caller: 019c FORCEs row-level security on the owner too
 *   (so a service mistakenly connected as the owner stays fenced).
 * - A role with BYPASSRLS can only be made by a superuser, would see every
 *   resident's row of every commune, and would be a third login to manage.
 * - Row-level security here guards against a query that forgets its commune,
 *   not against the app role, which sets `app.commune_id` itself; a setting
 *   the app must name on purpose, that opens only commune names and only for
 *   reading, keeps that guard as strong as it was.
 */
export const m023ProvinceRead: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql
      .raw(
        `CREATE POLICY province_read ON communes FOR SELECT
  USING (current_setting('${PROVINCE_SETTING}', true) = 'on');`,
      )
      .execute(db);
  },
};

/** The setting that opens `communes` for reading (this transaction only). */
export const PROVINCE_SETTING = 'app.province_read';
