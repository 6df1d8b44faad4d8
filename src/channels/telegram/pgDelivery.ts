/**
 * @module channels/telegram/pgDelivery
 *
 * Telegram's delivery (delivery.ts) when several processes share one
 * PostgreSQL database (issue 20). A turn goes through the commune's
 * PostgreSQL turn runner, which claims the update ('telegram:<update_id>')
 * and writes the replies as outbox rows in the turn's own transaction, so a
 * redelivered update in another process is a duplicate there. The rows are
 * sent by the `SharedDispatcher`, which claims them `FOR UPDATE SKIP LOCKED`
 * with a lease, each resident's oldest first, whichever process sends.
 *
 * Held replies (the bot was blocked) are released in the turn's transaction
 * (`alongside`, in the statement that also clears the chat's inactive mark),
 * not before it: the release then commits with the turn or
 * not at all, it runs under the resident's conversation lock (so it is in
 * order with their other turns in any process), a redelivered update that
 * turns out a duplicate releases nothing, and it needs no second connection
 * while the turn holds one. Released rows keep their lower ids, so they go
 * out before the turn's new replies.
 *
 * Sending is one drain per process: passes of the dispatcher until a pass
 * claims no row with another of its resident behind it (a pass claims one
 * row per resident, so a turn's three replies take three passes). A turn, a staff reply or the timer asking
 * while a drain runs makes it go round once more rather than start a second.
 */
import type { Transaction } from 'kysely';
import type { Clock, Random } from '../../core/ports.js';
import type { TurnOutcome } from '../../core/stores/turns.js';
import type { PgDb } from '../../storage/pg/db.js';
import { PgOutboxStore, releaseHeldRows } from '../../storage/pg/pgOutboxStore.js';
import type { PgTurnRequest } from '../../storage/pg/pgTurnRunner.js';
import type { Database } from '../../storage/pg/schema.js';
import type { BackoffPolicy } from '../outbox.js';
import { drainer, SharedDispatcher } from '../sharedDispatcher.js';
import type { TelegramDelivery, TelegramDeliveryPlan } from './delivery.js';
import { staffReplyRows } from './handoff.js';
import type { TelegramPayload } from './send.js';

const CHANNEL = 'telegram';

export interface PgTelegramDeliveryDeps {
  readonly db: PgDb;
  readonly communeId: string;
  /** The commune's PostgreSQL turn runner (pgCommune.ts `turns`). */
  readonly turns: { run<P>(req: PgTurnRequest<P>): Promise<TurnOutcome> };
  readonly clock: Clock;
  readonly backoff?: BackoffPolicy;
  readonly random?: Random;
  /** How long a claim keeps other processes off a row (default: sharedDispatcher.ts). */
  readonly leaseMs?: number;
}

export interface PgTelegramDelivery extends TelegramDelivery {
  readonly outbox: PgOutboxStore<TelegramPayload>;
  readonly dispatcher: SharedDispatcher<TelegramPayload>;
}

export function pgTelegramDelivery(deps: PgTelegramDeliveryDeps): TelegramDeliveryPlan<PgTelegramDelivery> {
  const { communeId, clock } = deps;
  const outbox = new PgOutboxStore<TelegramPayload>(deps.db, communeId, CHANNEL);
  return {
    forgetDone: (userId) => outbox.forgetDone(userId),
    over(sender, logger) {
      const dispatcher = new SharedDispatcher<TelegramPayload>({
        store: outbox,
        sender,
        clock,
        logger,
        backoff: deps.backoff,
        random: deps.random,
        leaseMs: deps.leaseMs,
      });
      const drain = drainer(() => dispatcher.step());
      return {
        outbox,
        dispatcher,
        marksActive: true,
        turn: ({ active, ...req }) =>
          deps.turns.run({
            ...req,
            outbox: { channel: CHANNEL },
            alongside: async (trx: Transaction<Database>) => {
              await releaseHeldRows(trx, communeId, CHANNEL, req.userId, clock.now(), active);
            },
          }),
        deliver: () => drain(),
        deliverDue: () => drain(),
        replyRoute: {
          queue: () => {
            throw new Error('on PostgreSQL a staff reply is queued by PgHandoffWriter through render()');
          },
          render: staffReplyRows,
          flush: () => drain(),
        },
        staffNotice: () => () => {
          throw new Error('on PostgreSQL the staff notice is written by the turn runner (pgStaffNotices.ts)');
        },
      };
    },
  };
}
