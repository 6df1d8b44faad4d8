/**
 * @module core/stores/turns
 *
 * The turn as the unit of work (issue 18 item 1), as channels see it: a
 * channel hands over one inbound message (or the replies it gives itself, a
 * sticker's "please type") with the key that identifies it on its platform,
 * and gets back whether it was new and the outbox ids of the replies queued.
 * Channels never open, join or wait for a transaction, and never call the
 * engine: the runner (storage/sqlite/turns.ts; storage/pg/pgTurnRunner.ts
 * for several processes on PostgreSQL) is the one entry point, and
 * the one place that decides whether the bot answers at all (a conversation
 * a person from the commune owns is not answered by the bot, issue 18 item 6).
 */
import type { IncomingMessage, OutgoingReply } from '../messages.js';
import type { OutboxStore } from './outbox.js';

export interface TurnRequest<P> {
  /** What the engine reads. Absent when the channel answers by itself with `replies`. */
  readonly message?: IncomingMessage;
  readonly replies?: readonly OutgoingReply[];
  /**
   * The platform's id of the inbound message ('telegram:<update_id>'):
   * claimed in the turn's commit, so a redelivery after it is a duplicate
   * and one before it (a crash) runs the turn again.
   */
  readonly claim?: string;
  /** Where the replies are queued, and the resident they belong to there. */
  readonly outbox: OutboxStore<P>;
  readonly userId: string;
  /** The replies as the channel's sender will read them (one or more rows per reply, in order). */
  readonly render: (replies: readonly OutgoingReply[]) => readonly P[];
  /** The channel's own writes that belong to the turn's commit (Zalo: the window, the event's handled mark). */
  readonly alongside?: () => void;
  /** The replies to queue when the engine fails (an apology); without it the error propagates. */
  readonly onError?: (err: unknown) => readonly OutgoingReply[];
}

export type TurnOutcome =
  | { readonly duplicate: true }
  | {
      readonly duplicate: false;
      readonly replies: readonly OutgoingReply[];
      /** Outbox ids of the queued rows, in order. */
      readonly queued: readonly number[];
    };

export interface TurnRunner {
  /** Resolves once the turn, its state and its queued replies are committed together. */
  run<P>(request: TurnRequest<P>): Promise<TurnOutcome>;
}
