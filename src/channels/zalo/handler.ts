/**
 * @module channels/zalo/handler
 *
 * What each kind of Zalo event leads to. The adapter only translates: a
 * follow asks the engine for its welcome menu, a text goes to the engine as
 * typed (numbers and option texts pick among the buttons it last offered),
 * and anything the engine cannot read gets a friendly request to type. Every
 * reply is queued in the outbox together with marking the event handled, then
 * the outbox is flushed. A resident who writes reopens the free window, so
 * replies held for them go out first, in their original order.
 */
import type { Engine } from '../../core/conversation/engine.js';
import type { IncomingMessage, OutgoingReply } from '../../core/messages.js';
import type { Clock } from '../../core/ports.js';
import { retrySeconds, tooFastText, type RateLimiter } from '../../core/rateLimit.js';
import type { Logger } from '../../logger.js';
import type { WriteScope } from '../../storage/sqlite/writeScope.js';
import type { ZaloInbound } from './events.js';
import type { Outbox } from './outbox.js';
import type { OutboundMessage } from './render.js';
import type { ZaloStore } from './store.js';
import { greetByName, INFO_NOT_NEEDED, TEXT_ONLY, TROUBLE } from './texts.js';

export interface HandlerDeps {
  readonly engine: Engine;
  readonly store: ZaloStore;
  readonly outbox: Outbox;
  readonly render: (replies: readonly OutgoingReply[]) => OutboundMessage[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** Group commit for the queued replies (absent in unit tests: each write commits alone). */
  readonly writes?: WriteScope;
  /** The resident's display name for the welcome (best effort; undefined on any failure). */
  readonly displayName?: (userId: string) => Promise<string | undefined>;
  /** Messages each resident may send (none when absent): a flood is refused before the engine. */
  readonly rateLimit?: RateLimiter;
}

/** Handles one received event; `key` is its de-duplication key, `at` its Zalo timestamp (ms). */
export type EventHandler = (event: ZaloInbound, key: string, at?: number) => Promise<void>;

export function createEventHandler(deps: HandlerDeps): EventHandler {
  const { engine, store, outbox, clock, logger } = deps;

  async function ask(message: IncomingMessage): Promise<OutgoingReply[]> {
    // The turn's writes and the replies queued after it share the loop turn's transaction (see reply()).
    deps.writes?.join();
    try {
      return await engine.handle(message);
    } catch (err) {
      logger.error({ err }, 'engine failed on a zalo message');
      return [{ kind: 'error', text: TROUBLE }];
    }
  }

  /**
   * The resident wrote and the engine answered: in one transaction (part of
   * the loop turn's group commit, see storage/sqlite/writeScope) the window
   * reopens (their last interaction moves to `at`), anything held for them is
   * released to go out before the new replies, the replies are queued and the
   * event is marked handled. Once that is committed, the queue is flushed. A
   * crash between the engine's commit and this one replays the event, and the
   * engine answers the repeated message id with the same replies.
   */
  async function reply(userId: string, key: string, at: number | undefined, replies: readonly OutgoingReply[]) {
    const now = clock.now();
    const interactionAt = new Date(Math.min(at ?? now.getTime(), now.getTime()));
    deps.writes?.join();
    const released = store.enqueue(userId, deps.render(replies), now, { handledKey: key, interactionAt });
    if (released > 0) logger.info({ released }, 'zalo held replies released: the resident wrote again');
    // Nothing goes out before the queue and the handled mark are committed.
    await deps.writes?.settled();
    await outbox.flush(userId);
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
    if (!taken.first) {
      store.markHandled(key, clock.now());
      return Promise.resolve();
    }
    logger.info({ user: event.userId }, 'zalo: messages refused by the rate limit');
    return reply(event.userId, key, at, [{ kind: 'notice', text: tooFastText(retrySeconds(taken)) }]);
  }

  return async (event, key, at) => {
    const userId = event.userId;
    const flood = refused(event, key, at);
    if (flood) return flood;
    switch (event.kind) {
      case 'unfollow':
        store.markInactive(userId, 'unfollow', clock.now());
        store.holdAll(userId, 'unfollow', clock.now());
        store.markHandled(key, clock.now());
        return;
      case 'follow': {
        const [name, replies] = await Promise.all([
          deps.displayName?.(userId).catch(() => undefined),
          ask({ channel: 'zalo', userId, choice: 'menu:start' }),
        ]);
        const [first, ...rest] = replies;
        return reply(userId, key, at, first ? [{ ...first, text: greetByName(first.text, name) }, ...rest] : rest);
      }
      case 'text': {
        const start = /^\/start$/i.test(event.text.trim());
        const message: IncomingMessage = start
          ? { channel: 'zalo', userId, choice: 'menu:start', id: event.msgId }
          : { channel: 'zalo', userId, text: event.text, id: event.msgId };
        return reply(userId, key, at, await ask(message));
      }
      case 'media':
        return reply(userId, key, at, [{ kind: 'notice', text: TEXT_ONLY }]);
      case 'submit_info':
        // The bot never asks for this form; what was sent is not kept.
        return reply(userId, key, at, [{ kind: 'notice', text: INFO_NOT_NEEDED }]);
    }
  };
}
