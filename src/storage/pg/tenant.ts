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
 * The commune id goes as a bound parameter, never spliced into SQL.
 */
import { sql, type Kysely, type Transaction } from 'kysely';

/** The setting the policies read. */
export const COMMUNE_SETTING = 'app.commune_id';

/** What a commune id may look like (the same rule as COMMUNE_ID in config.ts). */
const COMMUNE_ID = /^[a-z0-9-]+$/;

/**
 * Runs `fn` in one transaction whose rows are those of `communeId` only.
 * Everything `fn` does goes through `trx`; the transaction commits when `fn`
 * resolves and rolls back when it throws.
 */
export async function withCommune<DB, T>(
  db: Kysely<DB>,
  communeId: string,
  fn: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  if (!COMMUNE_ID.test(communeId)) throw new Error(`invalid commune id: ${JSON.stringify(communeId)}`);
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config(${COMMUNE_SETTING}, ${communeId}, true)`.execute(trx);
    return fn(trx);
  });
}
