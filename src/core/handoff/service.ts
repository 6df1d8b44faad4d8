/**
 * @module core/handoff/service
 *
 * The handoff's actions (core/stores/handoff.ts `HandoffActions`): what the
 * console does to a thread, and what happens when the turn runner opens one.
 * Pure: the store, the writer, the channels' routes and the clock are
 * ports. A staff reply is queued on the resident's channel outbox and
 * recorded as a thread message pointing at its outbox row in ONE transaction
 * of storage's database (`HandoffWriter`: never a message shown as sent that
 * was never queued, nor a reply sent that the thread does not show); the
 * service says what to write, the writer commits it together (SQLite:
 * storage/sqlite/handoffWriter.ts, PostgreSQL: storage/pg/pgHandoffWriter.ts).
 * The reply is flushed after the commit, and its
 * delivery is read back from the outbox row (`refreshDelivery`). Every action
 * reads the thread through the caller's scope first, so a hamlet team cannot
 * act on another hamlet's thread.
 */
import type { OutgoingReply } from '../messages.js';
import type { Clock, MaybePromise } from '../ports.js';
import { BTN_QUIT, BTN_RESUME, resumeHint } from '../quiz/texts.js';
import { QUIZ_QUIT, QUIZ_RESUME } from '../quiz/feature.js';
import type {
  HandoffActions,
  HandoffMessage,
  HandoffScope,
  HandoffStore,
  HandoffThread,
  StaffReplyResult,
} from '../stores/handoff.js';
import { cleanText } from '../text/normalize.js';
import { replyChecks } from './replyCheck.js';
import type { ReplyRoute, ReplyRoutes, StaffNotices } from './routes.js';
import * as T from './texts.js';

/** Longest staff reply: what every channel takes in one or two messages. */
export const MAX_STAFF_REPLY_CHARS = 2000;

/** A staff line of a thread, as the writer records it. */
export interface StaffLine {
  readonly staffId: string;
  readonly text: string;
  readonly at: Date;
}

/**
 * The writes of one staff action that must commit together, in one
 * transaction of storage's database. `route` is the resident's channel's
 * (its `queue` on SQLite; its `render` on PostgreSQL, where the rows are
 * inserted in the writer's own transaction).
 */
export interface HandoffWriter {
  /**
   * Queues `replies` for the thread's resident and records the staff message
   * pointing at the last outbox row. 'closed' (nothing written) when the
   * thread is no longer open inside the writer's transaction: `thread` was
   * read before, and on PostgreSQL another process may have closed it since.
   */
  reply(
    thread: HandoffThread,
    route: ReplyRoute,
    replies: readonly OutgoingReply[],
    line: StaffLine,
  ): MaybePromise<HandoffMessage | 'closed'>;
  /**
   * Closes the thread (`line.staffId` closed it), records `line.text` as a
   * system message, and queues `replies` for the resident when their channel
   * runs here (`route`). False (nothing written) when the thread was closed
   * already: two "Xong" at once tell the resident once.
   */
  close(
    thread: HandoffThread,
    route: ReplyRoute | undefined,
    replies: readonly OutgoingReply[],
    line: StaffLine,
  ): MaybePromise<boolean>;
}

export interface HandoffServiceDeps {
  readonly store: HandoffStore;
  readonly writer: HandoffWriter;
  readonly routes: ReplyRoutes;
  readonly notices?: StaffNotices;
  readonly clock: Clock;
  /** A hamlet's name for the staff notice (the id when unknown). */
  readonly hamletName?: (hamletId: string) => string | undefined;
  /** A quiz's title for the offer to go on with it. */
  readonly quizTitle?: (quizId: string) => string | undefined;
  /** Told when a flush after a staff action failed (it is retried by the channel's timer). */
  readonly onFlushError?: (err: unknown, channel: string) => void;
}

export interface HandoffService extends HandoffActions {
  /** Called by the turn runner inside the commit that opened `thread`: the staff notice is queued there. */
  opened(thread: HandoffThread, at: Date): void;
  /** The staff notice of a new thread (where it came from, never who), for a runner that writes it itself (PostgreSQL). */
  noticeOf(thread: HandoffThread): string;
}

export function createHandoffService(deps: HandoffServiceDeps): HandoffService {
  const { store, writer, routes, clock } = deps;

  function flushLater(thread: HandoffThread): void {
    const route = routes.get(thread.channel);
    if (!route?.flush) return;
    route
      .flush(thread.userId)
      .then(() => store.refreshDelivery(thread.id))
      .catch((err: unknown) => deps.onFlushError?.(err, thread.channel));
  }

  async function usable(threadId: number, scope: HandoffScope): Promise<HandoffThread | 'not-found' | 'closed'> {
    const thread = await store.get(threadId, scope);
    if (!thread) return 'not-found';
    return thread.status === 'open' ? thread : 'closed';
  }

  function checkText(raw: string): string | { readonly error: 'empty' | 'too-long' } {
    const text = cleanText(raw);
    if (!text) return { error: 'empty' };
    if ([...text].length > MAX_STAFF_REPLY_CHARS) return { error: 'too-long' };
    return text;
  }

  async function reply(
    threadId: number,
    scope: HandoffScope,
    staffId: string,
    raw: string,
    options: { readonly confirmed: boolean },
  ): Promise<StaffReplyResult> {
    const thread = await usable(threadId, scope);
    if (typeof thread === 'string') return { ok: false, error: thread };
    const text = checkText(raw);
    if (typeof text !== 'string') return { ok: false, ...text };
    if (!options.confirmed) {
      const checks = replyChecks(text);
      if (checks.length > 0) return { ok: false, needsConfirmation: checks };
    }
    const at = clock.now();
    const route = routes.get(thread.channel);
    // The resident's channel is switched off in this service: the reply is kept and shown as not delivered.
    if (!route) {
      const failed = await store.append(thread.id, { author: 'staff', staffId, text, at, delivery: 'failed' });
      return { ok: true, message: failed };
    }
    const message = await writer.reply(thread, route, [{ kind: 'notice', text: T.staffReply(text) }], {
      staffId,
      text,
      at,
    });
    if (message === 'closed') return { ok: false, error: 'closed' };
    flushLater(thread);
    return { ok: true, message };
  }

  async function note(threadId: number, scope: HandoffScope, staffId: string, raw: string): Promise<StaffReplyResult> {
    const thread = await store.get(threadId, scope);
    if (!thread) return { ok: false, error: 'not-found' };
    const text = checkText(raw);
    if (typeof text !== 'string') return { ok: false, ...text };
    return { ok: true, message: await store.append(thread.id, { author: 'note', staffId, text, at: clock.now() }) };
  }

  /** The resident's way back to the quiz they left when the thread opened. */
  function quizOffer(thread: HandoffThread): OutgoingReply[] {
    if (!thread.suspendedQuiz) return [];
    const title = deps.quizTitle?.(thread.suspendedQuiz) ?? thread.suspendedQuiz;
    return [
      {
        kind: 'notice',
        text: resumeHint(title),
        buttons: [
          { label: BTN_RESUME, value: QUIZ_RESUME },
          { label: BTN_QUIT, value: QUIZ_QUIT },
        ],
      },
    ];
  }

  async function close(threadId: number, scope: HandoffScope, staffId: string): Promise<boolean> {
    const thread = await usable(threadId, scope);
    if (typeof thread === 'string') return false;
    const at = clock.now();
    const route = routes.get(thread.channel);
    const closed = await writer.close(thread, route, [{ kind: 'notice', text: T.CLOSED }, ...quizOffer(thread)], {
      staffId,
      text: T.CLOSED,
      at,
    });
    if (closed) flushLater(thread);
    return closed;
  }

  function noticeOf(thread: HandoffThread): string {
    const hamlet = thread.hamletId === undefined ? undefined : (deps.hamletName?.(thread.hamletId) ?? thread.hamletId);
    return T.newThreadNotice(hamlet, thread.channel);
  }

  function opened(thread: HandoffThread, at: Date): void {
    deps.notices?.notify(noticeOf(thread), at);
  }

  return { reply, note, close, opened, noticeOf };
}
