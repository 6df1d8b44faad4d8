/**
 * @module storage/pg/roles
 *
 * The two database roles of a PostgreSQL install, and why there are two.
 *
 * - The **owner** owns the schema and every table; migrations run as it. It
 *   is used only by the migration step, never by the running service.
 * - The **app** role is what `DATABASE_URL` names for the service. It owns
 *   nothing, is not a superuser and has no BYPASSRLS, so row-level security
 *   (migration 019c) always applies to it and it cannot disable it (only an
 *   owner may ALTER a table). It may read and write rows, nothing else: no
 *   DDL, no access to the migration ledger, and no UPDATE or DELETE on the
 *   staff audit log (migration 025: it appends, and prunes old lines only
 *   through `prune_staff_audit`).
 *
 * Setting up a database, once, in this order:
 *  1. `createRoles` as a PostgreSQL administrator (a superuser or a role with
 *     CREATEROLE): creates both roles if missing, with their passwords; then
 *     `CREATE DATABASE hocvuso OWNER <owner>` (PostgreSQL 15 gives the
 *     database owner the `public` schema).
 *  2. The migrations as the owner (migrations/index.ts `migrateToLatest`).
 *  3. `grantAppRole` as the owner: the app's rights on every table, and the
 *     same for tables later migrations create (default privileges). Safe to
 *     run after every migration.
 * The CLI does not drive these steps yet (issue 20, next increment); the
 * PostgreSQL tests (test/pg) do exactly this.
 */
import { DEFAULT_MIGRATION_LOCK_TABLE, DEFAULT_MIGRATION_TABLE, sql, type Kysely } from 'kysely';

/** A role name PostgreSQL takes unquoted; anything else is refused rather than quoted. */
const ROLE = /^[a-z_][a-z0-9_]{0,62}$/;

function checkRole(name: string): string {
  if (!ROLE.test(name)) throw new Error(`invalid role name: ${JSON.stringify(name)}`);
  return name;
}

export interface RoleSetup {
  readonly owner: string;
  readonly app: string;
  /** Passwords for password login; omit one for a role that logs in otherwise (peer, certificate). */
  readonly ownerPassword?: string;
  readonly appPassword?: string;
}

/**
 * Creates the owner and app roles when they do not exist (an existing role
 * is left as it is, its password too). Statements are built by the server's
 * own `format(%I, %L)`, since CREATE ROLE takes no bound parameters: a
 * password is quoted by PostgreSQL, never spliced by hand.
 */
export async function createRoles(admin: Kysely<unknown>, roles: RoleSetup): Promise<void> {
  const wanted: [string, string | undefined][] = [
    [checkRole(roles.owner), roles.ownerPassword],
    [checkRole(roles.app), roles.appPassword],
  ];
  for (const [name, password] of wanted) {
    const exists = await sql<{ n: number }>`SELECT 1 AS n FROM pg_roles WHERE rolname = ${name}`.execute(admin);
    if (exists.rows.length > 0) continue;
    const { rows } = await sql<{ statement: string }>`
      SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS', ${name}::text)
             || CASE WHEN ${password ?? null}::text IS NULL THEN '' ELSE format(' PASSWORD %L', ${password ?? null}::text) END
             AS statement`.execute(admin);
    await sql.raw(rows[0]!.statement).execute(admin);
  }
}

/**
 * Gives the app role what the service needs on the owner's schema, run as the
 * owner after migrating: rows of every table (not the migration ledger), the
 * identity sequences, and the same on tables created later by the owner.
 */
export async function grantAppRole(owner: Kysely<unknown>, appRole: string): Promise<void> {
  const app = sql.id(checkRole(appRole));
  await sql`GRANT USAGE ON SCHEMA public TO ${app}`.execute(owner);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app}`.execute(owner);
  await sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app}`.execute(owner);
  await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`.execute(
    owner,
  );
  await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${app}`.execute(owner);
  // The webhook's lookup of a channel key before its commune is known (migration 024; PUBLIC has no EXECUTE).
  const lookup = await sql<{ fn: string | null }>`SELECT to_regprocedure('channel_by_key(text)')::text AS fn`.execute(
    owner,
  );
  if (lookup.rows[0]?.fn) await sql`GRANT EXECUTE ON FUNCTION channel_by_key(text) TO ${app}`.execute(owner);
  // The staff audit log is append-only for the service (migration 025): the grant above gave UPDATE and
  // DELETE on every table, so they are taken back here, every time; old lines go through the owner's
  // bounded prune_staff_audit only.
  const prune = await sql<{ fn: string | null }>`SELECT to_regprocedure('prune_staff_audit(text)')::text AS fn`.execute(
    owner,
  );
  if (prune.rows[0]?.fn) {
    await sql`REVOKE UPDATE, DELETE, TRUNCATE ON staff_audit FROM ${app}`.execute(owner);
    await sql`GRANT EXECUTE ON FUNCTION prune_staff_audit(text) TO ${app}`.execute(owner);
  }
  // The ledger says which schema changes ran; the service has no business changing it.
  await sql`REVOKE ALL ON ${sql.table(DEFAULT_MIGRATION_TABLE)}, ${sql.table(DEFAULT_MIGRATION_LOCK_TABLE)} FROM ${app}`.execute(
    owner,
  );
}
