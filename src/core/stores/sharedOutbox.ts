/**
 * @module core/stores/sharedOutbox
 *
 * The outbox when several processes send from it (issue 20 item 4). The
 * single-process outbox (outbox.ts) lets its one dispatcher pick a resident
 * and send their oldest row; with two processes, two dispatchers would pick
 * the same row. Here a dispatcher *claims* rows instead: each claim takes the
 * oldest unsent row of residents with nothing earlier in flight, and leases it
 * for a while. Nobody else claims a leased row, nor a later row of the same
 * resident, so each row is sent by one process and a resident's rows go out
 * in order. A process that dies holding a lease holds it only until it
 * expires: the row is then claimed again by another (and may reach the
 * resident twice, as after a crash on one process).
 *
 * Every outcome names the claim it ends (`lease`): a process whose lease ran
 * out and was taken over learns it (the mark returns false) and changes
 * nothing. The PostgreSQL version is storage/pg/pgOutboxStore.ts.
 */
import type { OutboxCounts, QueuedItem } from './outbox.js';

export interface ClaimedItem<P> extends QueuedItem<P> {
  /** Which claim this is; the marks below act only while it is still the row's. */
  readonly lease: string;
  /** Until when nobody else may claim the row. */
  readonly leaseUntil: Date;
  /**
   * Another pending row of the resident waited behind this one when it was
   * claimed: once this one is done a next pass has something to send.
   */
  readonly followed?: boolean;
}

export interface SharedOutboxStore<P> {
  readonly channel: string;
  /** Queues payloads for a user, in order, in their own transaction; returns their ids. */
  enqueue(userId: string, payloads: readonly P[], at: Date): Promise<number[]>;
  /**
   * Claims up to `limit` rows due by `now`, at most one per resident and only
   * a resident's oldest pending row, for `leaseMs`. `sendingAt` on an item
   * says an earlier claim ended without an outcome (its process died).
   */
  claim(now: Date, limit: number, leaseMs: number): Promise<ClaimedItem<P>[]>;
  /** False when the claim was lost (the lease ran out and another process took the row). */
  markSent(item: ClaimedItem<P>, at: Date, platformMessageId: string | undefined): Promise<boolean>;
  markRetry(item: ClaimedItem<P>, attempts: number, nextAttemptAt: Date, error: string): Promise<boolean>;
  markFailed(item: ClaimedItem<P>, error: string, at: Date): Promise<boolean>;
  /** Holds every pending row of the user (the claimed one too) until they write again. */
  holdAll(userId: string, reason: string, at: Date): Promise<void>;
  /** Moves the user's held rows back to pending; returns how many. */
  release(userId: string, at: Date): Promise<number>;
  /** Deletes the user's sent and failed rows (their data was erased). */
  forgetDone(userId: string): Promise<void>;
  counts(): Promise<OutboxCounts>;
}
