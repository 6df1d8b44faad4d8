/**
 * @module channels/zalo/handler
 *
 * What each kind of Zalo event leads to. The adapter only translates: a
 * follow asks the engine for its welcome menu, a text goes to the engine as
 * typed (numbers and option texts pick among the buttons it last offered),
 * and anything the engine cannot read gets a friendly request to type. Every
 * event is one turn (delivery.ts: the turn runner of SQLite or PostgreSQL):
 * its replies are queued in the outbox in the same commit as the
 * conversation's state, the window and the event's handled mark, then the
 * outbox is flushed. A resident who writes reopens the
 * free window, so replies held for them go out first, in their original order.
 */
import type { IncomingMessage, OutgoingReply } from '../../core/messages.js';
import type { Clock } from '../../core/ports.js';
import { retrySeconds, tooFastText, type RateLimiter } from '../../core/rateLimit.js';
import type { Logger } from '../../logger.js';
import type { ZaloDelivery, ZaloTurnInput } from './delivery.js';
import type { ZaloInbound } from './events.js';
import type { OutboundMessage } from './render.js';
import type { ZaloStateStore } from './store.js';
import { greetByName, INFO_NOT_NEEDED, TEXT_ONLY, TROUBLE } from './texts.js';

export interface HandlerDeps {
  /** How a turn commits and its replies go out, on SQLite or PostgreSQL (delivery.ts). */
  readonly delivery: ZaloDelivery;
  readonly store: ZaloStateStore;
  readonly render: (replies: readonly OutgoingReply[]) => OutboundMessage[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** The resident's display name for the welcome (best effort; undefined on any failure). */
  readonly displayName?: (userId: string) => Promise<string | undefined>;
  /** Messages each resident may send (none when absent): a flood is refused before the engine. */
  readonly rateLimit?: RateLimiter;
}

/** Handles one received event; `key` is its de-duplication key, `at` its Zalo timestamp (ms). */
export type EventHandler = (event: ZaloInbound, key: string, at?: number) => Promise<void>;

export function createEventHandler(deps: HandlerDeps): EventHandler {
  const { store, delivery, clock, logger } = deps;

  /**
   * One turn: the engine answers (or the channel does), then in one commit
   * the window reopens (the resident's last interaction moves to `at`),
   * anything held for them is released to go out before the new replies, the
   * replies are queued and the event is marked handled. Then the queue is
   * flushed. A crash before that commit leaves the event unhandled: it is
   * handled again at the next start.
   */
  async function turn(
    userId: string,
    key: string,
    at: number | undefined,
    input: ZaloTurnInput,
    greet?: string,
  ): Promise<void> {
    const now = clock.now();
    const interactionAt = new Date(Math.min(at ?? now.getTime(), now.getTime()));
    const released = await delivery.turn({
      input,
      userId,
      key,
      interactionAt,
      now,
      render: (replies) => {
        const [first, ...rest] = replies;
        const named =
          first && greet !== undefined ? [{ ...first, text: greetByName(first.text, greet) }, ...rest] : replies;
        return deps.render(named);
      },
      onError: (err) => {
        logger.error({ err }, 'engine failed on a zalo message');
        return [{ kind: 'error', text: TROUBLE }];
      },
    });
    if (released > 0) logger.info({ released }, 'zalo held replies released: the resident wrote again');
    await delivery.flush(userId);
  }

  /**
   * A resident sending faster than the limit: the first refused message gets
   * a polite "please wait", the rest of the flood is only marked handled
   * (answering each would flood them, and spend the OA's message quota).
   */
  function refused(event: ZaloInbound, key: string, at: number | undefined): Promise<void> | undefined {
    if (!deps.rateLimit || event.kind === 'follow' || event.kind === 'unfollow') return undefined;
    const taken = deps.rateLimit.take(`zalo:${event.userId}`);
    if (taken.ok) return undefined;
    if (!taken.first) return Promise.resolve(store.markHandled(key, clock.now()));
    logger.info({ user: event.userId }, 'zalo: messages refused by the rate limit');
    return turn(event.userId, key, at, { replies: [{ kind: 'notice', text: tooFastText(retrySeconds(taken)) }] });
  }

  return async (event, key, at) => {
    const userId = event.userId;
    const flood = refused(event, key, at);
    if (flood) return flood;
    switch (event.kind) {
      case 'unfollow':
        await store.markInactive(userId, 'unfollow', clock.now());
        await store.holdAll(userId, 'unfollow', clock.now());
        await store.markHandled(key, clock.now());
        return;
      case 'follow': {
        const name = await deps.displayName?.(userId).catch(() => undefined);
        return turn(userId, key, at, { message: { channel: 'zalo', userId, choice: 'menu:start' } }, name);
      }
      case 'text': {
        const start = /^\/start$/i.test(event.text.trim());
        const message: IncomingMessage = start
          ? { channel: 'zalo', userId, choice: 'menu:start', id: event.msgId }
          : { channel: 'zalo', userId, text: event.text, id: event.msgId };
        return turn(userId, key, at, { message });
      }
      case 'media':
        return turn(userId, key, at, { replies: [{ kind: 'notice', text: TEXT_ONLY }] });
      case 'submit_info':
        // The bot never asks for this form; what was sent is not kept.
        return turn(userId, key, at, { replies: [{ kind: 'notice', text: INFO_NOT_NEEDED }] });
    }
  };
}
