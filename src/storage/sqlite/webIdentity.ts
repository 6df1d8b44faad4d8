/**
 * @module storage/sqlite/webIdentity
 *
 * Moves everything keyed by one web session id to another, in one
 * transaction: the identity that points to a citizen, the conversation and
 * the questions logged for staff (so "xóa dữ liệu của tôi" still finds them)
 * and the replies still owed to the visitor.
 * The web channel rotates a visitor's id when what the id stands for changes
 * (a link code joined it to a citizen, a first quiz made one), so an id that
 * someone else saw or planted before that moment is worth nothing after it.
 */
import type { Db } from './db.js';
import type { WriteScope } from './writeScope.js';

/** Re-keys the web identity and conversation of session `from` to `to`; returns the rows moved. */
export function moveWebIdentity(db: Db, communeId: string, from: string, to: string): number {
  const identity = db.prepare(
    `UPDATE citizen_identities SET user_id = ? WHERE commune_id = ? AND channel = 'web' AND user_id = ?`,
  );
  const conversation = db.prepare(
    `UPDATE conversation_state SET user_id = ? WHERE commune_id = ? AND channel = 'web' AND user_id = ?`,
  );
  const questions = db.prepare(
    `UPDATE unanswered_questions SET user_id = ? WHERE commune_id = ? AND channel = 'web' AND user_id = ?`,
  );
  // Replies still owed to the visitor (a staff answer queued while this turn ran) follow them too, and
  // so do their threads with staff, so erasure by the new id still finds what they wrote to staff.
  const owed = db.prepare(`UPDATE outbox SET user_id = ? WHERE commune_id = ? AND channel = 'web' AND user_id = ?`);
  const threads = db.prepare(
    `UPDATE handoff_threads SET user_id = ? WHERE commune_id = ? AND channel = 'web' AND user_id = ?`,
  );
  return db.transaction(() =>
    [identity, conversation, questions, owed, threads].reduce((n, st) => n + st.run(to, communeId, from).changes, 0),
  )();
}

/** The same, resolving once the move is on disk (the new cookie may go out then). */
export async function rotateWebIdentity(
  db: Db,
  writes: WriteScope,
  communeId: string,
  from: string,
  to: string,
): Promise<void> {
  await writes.run(() => Promise.resolve(moveWebIdentity(db, communeId, from, to)));
}
