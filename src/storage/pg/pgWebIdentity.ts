/**
 * @module storage/pg/pgWebIdentity
 *
 * The twin of storage/sqlite/webIdentity on PostgreSQL: moves everything keyed
 * by one web session id to another in one `withCommune` transaction (the
 * identity that points to a citizen, the conversation, the questions logged
 * for staff, the replies still owed and the threads with staff), so an id
 * someone else saw or planted before the rotation is worth nothing after it.
 * It resolves once the move is committed: the new cookie may go out then.
 */
import type { PgDb } from './db.js';
import { withCommune } from './tenant.js';

/** The tables keyed by (commune_id, channel, user_id) that follow a web visitor's id. */
const TABLES = [
  'citizen_identities',
  'conversation_state',
  'unanswered_questions',
  'outbox',
  'handoff_threads',
] as const;

/** Re-keys the web identity and conversation of session `from` to `to`; resolves to the rows moved. */
export function pgMoveWebIdentity(db: PgDb, communeId: string, from: string, to: string): Promise<number> {
  return withCommune(db, communeId, async (trx) => {
    let moved = 0;
    for (const table of TABLES) {
      const r = await trx
        .updateTable(table)
        .set({ user_id: to })
        .where('commune_id', '=', communeId)
        .where('channel', '=', 'web')
        .where('user_id', '=', from)
        .executeTakeFirst();
      moved += Number(r.numUpdatedRows);
    }
    return moved;
  });
}
