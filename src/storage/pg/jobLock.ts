/**
 * @module storage/pg/jobLock
 *
 * Background jobs (retention pruning, a channel's history pruning) run once
 * per commune, not once per process, when several processes share one
 * PostgreSQL database. A run takes `pg_try_advisory_xact_lock` on the job's
 * key inside the commune's transaction and does its work in that same
 * transaction: a process that finds the lock taken skips the run instead of
 * waiting (the other process is doing it now). The lock is transaction-scoped,
 * so it can never outlive the run on a pooled connection (a session lock
 * would stay with the connection if a release were missed) and it goes with
 * the transaction when a process dies.
 *
 * The key is a 64-bit hash of `hocvuso:<job>:<commune>` (PostgreSQL's
 * `hashtextextended`): each commune's run of a job is its own lock.
 */
import { sql, type Transaction } from 'kysely';
import type { PgDb } from './db.js';
import type { Database } from './schema.js';
import { withCommune } from './tenant.js';

/** What a run did: its result, or skipped because another process holds the job. */
export type JobRun<T> = { readonly ran: true; readonly result: T } | { readonly ran: false };

/** Runs `fn` for `communeId` unless another process is running `job` for it right now. */
export async function runJobOnce<T>(
  db: PgDb,
  communeId: string,
  job: string,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<JobRun<T>> {
  return withCommune(db, communeId, async (trx): Promise<JobRun<T>> => {
    const key = `hocvuso:${job}:${communeId}`;
    const { rows } = await sql<{ got: boolean }>`
      SELECT pg_try_advisory_xact_lock(hashtextextended(${key}, 0)) AS got`.execute(trx);
    if (rows[0]?.got !== true) return { ran: false };
    return { ran: true, result: await fn(trx) };
  });
}
