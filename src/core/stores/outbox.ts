/**
 * @module core/stores/outbox
 *
 * The one outbox every channel's replies go through (issue 18 item 2): a reply
 * is a row (channel, the resident it belongs to, the payload the channel's
 * sender reads, state, attempts, next try), written in the same transaction as
 * the turn that produced it, and sent by one dispatcher (channels/outbox.ts).
 * A row is never deleted before it is sent or given up, so a reply is never
 * silently dropped and a crash re-sends what was not confirmed.
 *
 * One store serves one channel (its rows only); the payload type is that
 * channel's. The SQLite version is storage/sqlite/outboxStore.ts. With several
 * processes sending, rows are claimed instead (sharedOutbox.ts).
 */

export type OutboxStatus = 'pending' | 'held' | 'sent' | 'failed';

export interface QueuedItem<P> {
  readonly id: number;
  readonly userId: string;
  readonly payload: P;
  readonly attempts: number;
  /** When a pending item may be tried again (after a rate limit or an outage). */
  readonly nextAttemptAt: Date;
  /**
   * When an attempt started that has no outcome recorded: the process stopped
   * during the call, so the resident may already have this reply.
   */
  readonly sendingAt?: Date;
}

export interface OutboxCounts {
  readonly pending: number;
  readonly held: number;
  readonly failed: number;
  readonly sent: number;
}

export interface OutboxStore<P> {
  readonly channel: string;
  /** Queues payloads for a user, in order; returns their ids. Joins the caller's transaction if one is open. */
  enqueue(userId: string, payloads: readonly P[], at: Date): number[];
  /** Moves the user's held items back to pending (they wrote again); returns how many. */
  release(userId: string, at: Date): number;
  /** The user's oldest pending item (due or not): items go out strictly in order. */
  nextPending(userId: string): QueuedItem<P> | undefined;
  /** Records that a send is about to start; resolves once that record is durable (before the call). */
  markSending(id: number, at: Date): Promise<void>;
  markSent(id: number, at: Date, platformMessageId: string | undefined): void;
  /** Items delivered by other means (the web's HTTP answer carried them): removed, nothing is left to do. */
  markDelivered(ids: readonly number[], at: Date): void;
  markRetry(id: number, attempts: number, nextAttemptAt: Date, error: string): void;
  markFailed(id: number, error: string, at: Date): void;
  /** Holds every pending item of the user until they write again. */
  holdAll(userId: string, reason: string, at: Date): void;
  /** The user's pending items, oldest first (the web hands them over in its next answer). */
  pendingOf(userId: string, limit: number): QueuedItem<P>[];
  /** Users with a pending item due by `now`. */
  dueUsers(now: Date, limit: number): string[];
  /** Deletes the user's sent and failed items (their data was erased). */
  forgetDone(userId: string): void;
  counts(): OutboxCounts;
}
