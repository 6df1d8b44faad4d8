/**
 * @module storage/pg/migrations
 *
 * The PostgreSQL schema changes, applied by Kysely's Migrator from this
 * in-code list (no migration files read at run time), in name order, all
 * pending ones in one transaction (PostgreSQL's DDL is transactional, so a
 * failed upgrade leaves the schema as it was), under the Migrator's
 * advisory lock, so two processes starting together migrate once. Applied
 * names are recorded in `kysely_migration`.
 *
 * ## How this list relates to SQLite's (src/storage/sqlite/migrations)
 *
 * Today there are two lists. SQLite's is the history of every released
 * install (001–019, never edited; `schema_migrations` records versions).
 * PostgreSQL's starts at SQLite 019: `019a_baseline` is the schema SQLite
 * reaches after 001–019 (tables, keys, indexes), `019b_report_triggers` its
 * triggers in PL/pgSQL, and `019c_row_level_security` the tenant fence that
 * only PostgreSQL has. A PostgreSQL database never replays SQLite's history:
 * an install that moves over gets this schema and its rows are copied in.
 * The name prefix is the SQLite version the PostgreSQL schema is equivalent
 * to, and test/pg/schemaParity.test.ts fails when a SQLite migration adds a
 * table, column, index or trigger that has no PostgreSQL twin.
 *
 * ## The plan to make it one list (next increments of issue 20)
 *
 * From SQLite 020 on, each schema change is written once as one entry:
 * `{ version, name, sqlite: string, postgres: string }` or, where the two
 * agree, a Kysely schema-builder `up(db)` that compiles for both dialects.
 * SQLite keeps its own runner and ledger (`schema_migrations`, synchronous,
 * at start-up, as today); this module maps each entry with a version above
 * 19 to a Kysely migration named by its zero-padded version ('020_…'),
 * which sorts after the 019 baseline. Versions 1–19 stay SQLite-only
 * history, covered on PostgreSQL by the baseline. A migration that creates
 * a table with `commune_id` also runs `tenantPolicySql` for it on
 * PostgreSQL (019c).
 *
 * Until that shared list exists, a SQLite migration above 19 gets a
 * hand-written twin here under the same zero-padded name: `020_handoff` is
 * the first.
 *
 * A few migrations are PostgreSQL's alone, because they change only what
 * SQLite does not have (row-level security): they take the next free number
 * so the names stay in order, and `PG_ONLY_MIGRATIONS` lists them, so
 * test/pg/schemaParity.test.ts can tell them from a forgotten twin.
 * `023_province_read` is the first, `024_channel_lookup` the second,
 * `025_staff_audit_append_only` the third.
 */
import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import { m019aBaseline } from './019a_baseline.js';
import { m019bReportTriggers } from './019b_report_triggers.js';
import { m019cRowLevelSecurity } from './019c_row_level_security.js';
import { m020Handoff } from './020_handoff.js';
import { m021ProvinceRole } from './021_province_role.js';
import { m022Channels } from './022_channels.js';
import { m023ProvinceRead } from './023_province_read.js';
import { m024ChannelLookup } from './024_channel_lookup.js';
import { m025StaffAuditAppendOnly } from './025_staff_audit_append_only.js';
import { m026OutboxPending } from './026_outbox_pending.js';

/** Every PostgreSQL migration by name; names sort in the order they apply. */
export const PG_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '019a_baseline': m019aBaseline,
  '019b_report_triggers': m019bReportTriggers,
  '019c_row_level_security': m019cRowLevelSecurity,
  '020_handoff': m020Handoff,
  '021_province_role': m021ProvinceRole,
  '022_channels': m022Channels,
  '023_province_read': m023ProvinceRead,
  '024_channel_lookup': m024ChannelLookup,
  '025_staff_audit_append_only': m025StaffAuditAppendOnly,
  '026_outbox_pending': m026OutboxPending,
};

/**
 * Migrations with no SQLite twin, by name, and why (the SQLite list never
 * gets their numbers, so a later SQLite migration takes the next one).
 */
export const PG_ONLY_MIGRATIONS: Readonly<Record<string, string>> = {
  '019b_report_triggers': 'part of the 019 baseline: SQLite 014 and 019 triggers in PL/pgSQL',
  '019c_row_level_security': 'row-level security, which SQLite has not',
  '023_province_read': 'a read-only row-level security policy for the province view',
  '024_channel_lookup': 'a SECURITY DEFINER lookup of a webhook key before its commune is known',
  '025_staff_audit_append_only':
    'the app role loses UPDATE/DELETE on staff_audit; pruning via a SECURITY DEFINER function',
};

/** Raised when a migration fails; the schema is left as it was before the run. */
export class PgMigrationError extends Error {
  constructor(
    readonly migration: string | undefined,
    cause: unknown,
  ) {
    super(
      `PostgreSQL migration ${migration ?? '(before any migration)'} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'PgMigrationError';
  }
}

/** A migrator over `db` with this list; names compared by code point, not by locale. */
export function pgMigrator(db: Kysely<unknown>, migrations: Readonly<Record<string, Migration>> = PG_MIGRATIONS) {
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
    nameComparator: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  });
}

/**
 * Brings the schema up to date; run as the tables' owner (roles.ts). Returns
 * the names applied now (none when it was up to date); throws
 * PgMigrationError instead of Kysely's result object.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  migrations: Readonly<Record<string, Migration>> = PG_MIGRATIONS,
): Promise<string[]> {
  const result: MigrationResultSet = await pgMigrator(db, migrations).migrateToLatest();
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    throw new PgMigrationError(failed, result.error);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
