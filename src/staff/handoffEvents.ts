/**
 * @module staff/handoffEvents
 *
 * The console's live feed of "Hỏi cán bộ": a server-sent event stream of the
 * messages and new threads the principal may see. It polls the store
 * (HandoffStore.since, scoped) every half second instead of listening to an
 * in-process bus, because the resident's message may be written by another
 * process on the shared database; half a second keeps "within a second"
 * with one indexed read per open console tab. Each message event carries its
 * id, so a browser that reconnects (EventSource sends Last-Event-ID) misses
 * nothing; a comment every 15 s keeps proxies from closing a quiet stream;
 * the loop ends as soon as the client goes away.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { HandoffMessage, HandoffScope, HandoffStore, HandoffThread } from '../core/stores/handoff.js';
import type { Logger } from '../logger.js';
import { communeTimeText, DELIVERY_LABELS, HANDOFF_PATH, threadView, type ThreadView } from './handoffPage.js';
import type { StaffEnv } from './types.js';

/** Messages read per poll; a longer backlog is read in further polls without waiting. */
const BATCH = 200;
/** Open threads counted for the bar; more shows as "99+". */
const COUNT_LIMIT = 100;

export interface LiveFeedTiming {
  readonly pollMs: number;
  readonly heartbeatMs: number;
}

export const DEFAULT_TIMING: LiveFeedTiming = { pollMs: 500, heartbeatMs: 15_000 };

/** A message as the page's script and the JSON endpoint carry it. */
export interface MessageEvent {
  readonly id: number;
  readonly threadId: number;
  readonly author: HandoffMessage['author'];
  readonly text: string;
  readonly time: string;
  readonly delivery: HandoffMessage['delivery'];
  readonly deliveryText: string;
}

export function messageEvent(m: HandoffMessage): MessageEvent {
  return {
    id: m.id,
    threadId: m.threadId,
    author: m.author,
    text: m.text,
    time: communeTimeText(m.at),
    delivery: m.delivery,
    deliveryText: DELIVERY_LABELS[m.delivery],
  };
}

/** Open threads the scope may see, for the navigation bar. */
export async function openCount(store: HandoffStore, scope: HandoffScope): Promise<number> {
  return (await store.list(scope, { status: 'open', limit: COUNT_LIMIT })).length;
}

export interface LiveFeedDeps {
  readonly store: HandoffStore;
  readonly scope: HandoffScope;
  /** The feed sends messages with an id above this one. */
  readonly after: number;
  readonly hamletName: (id: string | undefined) => string;
  readonly timing: LiveFeedTiming;
  readonly logger?: Logger;
}

async function isFirstOfThread(store: HandoffStore, m: HandoffMessage): Promise<boolean> {
  return (await store.messages(m.threadId, 0, 1))[0]?.id === m.id;
}

function threadEvent(t: HandoffThread, hamletName: (id: string | undefined) => string): ThreadView & { url: string } {
  return { ...threadView(t, hamletName), url: `${HANDOFF_PATH}/${t.id}` };
}

/** The event stream response; it runs until the client disconnects (or the store fails). */
export function liveFeed(c: Context<StaffEnv>, deps: LiveFeedDeps): Response {
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    let stopped = false;
    let wake: (() => void) | undefined;
    const stop = (): void => {
      stopped = true;
      wake?.();
    };
    stream.onAbort(stop);
    c.req.raw.signal.addEventListener('abort', stop, { once: true });
    const pause = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });

    let last = deps.after;
    let quiet = 0;
    await stream.writeSSE({ event: 'ready', data: JSON.stringify({ after: last }), retry: 1000 });
    while (!stopped && !stream.aborted) {
      let batch: readonly HandoffMessage[];
      try {
        batch = await deps.store.since(deps.scope, last, BATCH);
        for (const m of batch) {
          if (await isFirstOfThread(deps.store, m)) {
            const thread = await deps.store.get(m.threadId, deps.scope);
            if (thread?.status === 'open') {
              await stream.writeSSE({ event: 'thread', data: JSON.stringify(threadEvent(thread, deps.hamletName)) });
            }
          }
          await stream.writeSSE({ event: 'message', id: String(m.id), data: JSON.stringify(messageEvent(m)) });
          last = m.id;
        }
        if (batch.length > 0) {
          await stream.writeSSE({
            event: 'count',
            data: JSON.stringify({ open: await openCount(deps.store, deps.scope) }),
          });
        }
      } catch (err) {
        // The browser reconnects from its Last-Event-ID; nothing is lost by ending here.
        deps.logger?.error({ err: err instanceof Error ? err.message : String(err) }, 'handoff live feed failed');
        return;
      }
      if (batch.length === BATCH) continue;
      await pause(deps.timing.pollMs);
      quiet += deps.timing.pollMs;
      if (quiet >= deps.timing.heartbeatMs && !stopped) {
        await stream.write(': ping\n\n');
        quiet = 0;
      }
    }
  });
}
