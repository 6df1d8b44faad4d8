/**
 * @module storage/pg/pool
 *
 * The connection pool to PostgreSQL, from `DATABASE_URL`. One pool per
 * process, shared by every commune: which commune a query serves is set per
 * transaction (tenant.ts), never on the connection, so any connection can
 * serve any commune.
 *
 * Two things differ from `pg`'s defaults, for the same reason: the code that
 * reads rows will be shared with SQLite, where every integer is a JavaScript
 * number. `bigint` (int8, also what COUNT and SUM give) is read as a number,
 * and a value beyond 2^53 throws instead of silently losing digits; `numeric`
 * stays a string (there is none in the schema). And an idle connection that
 * the server drops (a restart, a network cut) is logged, not left as an
 * unhandled 'error' event that would stop the process; nor is one dropped
 * while checked out (a turn's transaction held across the engine's wait).
 */
import pg from 'pg';
import { redactDatabaseUrl } from '../../databaseUrl.js';

/** The little a pool needs of the service's logger (pino's shape). */
export interface PoolLogger {
  warn(obj: object, msg: string): void;
}

export interface PgPoolOptions {
  /** Connections at most (pg's default is 10). */
  readonly max?: number;
  /** Shown in pg_stat_activity, so an operator sees which process holds a connection. */
  readonly applicationName?: string;
  readonly logger?: PoolLogger;
}

const INT8_OID = 20;

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} is beyond JavaScript's safe integers`);
  return n;
}

/** Type parsers for this pool only: pg's global parsers stay as they are. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : (pg.types.getTypeParser(oid, format ?? 'text') as unknown)) as typeof pg.types.getTypeParser,
};

/** A pool for `url` (postgres:// or postgresql://). Connections open lazily, at the first query. */
export function createPgPool(url: string, options: PgPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'hocvuso',
    types: TYPES,
  });
  pool.on('error', (err) => {
    options.logger?.warn(
      { err: err.message, database: redactDatabaseUrl(url) },
      'PostgreSQL closed an idle connection; the pool opens a new one when needed',
    );
  });
  // A connection lost while checked out between two queries (a turn's transaction while the engine
  // waits on a model) is reported by its client, which the pool listens to only while it is idle:
  // without this listener that 'error' event would stop the process. The next query on it fails,
  // its transaction rolls back, and the pool drops it when it is released.
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      options.logger?.warn(
        { err: err.message, database: redactDatabaseUrl(url) },
        'PostgreSQL closed a connection in use; its transaction is rolled back',
      );
    });
  });
  return pool;
}
