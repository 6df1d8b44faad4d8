/**
 * The throw-away PostgreSQL of `bench:scale`: the server comes from
 * pg_virtualenv (PGHOST, PGPORT, PGUSER, PGPASSWORD of a superuser); each leg
 * gets a database of its own, set up as an install is (storage/pg/roles.ts):
 * an owner role that migrates (`cli migrate-to-pg`, which also copies the
 * ingested SQLite file), and the app role the service connects as, under
 * row-level security. The server's pids are found from its data directory,
 * so its CPU time can be added to the service's.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { kyselyOver } from '../../src/storage/pg/db.js';
import { createPgPool } from '../../src/storage/pg/pool.js';
import { createRoles } from '../../src/storage/pg/roles.js';

const OWNER = 'hocvuso_bench_owner';
const APP = 'hocvuso_bench_app';
const OWNER_PASSWORD = 'bench-owner-pw';
const APP_PASSWORD = 'bench-app-pw';

/** Whether a PostgreSQL server is named by the environment (pg_virtualenv or the caller's own). */
export function pgAvailable(): boolean {
  return Boolean(process.env.PGHOST);
}

function url(user: string, password: string, database: string): string {
  const host = process.env.PGHOST ?? 'localhost';
  const port = process.env.PGPORT ?? '5432';
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
}

/** The superuser of the throw-away server, on `database`. */
export function adminDb(database = process.env.PGDATABASE ?? 'postgres'): Kysely<unknown> {
  return kyselyOver<unknown>(
    createPgPool(url(process.env.PGUSER ?? 'postgres', process.env.PGPASSWORD ?? '', database), {
      max: 1,
      applicationName: 'hocvuso-bench-admin',
    }),
  );
}

export interface BenchDatabase {
  readonly name: string;
  /** What the service's DATABASE_URL names: the app role. */
  readonly appUrl: string;
  readonly ownerUrl: string;
}

/**
 * A fresh database for one leg: roles (once), the database owned by the
 * owner role, then `cli migrate-to-pg` from the leg's ingested SQLite file
 * (schema, rows, and the app role's rights).
 */
export async function createBenchDatabase(name: string, sqliteFile: string): Promise<BenchDatabase> {
  const admin = adminDb();
  try {
    await createRoles(admin, { owner: OWNER, app: APP, ownerPassword: OWNER_PASSWORD, appPassword: APP_PASSWORD });
    await sql.raw(`DROP DATABASE IF EXISTS ${name}`).execute(admin);
    await sql.raw(`CREATE DATABASE ${name} OWNER ${OWNER}`).execute(admin);
  } finally {
    await admin.destroy();
  }
  const db = { name, appUrl: url(APP, APP_PASSWORD, name), ownerUrl: url(OWNER, OWNER_PASSWORD, name) };
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/index.ts',
      'migrate-to-pg',
      '--from',
      sqliteFile,
      '--to',
      db.ownerUrl,
      '--app-role',
      APP,
    ],
    { env: { ...process.env, DATABASE_PATH: sqliteFile, LOG_LEVEL: 'error' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return db;
}

/** The postmaster's pid, from the data directory's postmaster.pid (its CPU and its children's are the server's). */
export async function postmasterPid(): Promise<number | undefined> {
  const admin = adminDb();
  try {
    const { rows } = await sql<{ dir: string }>`SELECT current_setting('data_directory') AS dir`.execute(admin);
    const dir = rows[0]?.dir;
    if (!dir) return undefined;
    const pid = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  } finally {
    await admin.destroy();
  }
}

/** Transactions committed and rolled back so far in `database` (pg_stat_database; the statistics lag by up to a second). */
export async function pgTransactions(database: string): Promise<number> {
  const admin = adminDb();
  try {
    const { rows } = await sql<{ n: string }>`
      SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = ${database}`.execute(admin);
    return Number(rows[0]?.n ?? NaN);
  } finally {
    await admin.destroy();
  }
}

/** Rows written (inserted + updated + deleted) and index/sequential scans so far, per table of `database`. */
export async function pgTableActivity(database: string): Promise<Map<string, { writes: number; scans: number }>> {
  const db = adminDb(database);
  try {
    const { rows } = await sql<{ t: string; w: string; s: string }>`
      SELECT relname AS t, (n_tup_ins + n_tup_upd + n_tup_del)::text AS w,
             (coalesce(seq_scan, 0) + coalesce(idx_scan, 0))::text AS s
      FROM pg_stat_user_tables`.execute(db);
    return new Map(rows.map((r) => [r.t, { writes: Number(r.w), scans: Number(r.s) }]));
  } finally {
    await db.destroy();
  }
}

/** Per message, the tables most written and most scanned between two readings of `pgTableActivity`. */
export function activityPerMessage(
  before: ReadonlyMap<string, { writes: number; scans: number }>,
  after: ReadonlyMap<string, { writes: number; scans: number }>,
  messages: number,
): { table: string; writesPerMessage: number; scansPerMessage: number }[] {
  return [...after]
    .map(([table, a]) => {
      const b = before.get(table) ?? { writes: 0, scans: 0 };
      return {
        table,
        writesPerMessage: Number(((a.writes - b.writes) / messages).toFixed(2)),
        scansPerMessage: Number(((a.scans - b.scans) / messages).toFixed(2)),
      };
    })
    .filter((x) => x.writesPerMessage > 0 || x.scansPerMessage > 0)
    .sort((x, y) => y.writesPerMessage + y.scansPerMessage - (x.writesPerMessage + x.scansPerMessage))
    .slice(0, 12);
}
