/**
 * @module storage/pg/pgStaffNotices
 *
 * The staff's notice of a new handoff thread, on PostgreSQL. On SQLite the
 * sinks (core/handoff/routes.ts `StaffNotices`, e.g. Telegram's staff group)
 * queue into their channel's outbox inside the turn's commit; here the turn's
 * commit is a PostgreSQL transaction, so the notice is written as the sinks'
 * outbox rows (`StaffNoticeRows`) in that transaction, where the channel's
 * PostgreSQL dispatcher (pgOutboxStore.ts) picks them up: staff hear of a
 * thread only if its opening committed, and always if it did. A sink without
 * rows stays silent here. It is the PostgreSQL turn runner's `opened` hook
 * (pgTurnRunner.ts `PgTurnHandoffDeps`).
 */
import type { Transaction } from 'kysely';
import type { StaffNotices } from '../../core/handoff/routes.js';
import type { HandoffThread } from '../../core/stores/handoff.js';
import { insertOutboxRows } from './pgOutboxStore.js';
import type { Database } from './schema.js';

/**
 * The runner's `opened` hook: `noticeOf` is the handoff service's text of the
 * notice; the sinks are read at each opening, so those registered after
 * start-up (run.ts `connectHandoff`) are heard.
 */
export function pgOpenedNotice(
  communeId: string,
  notices: Pick<StaffNotices, 'rows'>,
  noticeOf: (thread: HandoffThread) => string,
): (trx: Transaction<Database>, thread: HandoffThread, at: Date) => Promise<void> {
  return async (trx, thread, at) => {
    const text = noticeOf(thread);
    for (const sink of notices.rows()) {
      await insertOutboxRows(trx, communeId, sink.channel, sink.userId, sink.render(text), at);
    }
  };
}
