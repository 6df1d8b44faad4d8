import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The PostgreSQL twin of SQLite migration 021 (src/storage/sqlite/migrations/
 * 021_province_role.ts): a staff account's role may be 'province'. PostgreSQL
 * alters a CHECK in place, so no rebuild and nothing cascades; the baseline's
 * unnamed CHECK got PostgreSQL's default name, `staff_accounts_role_check`,
 * and the new one keeps it. The CHECK tying a hamlet to the hamlet role is
 * left as it is: a province account, like an admin, has no hamlet. No table
 * is created, so there is no tenant policy to add.
 */
export const m021ProvinceRole: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql
      .raw(
        `ALTER TABLE staff_accounts DROP CONSTRAINT staff_accounts_role_check;
ALTER TABLE staff_accounts ADD CONSTRAINT staff_accounts_role_check CHECK (role IN ('admin', 'hamlet', 'province'));`,
      )
      .execute(db);
  },
};
