/**
 * @module storage/sqlite/writeScope
 *
 * Group commit: the writes of every turn handled in one event-loop turn share
 * one transaction, committed when the loop moves on, and each turn's answer
 * waits for that commit.
 *
 * Why: a commit costs far more than the rows in it (here, ~40 µs for a
 * one-row autocommit against ~5 µs for the same row inside a transaction),
 * because each commit writes every page it touched to the WAL. A turn writes
 * several rows (the update's claim, the conversation state, the attempt, the
 * queued reply); under load many turns arrive in the same loop turn and touch
 * the same pages, so one commit for all of them costs little more than one
 * for a single turn. And a turn's rows land together or not at all.
 *
 * The rules that keep it safe:
 *  - a transaction never outlives the event-loop turn that opened it: it is
 *    committed in the loop's check phase (setImmediate), so no lock is held
 *    across a wait on the network and other processes on the file (the CLI)
 *    are kept out for one loop turn at most;
 *  - a turn that must not answer before its writes are durable awaits
 *    `settled()` (which `run` does): the reply goes out after the commit;
 *  - nothing is ever rolled back on purpose, exactly as with autocommit; if a
 *    commit fails, the waiting turns are told (they answer with an apology).
 *
 * `BEGIN IMMEDIATE` takes the write lock up front: a deferred transaction that
 * reads and then writes fails at once (SQLITE_BUSY_SNAPSHOT) if another
 * process wrote in between, while an immediate one waits out busy_timeout
 * like any single statement would.
 */
import type { Db } from './db.js';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class WriteScope {
  /** Whether the open transaction (if any) is ours to commit. */
  private open = false;
  private waiters: Waiter[] = [];

  /** @param onFlushError told when a commit nobody waits for fails (nobody else would hear of it). */
  constructor(
    private readonly db: Db,
    private readonly onFlushError: (err: unknown) => void = () => undefined,
  ) {}

  /** Makes the writes that follow part of this loop turn's transaction (opening it if needed). */
  join(): void {
    if (this.open || this.db.inTransaction) return;
    this.db.exec('BEGIN IMMEDIATE');
    this.open = true;
    setImmediate(this.flush);
  }

  /** Resolves once everything written so far is committed. */
  settled(): Promise<void> {
    if (!this.open) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Runs `fn` with its writes in the group, and resolves with its result once they are committed. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.join();
    const result = await fn();
    await this.settled();
    return result;
  }

  /** Commits what is open now (at the end of the loop turn, or before the database closes). */
  commit(): void {
    if (!this.open) return;
    this.open = false;
    const waiters = this.waiters;
    this.waiters = [];
    try {
      if (this.db.open && this.db.inTransaction) this.db.exec('COMMIT');
    } catch (err) {
      // A transaction left open would swallow every later write: give this one up and say so.
      if (this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const w of waiters) w.reject(err);
      throw err;
    }
    for (const w of waiters) w.resolve();
  }

  private readonly flush = (): void => {
    try {
      this.commit();
    } catch (err) {
      this.onFlushError(err);
    }
  };
}
