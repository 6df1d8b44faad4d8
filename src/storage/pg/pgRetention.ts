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
 *
 * Two differences from SQLite, both from what PostgreSQL adds:
 * - The service's role may not delete audit lines (migration 025): old ones
 *   go through the owner's `prune_staff_audit`, which refuses to touch the
 *   last 30 days.
 * - Expired staff sessions and failed sign-ins older than the throttle's
 *   memory are cleared here too. SQLite clears them for the whole file at
 *   each sign-in (staffStore.ts); on PostgreSQL the store's clean-up sees only
 *   its own commune (row-level security), so a commune nobody signs in to
 *   would keep them forever. The pruner runs this for every commune the
 *   install serves (pgPruner.ts).
 */
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { PruneReport, RetentionDays } from '../sqlite/retention.js';
import { ACCOUNT_POLICY, NETWORK_POLICY } from '../../staff/throttle.js';
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
  /** Deletes them another way than a DELETE by the service's role; the number deleted. */
  readonly prune?: (trx: Transaction<Database>, cutoff: string) => Promise<number>;
}

/** The audit log is append-only for the service (migration 025): its old lines go through the owner's function. */
async function pruneAudit(trx: Transaction<Database>, cutoff: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT prune_staff_audit(${cutoff}) AS n`.execute(trx);
  return rows[0]?.n ?? 0;
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
  { table: 'staff_audit', days: 'audit', expired: (c) => sql`at < ${c}`, prune: pruneAudit },
];

/** The tables pruned, in order (test/pg compares them with SQLite's RETAINED_TABLES). */
export const PG_RETAINED_TABLES: readonly { table: string; days: keyof RetentionDays }[] = POLICIES.map(
  ({ table, days }) => ({ table, days }),
);

async function prunePolicy(trx: Transaction<Database>, p: Policy, communeId: string, cutoff: string): Promise<number> {
  if (p.prune) return p.prune(trx, cutoff);
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
    Object.assign(report, await clearStaffSignIns(trx, communeId, now));
    return report;
  });
  return run.ran ? run.result : undefined;
}

/** How long a failed sign-in still counts (the throttle's memory); older ones are cleared. */
const SIGN_IN_MEMORY_MS = Math.max(ACCOUNT_POLICY.memoryMs, NETWORK_POLICY.memoryMs);

/**
 * Clears the commune's expired staff sessions and failed sign-ins the throttle
 * no longer reads, as SQLite's store does at each sign-in for the whole file;
 * counts by table, only those above zero.
 */
async function clearStaffSignIns(trx: Transaction<Database>, communeId: string, now: Date): Promise<PruneReport> {
  const sessions = await trx
    .deleteFrom('staff_sessions')
    .where('commune_id', '=', communeId)
    .where('expires_at', '<=', now.toISOString())
    .executeTakeFirst();
  const failures = await trx
    .deleteFrom('staff_login_failures')
    .where('commune_id', '=', communeId)
    .where('at', '<=', new Date(now.getTime() - SIGN_IN_MEMORY_MS).toISOString())
    .executeTakeFirst();
  const report: PruneReport = {};
  const [s, f] = [Number(sessions.numDeletedRows), Number(failures.numDeletedRows)];
  if (s > 0) report.staff_sessions = s;
  if (f > 0) report.staff_login_failures = f;
  return report;
}
