/**
 * @module storage/pg/preparedDriver
 *
 * Kysely's PostgreSQL driver, with the app's statements sent as named
 * prepared statements (issue 20). Each turn runs the same few dozen
 * statements with new values; sent unnamed, as Kysely's own connection sends
 * them, PostgreSQL parses, analyses, rewrites (row-level security's policies
 * included) and plans every one of them again. Named, a connection parses a
 * statement once and later only binds and executes it, and after five runs
 * PostgreSQL may keep a generic plan. Row-level security stays exact: the
 * policies read `current_setting('app.commune_id')` at execution, not at
 * planning, and a cached plan is checked against the role that runs it.
 * Measured with bench:scale (one process, alternating runs): PostgreSQL's
 * CPU per message 6.2 → 5.0 ms, the service's unchanged.
 *
 * The names are `pg`'s own feature (`client.query({ name, text, values })`):
 * `pg` remembers per connection which names it has parsed. A text gets a name
 * the second time the process sees it (a one-off statement is never kept),
 * and at most `MAX_NAMED` texts ever get one, so a statement whose text varies
 * (an IN list of any length) cannot fill every connection's memory on the
 * server: beyond the bound, texts go unnamed as before. Only statements with
 * parameters are named: BEGIN, COMMIT, savepoints and db.ts's `begin; …`
 * (two statements, which a prepared statement cannot hold) go as simple
 * queries, as before, and so do oneTrip.ts's transactions of one statement.
 *
 * A generic plan has parameters where an unnamed statement's plan had the
 * values: an ON CONFLICT clause naming a partial unique index must write
 * the index's predicate as a literal (`sql.lit`), or PostgreSQL finds no
 * arbiter index once it plans generically (test/pg/preparedDriver.test.ts).
 *
 * A prepared statement whose result columns changed under it (a migration
 * run by another process while this one serves) fails with "cached plan
 * must not change result type"; the connection that held it is then dropped
 * from the pool when released, so the next one parses afresh.
 */
import {
  AbortedTransactionError,
  CompiledQuery,
  PostgresDriver,
  type DatabaseConnection,
  type QueryResult,
} from 'kysely';
import type pg from 'pg';

/** Texts named at most per process (each connection prepares those it runs). */
export const MAX_NAMED = 200;
/** Texts seen once, remembered at most (then forgotten all at once) to find those that repeat. */
const MAX_SEEN_ONCE = 2_000;

/** Which statement texts are sent as named prepared statements, and under which name. */
export class StatementNames {
  readonly #names = new Map<string, string>();
  #seenOnce = new Set<string>();

  constructor(private readonly max = MAX_NAMED) {}

  /** The name to prepare `text` under, or undefined to send it unnamed this time. */
  nameOf(text: string): string | undefined {
    const known = this.#names.get(text);
    if (known !== undefined || this.#names.size >= this.max) return known;
    if (!this.#seenOnce.has(text)) {
      if (this.#seenOnce.size >= MAX_SEEN_ONCE) this.#seenOnce = new Set();
      this.#seenOnce.add(text);
      return undefined;
    }
    this.#seenOnce.delete(text);
    const name = `hv${this.#names.size + 1}`;
    this.#names.set(text, name);
    return name;
  }

  get size(): number {
    return this.#names.size;
  }
}

/** PostgreSQL's SQLSTATE for "cached plan must not change result type". */
const FEATURE_NOT_SUPPORTED = '0A000';

/** One pooled client, its statements named by `names`. */
class PreparedConnection implements DatabaseConnection {
  #discard = false;

  constructor(
    readonly client: pg.PoolClient,
    private readonly names: StatementNames,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#discard) throw new Error('PostgreSQL connection has been discarded');
    const values = [...query.parameters];
    const name = values.length > 0 ? this.names.nameOf(query.sql) : undefined;
    let r: pg.QueryResult;
    try {
      r = await this.client.query(name ? { name, text: query.sql, values } : { text: query.sql, values });
    } catch (err) {
      if (name && (err as { code?: string }).code === FEATURE_NOT_SUPPORTED) this.#discard = true;
      throw err;
    }
    if (r.command === 'ROLLBACK' || r.command === 'COMMIT') return { rows: [{ command: r.command } as R] };
    const affected = ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(r.command) ? BigInt(r.rowCount ?? 0) : undefined;
    return { rows: (r.rows ?? []) as R[], ...(affected !== undefined && { numAffectedRows: affected }) };
  }

  /** Nothing here streams (it would need pg-cursor, as Kysely's own connection does). */
  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not used with PostgreSQL here');
  }

  markForDiscard(): void {
    this.#discard = true;
  }

  release(): void {
    this.client.release(this.#discard);
  }
}

/**
 * Kysely's PostgresDriver whose connections name their statements; BEGIN,
 * COMMIT, savepoints and the pool's end are the parent's.
 */
export class PreparedDriver extends PostgresDriver {
  readonly #pool: pg.Pool;
  readonly #names: StatementNames;
  readonly #connections = new WeakMap<pg.PoolClient, PreparedConnection>();

  constructor(pool: pg.Pool, names = new StatementNames()) {
    super({ pool });
    this.#pool = pool;
    this.#names = names;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.#pool.connect();
    let connection = this.#connections.get(client);
    if (!connection) {
      connection = new PreparedConnection(client, this.#names);
      this.#connections.set(client, connection);
    }
    return connection;
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const { rows } = await connection.executeQuery<{ command?: string }>(CompiledQuery.raw('commit'));
    if (rows[0]?.command === 'ROLLBACK') throw new AbortedTransactionError();
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    } catch (err) {
      (connection as PreparedConnection).markForDiscard();
      throw err;
    }
  }

  override releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PreparedConnection).release();
    return Promise.resolve();
  }
}
