/**
 * @module storage/pg/pgCitizenLocks
 *
 * The lock order every multi-step write of citizens, attempts and channel rows
 * keeps on PostgreSQL, so two processes serialise instead of interleaving and
 * never deadlock: **citizen rows first (by id, ascending), then anything that
 * hangs off them** (identities, link codes, attempts, passes, completions).
 *
 * - A link (`redeemLinkCode`) and an erasure take `FOR UPDATE` on the citizens
 *   they merge or delete: it excludes every other lock on those rows,
 *   including the KEY SHARE that an insert referencing them (an attempt, a
 *   pass, an identity) takes through its foreign key, so nothing can be
 *   attached to a citizen while it is being merged away or erased.
 * - A finishing quiz answer takes `FOR NO KEY UPDATE` on the attempt's owner
 *   before it moves the attempt: it waits for a link that is moving the
 *   attempt to another citizen, and two finishing answers of one citizen
 *   take turns, so "all core quizzes passed" always sees every pass.
 *
 * SQLite gets the same effect from one IMMEDIATE (whole-file) transaction.
 */
import type { Transaction } from 'kysely';
import { compiledOnce } from './compiledOnce.js';
import type { Database } from './schema.js';

export type Trx = Transaction<Database>;

/** Locks the citizens of `ids` that exist, in id order; returns the ids locked. */
export async function lockCitizens(
  trx: Trx,
  communeId: string,
  ids: readonly string[],
  strength: 'update' | 'no key update' = 'update',
): Promise<Set<string>> {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0) return new Set();
  const query = trx
    .selectFrom('citizens')
    .select('id')
    .where('commune_id', '=', communeId)
    .where('id', 'in', distinct)
    .orderBy('id');
  const rows = await (strength === 'update' ? query.forUpdate() : query.forNoKeyUpdate()).execute();
  return new Set(rows.map((r) => r.id));
}

/** The citizen an identity belongs to now (READ COMMITTED: what is committed at this statement). */
export async function citizenOfIdentity(
  trx: Trx,
  communeId: string,
  channel: string,
  userId: string,
): Promise<string | undefined> {
  return (await trx.executeQuery(identityCitizen({ communeId, channel, userId }))).rows[0]?.citizen_id;
}

const identityCitizen = compiledOnce((db, a: { communeId: string; channel: string; userId: string }) =>
  db
    .selectFrom('citizen_identities')
    .select('citizen_id')
    .where('commune_id', '=', a.communeId)
    .where('channel', '=', a.channel)
    .where('user_id', '=', a.userId),
);

/** How often a read-lock-recheck loop tries before it gives up (only under a storm of links). */
export const LOCK_TRIES = 5;
