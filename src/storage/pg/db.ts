/**
 * @module storage/pg/db
 *
 * The typed query builder over PostgreSQL: Kysely (0.28; 0.29 needs Node 22)
 * with the pool of pool.ts and the tables of schema.ts. Kysely is also what
 * the SQLite side will move to (with its better-sqlite3 dialect), so one
 * repository can serve both databases and branch on the dialect only where
 * they really differ (issue 20 item 1).
 *
 * Its driver opens a commune's transaction in one round trip: `withCommune`
 * (tenant.ts) names the commune, and the driver sends `BEGIN` and the
 * transaction-local setting as one simple query instead of two (every turn,
 * claim and look-up is a transaction, so this was a fifth of the statements
 * bench:scale counted per message), and its statements go as named
 * prepared statements (preparedDriver.ts).
 */
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';
import { createPgPool, type PgPoolOptions } from './pool.js';
import type { Database } from './schema.js';
import { registerPool } from './oneTrip.js';
import { communeBeginning } from './tenant.js';
import { PreparedDriver } from './preparedDriver.js';

export type PgDb = Kysely<Database>;

/** PostgreSQL's driver, whose plain BEGIN inside `withCommune` also sets the commune (tenant.ts). */
class TenantDriver extends PreparedDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const setting = settings.isolationLevel || settings.accessMode ? undefined : communeBeginning();
    if (!setting) return super.beginTransaction(connection, settings);
    await connection.executeQuery(CompiledQuery.raw(`begin; ${setting.sql}`));
    setting.done();
  }
}

/** A Kysely instance over `pool`; `db.destroy()` ends the pool. */
export function kyselyOver<DB = Database>(pool: pg.Pool): Kysely<DB> {
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new TenantDriver(pool),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
  const db = new Kysely<DB>({ dialect });
  registerPool(db, pool);
  return db;
}

/** Opens (lazily: nothing connects before the first query) the database at `url`. */
export function openPgDatabase(url: string, options: PgPoolOptions = {}): PgDb {
  return kyselyOver<Database>(createPgPool(url, options));
}
