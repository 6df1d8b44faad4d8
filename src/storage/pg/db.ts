/**
 * @module storage/pg/db
 *
 * The typed query builder over PostgreSQL: Kysely (0.28; 0.29 needs Node 22)
 * with the pool of pool.ts and the tables of schema.ts. Kysely is also what
 * the SQLite side will move to (with its better-sqlite3 dialect), so one
 * repository can serve both databases and branch on the dialect only where
 * they really differ (issue 20 item 1).
 */
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { createPgPool, type PgPoolOptions } from './pool.js';
import type { Database } from './schema.js';

export type PgDb = Kysely<Database>;

/** A Kysely instance over `pool`; `db.destroy()` ends the pool. */
export function kyselyOver<DB = Database>(pool: pg.Pool): Kysely<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/** Opens (lazily: nothing connects before the first query) the database at `url`. */
export function openPgDatabase(url: string, options: PgPoolOptions = {}): PgDb {
  return kyselyOver<Database>(createPgPool(url, options));
}
