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
 * A simple query is parsed and planned at every run. A statement compiled
 * once (compiledOnce.ts: its text never changes) is therefore prepared on
 * the server with SQL `PREPARE`, in the same query the first time a
 * connection runs it, and run as `EXECUTE name(literals…)` after the
 * commune's setting: still one round trip, and, once PostgreSQL keeps a
 * generic plan, no planning. A prepared plan follows row-level security as
 * preparedDriver.ts's named statements do (the policy reads the setting at
 * execution). Measured with bench:scale (one process): the outbox's claim
 * and marks and the web's take were 1.8 s of PostgreSQL's planning in a leg
 * of 2,070 messages.
 *
 * Inside a turn's shared transaction (tenant.ts), or on a Kysely not made by
 * db.ts, the statement runs in `withCommune` as before.
 */
import { createRequire } from 'node:module';
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import pg from 'pg';
import { preparedName } from './compiledOnce.js';
import { communeSettingSql, joinsShared, withCommune } from './tenant.js';

/** `pg`'s conversion of a parameter to its text form (lib/utils.js), as the driver applies it. */
const pgUtils = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(v: unknown): unknown };

const pools = new WeakMap<object, pg.Pool>();
/** The compiled-once statements each connection has prepared (`PREPARE` lasts as long as the connection). */
const prepared = new WeakMap<pg.PoolClient, Set<string>>();

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
  const name = preparedName(query.sql);
  // Everything that may refuse (the commune id, a value) before a connection is taken.
  const text = `${communeSettingSql(communeId)}; ${name === undefined ? inlined(query) : executeSql(name, query.parameters)}`;
  const client = await pool.connect();
  let known = prepared.get(client);
  if (!known) prepared.set(client, (known = new Set()));
  const preparing = name !== undefined && !known.has(name);
  let results: pg.QueryResult[];
  let broken = false;
  try {
    results = (await client.query(
      preparing ? `PREPARE ${name} AS ${query.sql}; ${text}` : text,
    )) as unknown as pg.QueryResult[];
    if (preparing) known.add(name);
  } catch (err) {
    // Which of a failed query's statements took effect is unknown (PREPARE is not undone by the
    // failure, and a prepared statement may no longer fit its table): the connection goes.
    broken = name !== undefined;
    throw err;
  } finally {
    client.release(broken);
  }
  const r = results[preparing ? 2 : 1];
  if (!r) throw new Error('oneTrip: the statement gave no result');
  const affected = ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(r.command) ? BigInt(r.rowCount ?? 0) : undefined;
  return { rows: r.rows as R[], ...(affected !== undefined && { numAffectedRows: affected }) };
}

/** `EXECUTE name(…)` with the parameters as literals. */
function executeSql(name: string, parameters: readonly unknown[]): string {
  return parameters.length === 0 ? `EXECUTE ${name}` : `EXECUTE ${name}(${parameters.map(literal).join(', ')})`;
}
