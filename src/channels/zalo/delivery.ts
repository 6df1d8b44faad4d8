/**
 * @module channels/zalo/delivery
 *
 * The seam between the Zalo event handler and the database it runs on: how
 * one event's turn is committed (its replies queued with the resident's
 * window, the release of their held replies and the event's handled mark)
 * and how the queue is then delivered. One process on SQLite (this file:
 * the turn runner's synchronous `alongside`, the one-process Dispatcher
 * flushing a resident) or several on PostgreSQL (pgDelivery.ts: the same
 * writes in the turn's transaction, rows claimed by the SharedDispatcher).
 * The channel itself (channel.ts) is the same for both.
 */
import type { IncomingMessage, OutgoingReply } from '../../core/messages.js';
import type { ReplyRoute } from '../../core/handoff/routes.js';
import type { TurnRunner } from '../../core/stores/turns.js';
import type { Outbox } from './outbox.js';
import type { OutboundMessage } from './render.js';
import type { ZaloStore } from './store.js';

/** What the turn answers: a resident's message for the engine, or the channel's own replies. */
export type ZaloTurnInput = { readonly message: IncomingMessage } | { readonly replies: readonly OutgoingReply[] };

export interface ZaloTurn {
  readonly input: ZaloTurnInput;
  readonly userId: string;
  /** The event's de-duplication key: marked handled in the turn's commit. */
  readonly key: string;
  /** The resident's interaction (moves the window forward; releases what was held for them). */
  readonly interactionAt: Date;
  readonly now: Date;
  readonly render: (replies: readonly OutgoingReply[]) => readonly OutboundMessage[];
  readonly onError: (err: unknown) => readonly OutgoingReply[];
}

export interface ZaloDelivery {
  /** Runs the turn; resolves once committed, with how many held replies it released. */
  turn(t: ZaloTurn): Promise<number>;
  /** Starts sending what is queued for the resident (after a turn's commit), resolving when done. */
  flush(userId: string): Promise<void>;
  /**
   * The retry round: what is due now. `schedule` runs a resident's flush in
   * their order of work (SQLite); `busy` says a resident already has work.
   */
  retryDue(
    schedule: (userId: string, task: () => Promise<void>) => void,
    busy: (userId: string) => boolean,
  ): Promise<void>;
  /**
   * Events another process recorded but has not handled for a while (it
   * stopped or died meanwhile), for this one to handle on its retry round;
   * absent on SQLite, where the one process recovers its own at start.
   */
  stale?(now: Date): Promise<readonly { key: string; event: string }[]>;
  /** How a staff reply reaches a resident (core/handoff/routes.ts). */
  route(render: (replies: readonly OutgoingReply[]) => OutboundMessage[]): ReplyRoute;
}

/** One process on SQLite: the turn's writes inside its better-sqlite3 transaction, the Dispatcher per resident. */
export function sqliteDelivery(deps: {
  readonly turns: TurnRunner;
  readonly store: ZaloStore;
  readonly outbox: Outbox;
  readonly now: () => Date;
}): ZaloDelivery {
  const { turns, store, outbox } = deps;
  return {
    async turn(t) {
      let released = 0;
      await turns.run({
        ...t.input,
        userId: t.userId,
        outbox: store.outbox,
        render: t.render,
        // Nothing new is queued here: only the window, the release of held replies and the handled mark.
        alongside: () =>
          (released = store.enqueue(t.userId, [], t.now, { handledKey: t.key, interactionAt: t.interactionAt })),
        onError: t.onError,
      });
      return released;
    },
    flush: (userId) => outbox.flush(userId),
    retryDue(schedule, busy) {
      for (const u of store.outbox.dueUsers(deps.now(), 500)) {
        if (!busy(u)) schedule(u, () => outbox.flush(u));
      }
      return Promise.resolve();
    },
    route: (render) => ({
      queue: (userId, replies, at) => store.outbox.enqueue(userId, render(replies), at),
      render: (_userId, replies) => render(replies),
      flush: (userId) => outbox.flush(userId),
    }),
  };
}
