/**
 * @module storage/pg/compiledOnce
 *
 * A fixed-shape statement built and compiled by Kysely once per process,
 * then run with new values (issue 20). Kysely builds a query as a tree of
 * frozen nodes and compiles that tree to SQL on every call; bench:scale's CPU
 * profile of one PostgreSQL process put 3.1 s of 2,070 messages in Kysely
 * itself (and much of the extra garbage collection in its nodes), for
 * statements whose text never changes from one call to the next. Here the
 * typed builder stays the one source of the SQL text and of the row type:
 * `compiledOnce` runs it once with a stand-in for each argument, keeps the
 * `CompiledQuery` (Kysely's documented "compile now, execute later" form,
 * run with `executeQuery`), and each call puts the arguments where their
 * stand-ins were.
 *
 * Only a statement whose shape never depends on its arguments fits. What
 * this checks, at the first call (throwing, so a test that runs the
 * statement once finds it):
 *  - every parameter of the compiled statement is one argument's stand-in.
 *    A constant written as a value (`.where('status', '=', 'open')`, a
 *    `nowIso()` in the builder) would be frozen into every later call, so
 *    constants go in as SQL literals (`sql.lit('open')`), which also lets a
 *    prepared statement's generic plan use a partial index;
 *  - every argument the builder read is a parameter, exactly as given: not
 *    spliced into the SQL text (`sql.raw`, `sql.lit`), not transformed
 *    (`JSON.stringify(a.x)` inside the builder: pass the text instead);
 * and, at each call, that no argument is `undefined`: Kysely leaves an
 *  `undefined` column out of the statement, so its shape would depend on it
 *  (pass `null` for SQL NULL).
 * A builder that branches on an argument (`a.x ? … : …`) cannot be caught:
 * it must not read the arguments other than to place them.
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Compilable,
  type CompiledQuery,
} from 'kysely';
import type { Database } from './schema.js';

/** A Kysely that only builds and compiles PostgreSQL's SQL (it has no connection). */
const builder = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** What marks an argument's stand-in (no real value of the app holds these characters). */
const MARK = '\u0000hv-arg\u0000';
/** What is left of the mark in a stand-in transformed by the builder (JSON.stringify escapes the NULs). */
const TAG = 'hv-arg';

/** The name each compiled-once text is prepared under where it runs as SQL `EXECUTE` (oneTrip.ts). */
const names = new Map<string, string>();

/**
 * The server-side name of a compiled-once statement's text, for oneTrip.ts's
 * `PREPARE`/`EXECUTE`; undefined for any other text (its shape may vary, so
 * it is never prepared there).
 */
export function preparedName(text: string): string | undefined {
  return names.get(text);
}

/** A statement compiled once: call it with the arguments to get the query to execute. */
export type CompiledOnce<A, R> = (args: A) => CompiledQuery<R>;

/** What `build` may return: a query builder, or a `sql` template (which compiles against a Kysely). */
type Buildable<R> = Compilable<R> | { compile(db: Kysely<Database>): CompiledQuery<R> };

/**
 * The statement `build` makes, compiled at the first call; `build` receives
 * a Kysely without a connection and stand-ins for the arguments.
 */
export function compiledOnce<A extends Record<string, unknown>, R>(
  build: (db: Kysely<Database>, args: A) => Buildable<R>,
): CompiledOnce<A, R> {
  let compiled: { readonly query: CompiledQuery<R>; readonly slots: readonly (keyof A & string)[] } | undefined;
  return (args) => {
    compiled ??= compile(build);
    const { query, slots } = compiled;
    const parameters = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const name = slots[i]!;
      const value = args[name];
      if (value === undefined) throw new Error(`compiledOnce: argument '${name}' is undefined (pass null for NULL)`);
      parameters[i] = value;
    }
    return { query: query.query, queryId: query.queryId, sql: query.sql, parameters };
  };
}

function compile<A extends Record<string, unknown>, R>(
  build: (db: Kysely<Database>, args: A) => Buildable<R>,
): { readonly query: CompiledQuery<R>; readonly slots: readonly (keyof A & string)[] } {
  const read = new Set<string>();
  const standIns = new Proxy({} as A, {
    get(_target, key) {
      if (typeof key !== 'string') return undefined;
      read.add(key);
      return `${MARK}${key}${MARK}`;
    },
  });
  // A query builder's compile() takes no argument and ignores this one; a `sql` template needs it.
  const query = (build(builder, standIns) as { compile(db: Kysely<Database>): CompiledQuery<R> }).compile(builder);
  if (query.sql.includes(TAG)) throw new Error('compiledOnce: an argument was written into the SQL text');
  const placed = new Set<string>();
  const slots = query.parameters.map((p, i) => {
    const name =
      typeof p === 'string' && p.startsWith(MARK) && p.endsWith(MARK) ? p.slice(MARK.length, -MARK.length) : undefined;
    if (name === undefined || name.includes(MARK) || !read.has(name)) {
      const what = typeof p === 'string' && p.includes(TAG) ? 'a transformed argument' : JSON.stringify(p);
      throw new Error(`compiledOnce: parameter $${i + 1} is ${what}, not an argument (write constants with sql.lit)`);
    }
    placed.add(name);
    return name;
  });
  for (const name of read) {
    if (!placed.has(name)) throw new Error(`compiledOnce: argument '${name}' is not a parameter of the statement`);
  }
  if (!names.has(query.sql)) names.set(query.sql, `hvonce${names.size + 1}`);
  return { query, slots };
}
