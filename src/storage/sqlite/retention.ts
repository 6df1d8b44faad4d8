/**
 * @module storage/sqlite/retention
 *
 * How long each table that grows with traffic keeps its rows, and the
 * pruning that enforces it. Without it, one flood (or years of ordinary
 * use) fills the disk and buries today's real questions under old ones.
 *
 * Rows are deleted in batches of at most `BATCH` by the time index each
 * table has, one short transaction per batch, so pruning a large backlog
 * never holds the write lock (or the event loop) for long. A table another
 * part of the service does not have (an older schema) is skipped, not
 * fatal.
 */
import type { Db } from './db.js';

const DAY_MS = 86_400_000;
/** Rows deleted per statement: a few milliseconds of work each. */
const BATCH = 500;

export interface RetentionDays {
  /** Unanswered questions (the staff log). */
  readonly questions: number;
  /** Conversation state of a resident who has been silent this long. */
  readonly conversations: number;
  /** Delivery records: update ids, Zalo events, sent or failed replies, spent link codes, poll maps. */
  readonly events: number;
  /** The staff console's audit log. */
  readonly audit: number;
}

interface Policy {
  readonly table: string;
  readonly days: keyof RetentionDays;
  /** Selects the rowids (or `key` values) of expired rows; `?` are the commune and the cut-off (ISO time). */
  readonly expired: string;
  /** For a table without rowids: the column that, with the commune, names a row. */
  readonly key?: string;
}

const POLICIES: readonly Policy[] = [
  {
    table: 'unanswered_questions',
    days: 'questions',
    expired: 'SELECT rowid FROM unanswered_questions WHERE commune_id = ? AND created_at < ?',
  },
  {
    // A closed handoff thread (what a resident wrote to staff and their answers) goes with the staff log;
    // its messages follow (ON DELETE CASCADE). An open thread stays whatever its age: staff still owe an answer.
    table: 'handoff_threads',
    days: 'questions',
    expired: "SELECT rowid FROM handoff_threads WHERE commune_id = ? AND status = 'closed' AND last_at < ?",
  },
  {
    table: 'conversation_state',
    days: 'conversations',
    expired: 'SELECT rowid FROM conversation_state WHERE commune_id = ? AND updated_at < ?',
  },
  {
    table: 'link_codes',
    days: 'events',
    expired: 'SELECT rowid FROM link_codes WHERE commune_id = ? AND expires_at < ?',
  },
  {
    table: 'telegram_processed_updates',
    days: 'events',
    expired: 'SELECT rowid FROM telegram_processed_updates WHERE commune_id = ? AND processed_at < ?',
  },
  {
    // The claims of committed turns: a platform redelivers within a day or two at most.
    table: 'turn_claims',
    days: 'events',
    key: 'claim_key',
    expired: 'SELECT claim_key FROM turn_claims WHERE commune_id = ? AND claimed_at < ?',
  },
  {
    table: 'telegram_sent_polls',
    days: 'events',
    expired: 'SELECT rowid FROM telegram_sent_polls WHERE commune_id = ? AND sent_at < ?',
  },
  {
    table: 'telegram_callback_values',
    days: 'events',
    expired: 'SELECT rowid FROM telegram_callback_values WHERE commune_id = ? AND used_at < ?',
  },
  {
    // An event not yet handled is kept whatever its age: it is handled at the next start.
    table: 'zalo_events',
    days: 'events',
    expired: 'SELECT rowid FROM zalo_events WHERE commune_id = ? AND received_at < ? AND handled_at IS NOT NULL',
  },
  {
    // Only replies already sent (or given up on): a pending or held one is still owed to a resident.
    table: 'outbox',
    days: 'events',
    expired: `SELECT rowid FROM outbox WHERE commune_id = ? AND status IN ('sent', 'failed')
                AND COALESCE(sent_at, next_attempt_at) < ?`,
  },
  {
    // The messaging window of a resident silent this long (it closes after 7 days at most); kept while
    // a reply is still owed to them, since that reply goes out when they write again.
    table: 'zalo_residents',
    days: 'events',
    key: 'user_id',
    expired: `SELECT r.user_id FROM zalo_residents r WHERE r.commune_id = ?
                AND COALESCE(r.last_interaction_at, r.updated_at) < ?
                AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.commune_id = r.commune_id AND o.channel = 'zalo'
                                AND o.user_id = r.user_id AND o.status IN ('pending', 'held'))`,
  },
  {
    // Who signed in, exported or changed what: kept long enough to answer for a whole plan cycle.
    table: 'staff_audit',
    days: 'audit',
    expired: 'SELECT rowid FROM staff_audit WHERE commune_id = ? AND at < ?',
  },
];

/** Tables pruned and the retention each follows (for README and `cli prune`). */
export const RETAINED_TABLES: readonly { table: string; days: keyof RetentionDays }[] = POLICIES.map(
  ({ table, days }) => ({ table, days }),
);

/** Rows deleted per table (tables with none are left out). */
export type PruneReport = Record<string, number>;

/** Deletes one batch of `policy`'s expired rows; the number deleted. */
function pruneBatch(db: Db, policy: Policy, communeId: string, cutoff: string): number {
  if (policy.key) {
    return db
      .prepare(
        `DELETE FROM ${policy.table} WHERE commune_id = ? AND ${policy.key} IN (${policy.expired} LIMIT ${BATCH})`,
      )
      .run(communeId, communeId, cutoff).changes;
  }
  return db
    .prepare(`DELETE FROM ${policy.table} WHERE rowid IN (${policy.expired} LIMIT ${BATCH})`)
    .run(communeId, cutoff).changes;
}

function hasTable(db: Db, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

/**
 * Prunes every table to its retention as of `now`. Async between batches,
 * so a service keeps answering while a large backlog goes.
 */
export async function pruneExpired(db: Db, communeId: string, days: RetentionDays, now: Date): Promise<PruneReport> {
  const report: PruneReport = {};
  for (const policy of POLICIES) {
    if (!hasTable(db, policy.table)) continue;
    const cutoff = new Date(now.getTime() - days[policy.days] * DAY_MS).toISOString();
    let total = 0;
    for (;;) {
      const n = pruneBatch(db, policy, communeId, cutoff);
      total += n;
      if (n < BATCH) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total > 0) report[policy.table] = total;
  }
  return report;
}
