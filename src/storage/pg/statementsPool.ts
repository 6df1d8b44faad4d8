/**
 * @module storage/pg/statementsPool
 *
 * The pool Kysely's PostgreSQL dialect is given (its `PostgresPool`
 * interface): `pg`'s pool, whose clients answer a query of several
 * statements with every statement's result. `pg` answers such a query (a
 * simple query: no bound parameters) with an array of results, which Kysely
 * reads as if it were one and so loses; here it comes back as one row per
 * statement (`StatementResult`), in order. db.ts's driver sends a turn's
 * BEGIN, its commune setting and the turn's first statements as one such
 * query (one round trip instead of several, issue 20) and needs their rows.
 * A query of one statement, and a cursor, go to `pg` unchanged.
 */
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/** One statement's result within a query of several. */
export interface StatementResult {
  readonly command: string;
  readonly rowCount: number | null;
  readonly rows: readonly Record<string, unknown>[];
}

class StatementsClient implements PostgresPoolClient {
  constructor(private readonly client: pg.PoolClient) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    sqlOrCursor: string | PostgresCursor<R>,
    parameters?: ReadonlyArray<unknown>,
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== 'string') {
      // pg's client takes a cursor (pg-cursor) as a submittable; its types do not say so.
      return (this.client as unknown as { query(c: PostgresCursor<R>): PostgresCursor<R> }).query(sqlOrCursor);
    }
    return this.client.query(sqlOrCursor, parameters as unknown[]).then((result) => {
      const results = result as pg.QueryResult | pg.QueryResult[];
      if (!Array.isArray(results)) return results as unknown as PostgresQueryResult<R>;
      const statements: StatementResult[] = results.map((r) => ({
        command: r.command,
        rowCount: r.rowCount,
        rows: r.rows as Record<string, unknown>[],
      }));
      return { command: 'SELECT', rowCount: statements.length, rows: statements as unknown as R[] };
    });
  }

  release(destroy?: boolean): void {
    this.client.release(destroy);
  }
}

/** `pool` as Kysely's dialect takes it; `end()` ends `pool`. */
export function statementsPool(pool: pg.Pool): PostgresPool {
  // One wrapper per pg client: Kysely keeps its connection object per client it is handed.
  const wrappers = new WeakMap<pg.PoolClient, StatementsClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = new StatementsClient(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
