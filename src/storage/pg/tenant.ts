/**
 * @module storage/pg/tenant
 *
 * Which commune a PostgreSQL transaction works for. Row-level security
 * (migration 019c) shows and accepts only the rows of the commune named by the
 * setting `app.commune_id`, so every query of the app runs inside
 * `withCommune`. The setting is made with `set_config(…, true)`, the
 * function form of `SET LOCAL`: it ends with the transaction, so a pooled
 * connection handed to the next request carries no commune over (a session
 * `SET` would, and the next request would see the previous commune's rows).
 * The transaction's BEGIN carries the setting (db.ts's driver sends both in
 * one simple query, which cannot take bound parameters): the commune id is
 * spliced into that SQL only after it matched `COMMUNE_ID` (lower-case
 * letters, digits and hyphens, nothing that can end a string literal). A
 * Kysely made otherwise gets the setting as a second statement, with the id
 * as a bound parameter.
 *
 * A turn's transaction is shared (`sharingTransaction`, issue 20): while the
 * PostgreSQL turn runner waits on the engine, every `withCommune` of the same
 * database and commune made on the engine's behalf (citizens, attempts, the
 * unanswered log…) joins the turn's transaction instead of taking a
 * connection and a transaction of its own. On SQLite the turn's write scope
 * does the same (storage/sqlite/writeScope.ts). Measured with bench:scale:
 * about 2.3 of the 8.6 transactions per message were the engine's own.
 *
 * The shared part is undone as one: ONE savepoint before the body, none per
 * joined call. A joined call that fails (a statement error leaves the whole
 * PostgreSQL transaction unusable, and a call may have written before it
 * threw) fails the body too, even when the body caught the error: the body's
 * writes, the joined calls' included, are rolled back to that savepoint and
 * `sharingTransaction` rejects, leaving the turn's transaction usable (the
 * runner then queues its error replies). Nothing in the engine catches a
 * store's error and goes on, so a call's failure ended its turn's answer
 * anyway; a savepoint per call cost a round trip each, ~3 per message.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely, type Transaction } from 'kysely';

/** The setting the policies read. */
export const COMMUNE_SETTING = 'app.commune_id';

/** What a commune id may look like (the same rule as COMMUNE_ID in config.ts). */
const COMMUNE_ID = /^[a-z0-9-]+$/;

/** A turn's transaction, open to the calls made on its behalf while `open`. */
interface Shared {
  readonly db: unknown;
  readonly communeId: string;
  readonly trx: Transaction<unknown>;
  open: boolean;
  /** The joined calls, one after another (two calls' statements never interleave). */
  tail: Promise<void>;
  /** The first joined call that failed: the body fails with it, whatever it did with the error. */
  failed?: { readonly err: unknown };
}

/** `call`: set inside a joined call, which a nested `withCommune` simply runs in (one call, both). */
interface Ambient {
  readonly shared: Shared;
  readonly call?: { done: boolean };
}

const ambient = new AsyncLocalStorage<Ambient>();

/** The commune a transaction about to begin is for; `used` once its BEGIN carried the setting. */
interface Beginning {
  readonly communeId: string;
  used: boolean;
}

const beginning = new AsyncLocalStorage<Beginning>();

/**
 * For the driver (db.ts), at BEGIN: the statement that sets the commune of
 * the transaction `withCommune` is opening, and `done` to say it went with
 * the BEGIN. Undefined outside `withCommune`, and for any later transaction
 * begun inside its callback (that one is not a commune's).
 */
export function communeBeginning(): { readonly sql: string; done(): void } | undefined {
  const b = beginning.getStore();
  if (!b || b.used || !COMMUNE_ID.test(b.communeId)) return undefined;
  return {
    sql: communeSettingSql(b.communeId),
    done: () => {
      b.used = true;
    },
  };
}

/** The statement that sets the commune of a transaction, the id spliced in once checked (oneTrip.ts). */
export function communeSettingSql(communeId: string): string {
  if (!COMMUNE_ID.test(communeId)) throw new Error(`invalid commune id: ${JSON.stringify(communeId)}`);
  return `SELECT set_config('${COMMUNE_SETTING}', '${communeId}', true)`;
}

/** Whether a `withCommune` of this database and commune made here would join a turn's shared transaction. */
export function joinsShared(db: unknown, communeId: string): boolean {
  const here = ambient.getStore();
  return here !== undefined && here.shared.db === db && here.shared.communeId === communeId;
}

/**
 * Runs `fn` in one transaction whose rows are those of `communeId` only.
 * Everything `fn` does goes through `trx`; the transaction commits when `fn`
 * resolves and rolls back when it throws. Inside `sharingTransaction` of the
 * same database and commune, `fn` runs in that transaction (and its failure
 * fails the shared body).
 */
export async function withCommune<DB, T>(
  db: Kysely<DB>,
  communeId: string,
  fn: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  if (!COMMUNE_ID.test(communeId)) throw new Error(`invalid commune id: ${JSON.stringify(communeId)}`);
  const here = ambient.getStore();
  if (here && here.shared.db === db && here.shared.communeId === communeId) {
    const trx = here.shared.trx as Transaction<DB>;
    if (here.call && !here.call.done) return fn(trx);
    if (here.shared.open && !here.call) return joined(here.shared, trx, fn);
  }
  const begun: Beginning = { communeId, used: false };
  return beginning.run(begun, () =>
    db.transaction().execute(async (trx) => {
      if (!begun.used) {
        // Not set with the BEGIN (a Kysely without db.ts's driver); nor is any later BEGIN inside `fn`.
        begun.used = true;
        await sql`SELECT set_config(${COMMUNE_SETTING}, ${communeId}, true)`.execute(trx);
      }
      return fn(trx);
    }),
  );
}

/** Runs `fn` in the shared transaction, after the joined calls before it; a failure is the body's too. */
function joined<DB, T>(shared: Shared, trx: Transaction<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  const run = shared.tail.then(async () => {
    // After a failed call the transaction may be unusable: the rest of the body's calls fail at once.
    if (shared.failed) throw shared.failed.err;
    const call = { done: false };
    try {
      return await ambient.run({ shared, call }, () => fn(trx));
    } catch (err) {
      shared.failed ??= { err };
      throw err;
    } finally {
      call.done = true;
    }
  });
  shared.tail = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

/**
 * Runs `body` with `trx` (a `withCommune` transaction of `communeId` on `db`)
 * offered to every `withCommune` of that database and commune it makes, and
 * resolves once the last of them is done: the caller may use `trx` again
 * then, and commit. A call started after `body` has settled (work it left
 * running) gets a transaction of its own. When `body` or any of its calls
 * fails, everything they wrote is rolled back (one savepoint, taken first)
 * and this rejects with the first error; `trx` stays usable.
 */
export async function sharingTransaction<DB, T>(
  db: Kysely<DB>,
  communeId: string,
  trx: Transaction<DB>,
  body: () => Promise<T>,
): Promise<T> {
  const shared: Shared = {
    db,
    communeId,
    trx: trx as Transaction<unknown>,
    open: true,
    tail: Promise.resolve(),
  };
  await sql`SAVEPOINT shared`.execute(trx);
  let result: T;
  try {
    try {
      result = await ambient.run({ shared }, body);
    } finally {
      shared.open = false;
      await shared.tail;
    }
    if (shared.failed) throw shared.failed.err;
  } catch (err) {
    // When even this fails the turn's transaction is lost and its next statement fails: the error
    // worth reporting is the body's. The savepoint is never released: the commit ends it.
    await sql`ROLLBACK TO SAVEPOINT shared`.execute(trx).catch(() => undefined);
    throw shared.failed ? shared.failed.err : err;
  }
  return result;
}
