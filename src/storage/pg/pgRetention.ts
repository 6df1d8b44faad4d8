/**
 * @module storage/pg/pgRetention
 *
 * The retention pruning of storage/sqlite/retention.ts on PostgreSQL: the
 * same tables, periods and rules (an unhandled Zalo event, a reply still owed
 * and an open handoff thread stay whatever their age; `turn_claims` go after
 * the delivery records' period), in the same order. PostgreSQL has no rowid:
 * a batch is chosen by `ctid` within the one statement that deletes it.
 *
 * A run is one job per commune (jobLock.ts): of several processes pruning at
 * once, one deletes and the others skip. It runs in one transaction (the
 * advisory lock is transaction-scoped); PostgreSQL's row locks hold up no
 * reader and no writer of other rows, so a long run costs no one a wait, unlike
 * SQLite's single writer, which is why SQLite commits batch by batch.
 */
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { PruneReport, RetentionDays } from '../sqlite/retention.js';
import type { PgDb } from './db.js';
import { runJobOnce } from './jobLock.js';
import type { Database } from './schema.js';

const DAY_MS = 86_400_000;
/** Rows deleted per statement. */
const BATCH = 500;

/** The job's name in the advisory lock. */
export const PRUNE_JOB = 'retention-prune';

interface Policy {
  readonly table: keyof Database;
  readonly days: keyof RetentionDays;
  /** Which rows of the commune have expired by `cutoff` (an ISO time). */
  readonly expired: (cutoff: string) => RawBuilder<unknown>;
}

/** In the order of SQLite's POLICIES (RETAINED_TABLES), with the same rules. */
const POLICIES: readonly Policy[] = [
  { table: 'unanswered_questions', days: 'questions', expired: (c) => sql`created_at < ${c}` },
  { table: 'handoff_threads', days: 'questions', expired: (c) => sql`status = 'closed' AND last_at < ${c}` },
  { table: 'conversation_state', days: 'conversations', expired: (c) => sql`updated_at < ${c}` },
  { table: 'link_codes', days: 'events', expired: (c) => sql`expires_at < ${c}` },
  { table: 'telegram_processed_updates', days: 'events', expired: (c) => sql`processed_at < ${c}` },
  { table: 'turn_claims', days: 'events', expired: (c) => sql`claimed_at < ${c}` },
  { table: 'telegram_sent_polls', days: 'events', expired: (c) => sql`sent_at < ${c}` },
  { table: 'telegram_callback_values', days: 'events', expired: (c) => sql`used_at < ${c}` },
  { table: 'zalo_events', days: 'events', expired: (c) => sql`received_at < ${c} AND handled_at IS NOT NULL` },
  {
    table: 'outbox',
    days: 'events',
    expired: (c) => sql`status IN ('sent', 'failed') AND COALESCE(sent_at, next_attempt_at) < ${c}`,
  },
  {
    table: 'zalo_residents',
    days: 'events',
    expired: (c) => sql`COALESCE(last_interaction_at, updated_at) < ${c}
      AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.commune_id = zalo_residents.commune_id AND o.channel = 'zalo'
                        AND o.user_id = zalo_residents.user_id AND o.status IN ('pending', 'held'))`,
  },
  { table: 'staff_audit', days: 'audit', expired: (c) => sql`at < ${c}` },
];

/** The tables pruned, in order (test/pg compares them with SQLite's RETAINED_TABLES). */
export const PG_RETAINED_TABLES: readonly { table: string; days: keyof RetentionDays }[] = POLICIES.map(
  ({ table, days }) => ({ table, days }),
);

async function prunePolicy(trx: Transaction<Database>, p: Policy, communeId: string, cutoff: string): Promise<number> {
  const t = sql.table(p.table);
  let total = 0;
  for (;;) {
    const r = await sql`DELETE FROM ${t} WHERE ctid IN (
        SELECT ctid FROM ${t} WHERE commune_id = ${communeId} AND ${p.expired(cutoff)} LIMIT ${BATCH})`.execute(trx);
    const n = Number(r.numAffectedRows ?? 0);
    total += n;
    if (n < BATCH) return total;
  }
}

/**
 * Prunes every table of `communeId` to its retention as of `now`; undefined
 * when another process is running the same job for the commune right now.
 */
export async function pgPruneExpired(
  db: PgDb,
  communeId: string,
  days: RetentionDays,
  now: Date,
): Promise<PruneReport | undefined> {
  const run = await runJobOnce(db, communeId, PRUNE_JOB, async (trx) => {
    const report: PruneReport = {};
    for (const p of POLICIES) {
      const cutoff = new Date(now.getTime() - days[p.days] * DAY_MS).toISOString();
      const n = await prunePolicy(trx, p, communeId, cutoff);
      if (n > 0) report[p.table] = n;
    }
    return report;
  });
  return run.ran ? run.result : undefined;
}
