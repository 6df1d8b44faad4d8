/**
 * @module storage/pg/oneTrip
 *
 * A transaction of one statement in one round trip (issue 20). A
 * `withCommune` transaction costs three: the BEGIN carrying the commune's
 * setting, the statement, the COMMIT; and bench:scale measured the service's
 * CPU as mostly socket writes, one per round trip. The outbox's claims and
 * marks, the web's take and Zalo's receipt are one statement each, so they go
 * as ONE simple query of two statements, the commune's setting and the
 * statement: PostgreSQL runs a multi-statement simple query as one implicit
 * transaction (committed at its end, rolled back on an error), so
 * `set_config(…, true)` covers the statement exactly as it covers a
 * `withCommune` transaction, and row-level security holds the same.
 *
 * A simple query takes no bound parameters: each value is written into the
 * SQL as a quoted literal of unknown type, escaped by `pg`'s `escapeLiteral`
 * after `pg`'s own conversion of parameters (`prepareValue`), which is what
 * the server would have received as an untyped parameter. The commune id is
 * spliced only after it matched the commune-id rule (tenant.ts).
 *
 * Inside a turn's shared transaction (tenant.ts), or on a Kysely not made by
 * db.ts, the statement runs in `withCommune` as before.
 */
import { createRequire } from 'node:module';
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import pg from 'pg';
import { communeSettingSql, joinsShared, withCommune } from './tenant.js';

/** `pg`'s conversion of a parameter to its text form (lib/utils.js), as the driver applies it. */
const pgUtils = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(v: unknown): unknown };

const pools = new WeakMap<object, pg.Pool>();

/** Called by db.ts for each Kysely it makes over a pool. */
export function registerPool(db: object, pool: pg.Pool): void {
  pools.set(db, pool);
}

/** A parameter as a literal: what `pg` would have sent for it, quoted. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Buffer.isBuffer(value)) throw new Error('oneTrip: binary values are not supported');
  const prepared = pgUtils.prepareValue(value);
  if (prepared === null || prepared === undefined) return 'NULL';
  if (typeof prepared !== 'string') throw new Error('oneTrip: a value pg would not send as text');
  return pg.escapeLiteral(prepared);
}

/** The compiled statement with its parameters written in. */
export function inlined(query: CompiledQuery): string {
  return query.sql.replace(/\$(\d+)/g, (_m, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= query.parameters.length) throw new Error(`oneTrip: no parameter $${n}`);
    return literal(query.parameters[i]);
  });
}

/**
 * Runs `query` (compiled by a Kysely of this database) for `communeId` as a
 * transaction of its own, in one round trip.
 */
export async function oneTrip<DB, R>(
  db: Kysely<DB>,
  communeId: string,
  query: CompiledQuery<R>,
): Promise<QueryResult<R>> {
  const pool = pools.get(db);
  if (!pool || joinsShared(db, communeId)) return withCommune(db, communeId, (trx) => trx.executeQuery(query));
  const text = `${communeSettingSql(communeId)}; ${inlined(query)}`;
  const client = await pool.connect();
  let results: pg.QueryResult[];
  try {
    results = (await client.query(text)) as unknown as pg.QueryResult[];
  } finally {
    client.release();
  }
  const r = results[1];
  if (!r) throw new Error('oneTrip: the statement gave no result');
  const affected = ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(r.command) ? BigInt(r.rowCount ?? 0) : undefined;
  return { rows: r.rows as R[], ...(affected !== undefined && { numAffectedRows: affected }) };
}
