/**
 * A fresh PostgreSQL database per test file, on the server the environment
 * names (PGHOST, PGPORT, PGUSER, PGPASSWORD: what `pg_virtualenv` exports, see
 * scripts/test-pg.sh). Each file gets its own database and its own two roles
 * (roles are per server, so their names are random too), set up the way
 * storage/pg/roles.ts describes an install; `drop()` removes all three.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { kyselyOver } from '../../src/storage/pg/db.js';
import { createPgPool } from '../../src/storage/pg/pool.js';
import { createRoles, grantAppRole } from '../../src/storage/pg/roles.js';
import { migrateToLatest } from '../../src/storage/pg/migrations/index.js';
import type { Database } from '../../src/storage/pg/schema.js';

/** A postgres:// URL for `database` on the test server, as `user` (the environment's user by default). */
export function pgUrl(database: string, user?: string, password?: string): string {
  const host = process.env.PGHOST ?? 'localhost';
  const who = user ?? process.env.PGUSER ?? 'postgres';
  const pw = user === undefined ? process.env.PGPASSWORD : password;
  const auth = `${encodeURIComponent(who)}${pw ? `:${encodeURIComponent(pw)}` : ''}`;
  const port = process.env.PGPORT ?? '5432';
  // A socket directory goes as the host parameter; a name or address in the authority.
  return host.startsWith('/')
    ? `postgres://${auth}@/${database}?host=${encodeURIComponent(host)}&port=${port}`
    : `postgres://${auth}@${host}:${port}/${database}`;
}

/** A Kysely over `url`, its pool small (tests open several). */
export function connect<DB = Database>(url: string, max = 2): Kysely<DB> {
  return kyselyOver<DB>(createPgPool(url, { max, applicationName: 'hocvuso-test' }));
}

export interface TestDatabase {
  readonly name: string;
  readonly ownerRole: string;
  readonly appRole: string;
  /** As the tables' owner (runs the migrations). */
  readonly ownerUrl: string;
  /** As the app role: what DATABASE_URL names in an install. */
  readonly appUrl: string;
  /** As the server's administrator (the environment's user). */
  readonly adminUrl: string;
  drop(): Promise<void>;
}

/** Creates an empty database owned by a new owner role, and a new app role; nothing migrated yet. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const id = randomBytes(6).toString('hex');
  const name = `hocvuso_test_${id}`;
  const ownerRole = `hocvuso_owner_${id}`;
  const appRole = `hocvuso_app_${id}`;
  const ownerPassword = randomBytes(12).toString('base64url');
  const appPassword = `${randomBytes(12).toString('base64url')}'"\\`; // quoting is the server's job
  const server = connect<unknown>(pgUrl(process.env.PGDATABASE ?? 'postgres'), 1);
  try {
    await createRoles(server, { owner: ownerRole, app: appRole, ownerPassword, appPassword });
    await sql`CREATE DATABASE ${sql.id(name)} OWNER ${sql.id(ownerRole)}`.execute(server);
  } finally {
    await server.destroy();
  }
  return {
    name,
    ownerRole,
    appRole,
    ownerUrl: pgUrl(name, ownerRole, ownerPassword),
    appUrl: pgUrl(name, appRole, appPassword),
    adminUrl: pgUrl(name),
    async drop() {
      const admin = connect<unknown>(pgUrl(process.env.PGDATABASE ?? 'postgres'), 1);
      try {
        await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(admin);
        await sql`DROP ROLE IF EXISTS ${sql.id(appRole)}`.execute(admin);
        await sql`DROP ROLE IF EXISTS ${sql.id(ownerRole)}`.execute(admin);
      } finally {
        await admin.destroy();
      }
    },
  };
}

/** A test database migrated as its owner, with the app role's grants: an install ready to serve. */
export async function createMigratedDatabase(): Promise<TestDatabase> {
  const t = await createTestDatabase();
  const owner = connect<unknown>(t.ownerUrl, 1);
  try {
    await migrateToLatest(owner);
    await grantAppRole(owner, t.appRole);
  } finally {
    await owner.destroy();
  }
  return t;
}
