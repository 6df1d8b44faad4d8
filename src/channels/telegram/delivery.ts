/**
 * @module channels/telegram/delivery
 *
 * The port between Telegram's features and the outbox: how a turn's replies
 * are queued, how held replies come back when the resident writes, and how
 * what is owed goes out (after a turn, after a staff reply, on a timer). The
 * features, the runtime and the handoff route only see this port, so the
 * channel itself is the same on one SQLite process (here: the turn runner
 * with its SQLite outbox and the one-process `Dispatcher`) and on several
 * processes sharing PostgreSQL (pgDelivery.ts: the PostgreSQL turn runner
 * and the `SharedDispatcher` claiming rows across processes).
 *
 * A delivery needs the bot's sender, and the sender needs to forget a
 * resident's rows after an erasure: so a delivery is a plan (`forgetDone`
 * for the sender) that `over(sender)` turns into the running delivery.
 */
import type { ReplyRoute, StaffNotice } from '../../core/handoff/routes.js';
import type { Clock, MaybePromise, Random } from '../../core/ports.js';
import type { OutboxStore } from '../../core/stores/outbox.js';
import type { TurnOutcome, TurnRequest, TurnRunner } from '../../core/stores/turns.js';
import type { Logger } from '../../logger.js';
import { Dispatcher, type BackoffPolicy, type Sender } from '../outbox.js';
import { telegramReplyRoute, telegramStaffNotice } from './handoff.js';
import type { TelegramPayload } from './send.js';

/** A Telegram turn as a feature hands it over: where its rows go is the delivery's business. */
export type TelegramTurn = Omit<TurnRequest<TelegramPayload>, 'outbox' | 'alongside'> & {
  /** The private chat this update proves reachable (not blocked): its inactive mark goes (`marksActive`). */
  readonly active?: number;
};

export interface TelegramDelivery {
  /**
   * Runs the turn with its replies queued for Telegram in its commit; the
   * resident's held replies (the bot was blocked) go back to pending in the
   * same commit, ahead of the new ones: they wrote, so they can be reached.
   */
  turn(req: TelegramTurn): Promise<TurnOutcome>;
  /**
   * True when `turn` clears the `active` chat's inactive mark in the turn's
   * commit (PostgreSQL: one statement fewer and no transaction of its own);
   * otherwise the feature clears it before the turn.
   */
  readonly marksActive?: boolean;
  /** Sends what is owed to the resident now (after their turn, after a staff reply). */
  deliver(userId: string): Promise<void>;
  /** Sends whatever is due (left by a stop or a crash, or waiting out a retry pause). */
  deliverDue(): Promise<void>;
  /** How a staff reply reaches a resident on Telegram. */
  readonly replyRoute: ReplyRoute;
  /** Queues a new-thread notice for the staff group (the SQLite turn's commit calls it). */
  staffNotice(chatId: number): StaffNotice;
}

export interface TelegramDeliveryPlan<D extends TelegramDelivery = TelegramDelivery> {
  /** Deletes the resident's done rows (the confirmation of their erasure went out). */
  forgetDone(userId: string): MaybePromise<void>;
  /** The delivery over the bot's sender. */
  over(sender: Sender<TelegramPayload>, logger: Logger): D;
}

export interface SqliteTelegramDeliveryDeps {
  readonly turns: TurnRunner;
  readonly outbox: OutboxStore<TelegramPayload>;
  readonly clock: Clock;
  readonly backoff?: BackoffPolicy;
  readonly random?: Random;
}

/** The SQLite delivery, which also exposes its one-process dispatcher (the keyed bots and tests flush it). */
export interface SqliteTelegramDelivery extends TelegramDelivery {
  readonly dispatcher: Dispatcher<TelegramPayload>;
}

/** One process over SQLite: the outbox's rows sent by the `Dispatcher`, one resident at a time. */
export function sqliteTelegramDelivery(deps: SqliteTelegramDeliveryDeps): TelegramDeliveryPlan<SqliteTelegramDelivery> {
  const { outbox, clock } = deps;
  return {
    forgetDone: (userId) => outbox.forgetDone(userId),
    over(sender, logger) {
      const dispatcher = new Dispatcher<TelegramPayload>({
        store: outbox,
        sender,
        clock,
        logger,
        backoff: deps.backoff,
        random: deps.random,
      });
      return {
        dispatcher,
        turn: (req) =>
          deps.turns.run({
            ...req,
            outbox,
            alongside: () => {
              outbox.release(req.userId, clock.now());
            },
          }),
        deliver: (userId) => dispatcher.flush(userId),
        async deliverDue() {
          const users = outbox.dueUsers(clock.now(), 500);
          await Promise.all(users.map((u) => dispatcher.flush(u)));
        },
        replyRoute: telegramReplyRoute(outbox, dispatcher),
        staffNotice: (chatId) => telegramStaffNotice(outbox, chatId),
      };
    },
  };
}
