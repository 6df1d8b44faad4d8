/**
 * @module channels/zalo/pgDelivery
 *
 * The Zalo delivery (delivery.ts) when several processes share one
 * PostgreSQL database (issue 20). A turn goes through the commune's
 * PgTurnRunner, which claims the event (`zalo:<key>`: a second process
 * handling the same event, say one recovering it at start while this one
 * answers it, waits on the claim and answers nothing) and writes the queued
 * replies as outbox rows in the turn's transaction; the window, the release of
 * held replies and the handled mark go in that same transaction (`alongside`),
 * so a turn that fails leaves none of them. Delivery is the SharedDispatcher:
 * each pass claims due rows under a lease, one per resident at a time, so a
 * resident's replies go out in order whichever process sends them. A flush
 * after a turn passes until nothing more is due (a reply split in several
 * messages goes out whole), and so does the retry timer, which also takes
 * over events another process recorded but left unhandled (STALE_MS).
 */
import type { Transaction } from 'kysely';
import type { TurnOutcome } from '../../core/stores/turns.js';
import type { PgTurnRequest } from '../../storage/pg/pgTurnRunner.js';
import type { PgZaloStore } from '../../storage/pg/pgZaloStore.js';
import type { Database } from '../../storage/pg/schema.js';
import { drainer, type SharedDispatcher } from '../sharedDispatcher.js';
import type { ZaloDelivery } from './delivery.js';
import type { OutboundMessage } from './render.js';

/** The commune's turn runner as this channel uses it (PgTurnRunner). */
export interface PgTurns {
  run<P>(req: PgTurnRequest<P>): Promise<TurnOutcome>;
}

/** The channel's name in the outbox and in turn claims. */
const CHANNEL = 'zalo';

/**
 * An event unhandled this long after it was recorded is taken over by any
 * process (its own died or stopped). Longer than a turn usually takes, and
 * short enough that the resident of a killed process is answered within
 * about half a minute (this plus the 5 s retry round; bench:scale's kill leg
 * measured replies missing for 30 s at 2 minutes). A live turn slower than
 * this is waited on by the taker, and its claim still answers the event once.
 */
const STALE_MS = 20_000;
const STALE_BATCH = 100;

export function pgDelivery(deps: {
  readonly turns: PgTurns;
  readonly store: PgZaloStore;
  readonly dispatcher: SharedDispatcher<OutboundMessage>;
}): ZaloDelivery {
  const { turns, store, dispatcher } = deps;

  // One drain at a time: a flush asking while one runs waits for one more round of it.
  const drain = drainer(() => dispatcher.step());

  return {
    async turn(t) {
      let released = 0;
      let wrote = false;
      await turns.run<OutboundMessage>({
        ...t.input,
        userId: t.userId,
        claim: `${CHANNEL}:${t.key}`,
        outbox: { channel: CHANNEL },
        render: t.render,
        alongside: async (trx: Transaction<Database>) => {
          released = await store.turnWrites(trx, {
            userId: t.userId,
            handledKey: t.key,
            interactionAt: t.interactionAt,
            at: t.now,
          });
          wrote = true;
        },
        onError: t.onError,
      });
      // Committed: the sender's window check may take the resident from here for a while.
      if (wrote) store.noteTurn(t.userId, t.interactionAt, t.now);
      return released;
    },
    flush: () => drain(),
    retryDue: () => drain(),
    stale: (now) => store.unhandledBefore(new Date(now.getTime() - STALE_MS), STALE_BATCH),
    route: (render) => ({
      queue: () => {
        throw new Error('on PostgreSQL a staff reply is queued by PgHandoffWriter through render()');
      },
      render: (_userId, replies) => render(replies),
      flush: () => drain(),
    }),
  };
}
