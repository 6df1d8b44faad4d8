/**
 * @module http/chatStream
 *
 * `POST /api/chat/stream`: a web chat turn whose model answer is shown while
 * it is written, as server-sent events. `delta` carries text that already
 * passed the grounding checks (a sentence at a time, see
 * core/qa/streamAnswer.ts), `replace` withdraws all of it (a later sentence
 * failed, the model refused: the turn's replies follow), and `done` carries
 * exactly the body `POST /api/chat` would have returned, which the page
 * shows in place of the draft. Same body rules, session cookie and rate
 * limits as `/api/chat`; a turn with nothing to stream (no model, a button,
 * a cached answer) sends `done` alone.
 *
 * The response starts only at the first `delta`, or when the turn is over:
 * a refused turn (429) or a bad body gets the plain JSON answer of
 * `/api/chat`, and the cookie goes out with the id the turn ended with (a
 * turn that links an account rotates it, and such a turn streams nothing).
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ChatResponse, WebChatResult } from '../channels/web/chatApi.js';
import type { WebSessions } from '../channels/web/session.js';
import type { DraftSink } from '../core/messages.js';
import type { Logger } from '../logger.js';
import type { AppDeps } from './app.js';
import { readChatBody } from './chatBody.js';
import { sendSessionCookie, visitorOf } from './webVisitor.js';

type SseEvent = { readonly event: 'delta'; readonly text: string } | { readonly event: 'replace' };

/** Draft events kept until the response is open to take them, and a wake-up for the writer. */
class DraftEvents implements DraftSink {
  readonly items: SseEvent[] = [];
  private wake: (() => void) | undefined;
  /** Resolves at the first event. */
  readonly started: Promise<'started'>;
  private start: (() => void) | undefined;

  constructor() {
    this.started = new Promise((resolve) => (this.start = () => resolve('started')));
  }

  delta(text: string): void {
    this.push({ event: 'delta', text });
  }

  replace(): void {
    this.push({ event: 'replace' });
  }

  /** Resolves at the next event (or at once when some wait already). */
  next(): Promise<void> {
    return this.items.length > 0 ? Promise.resolve() : new Promise((resolve) => (this.wake = resolve));
  }

  private push(e: SseEvent): void {
    this.items.push(e);
    this.start?.();
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

function settled(answer: WebChatResult | ChatResponse, sessionId: string): WebChatResult {
  return 'status' in answer ? answer : { status: 200, body: answer, sessionId };
}

export function chatStreamHandler(
  deps: Pick<AppDeps, 'chat' | 'trustProxy'> & { readonly sessions: WebSessions; readonly logger: Logger },
) {
  return async (c: Context): Promise<Response> => {
    const visitor = visitorOf(c, deps.sessions, deps.trustProxy ?? false);
    const parsed = await readChatBody(c);
    if (!parsed.ok) return parsed.res;
    const draft = new DraftEvents();
    const turn = deps.chat(parsed.data, visitor, draft).then((answer) => settled(answer, visitor.sessionId));
    // A failed turn before the first event rejects here and gets the app's 500, as on /api/chat.
    const first = await Promise.race([draft.started, turn]);
    c.header('X-Accel-Buffering', 'no');
    if (first !== 'started') {
      sendSessionCookie(c, deps.sessions, first.sessionId, visitor.secure);
      if (first.status === 429) {
        c.header('Retry-After', String(first.retryAfterSeconds));
        return c.json(first.body, 429);
      }
      return streamSSE(c, async (stream) => {
        await stream.writeSSE({ event: 'done', data: JSON.stringify(first.body) });
      });
    }
    // Only a model answer streams, and answering a question never changes whose session it is.
    sendSessionCookie(c, deps.sessions, visitor.sessionId, visitor.secure);
    return streamSSE(c, async (stream) => {
      let over = false;
      const ended = turn.then(
        (result) => ({ result }),
        (err: unknown) => ({ err }),
      );
      void ended.then(() => (over = true));
      for (;;) {
        for (const e of draft.items.splice(0)) {
          await stream.writeSSE({ event: e.event, data: JSON.stringify(e.event === 'delta' ? { text: e.text } : {}) });
        }
        if (over && draft.items.length === 0) break;
        await Promise.race([draft.next(), ended]);
      }
      const end = await ended;
      if ('err' in end) {
        deps.logger.error(
          { err: end.err instanceof Error ? end.err.message : String(end.err), path: c.req.path },
          'request failed',
        );
        await stream.writeSSE({
          event: 'error',
          data: JSON.stringify({ message: 'Xin lỗi, hệ thống đang gặp sự cố.' }),
        });
        return;
      }
      if (end.result.sessionId !== visitor.sessionId)
        deps.logger.warn({ path: c.req.path }, 'a streamed turn rotated its session: the visitor keeps the old cookie');
      await stream.writeSSE({ event: 'done', data: JSON.stringify(end.result.body) });
    });
  };
}
