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
import type { Logger } from '../../logger.js';
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
  /** The resident's display name for the welcome (best effort; undefined on any failure). */
  readonly displayName?: (userId: string) => Promise<string | undefined>;
}

/** Handles one received event; `key` is its de-duplication key, `at` its Zalo timestamp (ms). */
export type EventHandler = (event: ZaloInbound, key: string, at?: number) => Promise<void>;

export function createEventHandler(deps: HandlerDeps): EventHandler {
  const { engine, store, outbox, clock, logger } = deps;

  async function ask(message: IncomingMessage): Promise<OutgoingReply[]> {
    try {
      return await engine.handle(message);
    } catch (err) {
      logger.error({ err }, 'engine failed on a zalo message');
      return [{ text: TROUBLE }];
    }
  }

  /** The resident wrote: the window reopens and anything held for them goes out before the new replies. */
  function interacted(userId: string, at: number | undefined): void {
    const now = clock.now();
    store.touch(userId, new Date(Math.min(at ?? now.getTime(), now.getTime())));
    if (store.release(userId, now)) logger.info('zalo held replies released: the resident wrote again');
  }

  async function reply(userId: string, key: string, replies: readonly OutgoingReply[]): Promise<void> {
    store.enqueue(userId, deps.render(replies), clock.now(), key);
    await outbox.flush(userId);
  }

  return async (event, key, at) => {
    const userId = event.userId;
    switch (event.kind) {
      case 'unfollow':
        store.markInactive(userId, 'unfollow', clock.now());
        store.holdAll(userId, 'unfollow', clock.now());
        store.markHandled(key, clock.now());
        return;
      case 'follow': {
        interacted(userId, at);
        const [name, replies] = await Promise.all([
          deps.displayName?.(userId).catch(() => undefined),
          ask({ channel: 'zalo', userId, choice: 'menu:start' }),
        ]);
        const [first, ...rest] = replies;
        return reply(userId, key, first ? [{ ...first, text: greetByName(first.text, name) }, ...rest] : rest);
      }
      case 'text': {
        interacted(userId, at);
        const start = /^\/start$/i.test(event.text.trim());
        const message: IncomingMessage = start
          ? { channel: 'zalo', userId, choice: 'menu:start' }
          : { channel: 'zalo', userId, text: event.text };
        return reply(userId, key, await ask(message));
      }
      case 'media':
        interacted(userId, at);
        return reply(userId, key, [{ text: TEXT_ONLY }]);
      case 'submit_info':
        // The bot never asks for this form; what was sent is not kept.
        interacted(userId, at);
        return reply(userId, key, [{ text: INFO_NOT_NEEDED }]);
    }
  };
}
