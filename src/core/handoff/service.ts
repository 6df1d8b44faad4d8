/**
 * @module core/handoff/service
 *
 * The handoff's actions (core/stores/handoff.ts `HandoffActions`): what the
 * console does to a thread, and what happens when the turn runner opens one.
 * Pure: the store, the channels' routes, the transaction and the clock are
 * ports. A staff reply is queued on the resident's channel outbox and
 * recorded as a thread message pointing at its outbox row in ONE transaction
 * (never a message shown as sent that was never queued, nor a reply sent
 * that the thread does not show); it is flushed after the commit, and its
 * delivery is read back from the outbox row (`refreshDelivery`). Every action
 * reads the thread through the caller's scope first, so a hamlet team cannot
 * act on another hamlet's thread.
 */
import type { OutgoingReply } from '../messages.js';
import type { Clock } from '../ports.js';
import { BTN_QUIT, BTN_RESUME, resumeHint } from '../quiz/texts.js';
import { QUIZ_QUIT, QUIZ_RESUME } from '../quiz/feature.js';
import type { HandoffActions, HandoffScope, HandoffStore, HandoffThread, StaffReplyResult } from '../stores/handoff.js';
import { cleanText } from '../text/normalize.js';
import { replyChecks } from './replyCheck.js';
import type { ReplyRoutes, StaffNotices } from './routes.js';
import * as T from './texts.js';

/** Longest staff reply: what every channel takes in one or two messages. */
export const MAX_STAFF_REPLY_CHARS = 2000;

export interface HandoffServiceDeps {
  readonly store: HandoffStore;
  readonly routes: ReplyRoutes;
  readonly notices?: StaffNotices;
  readonly clock: Clock;
  /** Runs `fn` in one transaction (storage's). */
  readonly transaction: <T>(fn: () => T) => T;
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
}

export function createHandoffService(deps: HandoffServiceDeps): HandoffService {
  const { store, routes, clock } = deps;

  function flushLater(thread: HandoffThread): void {
    const route = routes.get(thread.channel);
    if (!route?.flush) return;
    route
      .flush(thread.userId)
      .then(() => store.refreshDelivery(thread.id))
      .catch((err: unknown) => deps.onFlushError?.(err, thread.channel));
  }

  function usable(threadId: number, scope: HandoffScope): HandoffThread | 'not-found' | 'closed' {
    const thread = store.get(threadId, scope);
    if (!thread) return 'not-found';
    return thread.status === 'open' ? thread : 'closed';
  }

  function checkText(raw: string): string | { readonly error: 'empty' | 'too-long' } {
    const text = cleanText(raw);
    if (!text) return { error: 'empty' };
    if ([...text].length > MAX_STAFF_REPLY_CHARS) return { error: 'too-long' };
    return text;
  }

  function reply(
    threadId: number,
    scope: HandoffScope,
    staffId: string,
    raw: string,
    options: { readonly confirmed: boolean },
  ): StaffReplyResult {
    const thread = usable(threadId, scope);
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
    if (!route)
      return { ok: true, message: store.append(thread.id, { author: 'staff', staffId, text, at, delivery: 'failed' }) };
    const message = deps.transaction(() => {
      const ids = route.queue(thread.userId, [{ kind: 'notice', text: T.staffReply(text) }], at);
      return store.append(thread.id, { author: 'staff', staffId, text, outboxId: ids[ids.length - 1], at });
    });
    flushLater(thread);
    return { ok: true, message };
  }

  function note(threadId: number, scope: HandoffScope, staffId: string, raw: string): StaffReplyResult {
    const thread = store.get(threadId, scope);
    if (!thread) return { ok: false, error: 'not-found' };
    const text = checkText(raw);
    if (typeof text !== 'string') return { ok: false, ...text };
    return { ok: true, message: store.append(thread.id, { author: 'note', staffId, text, at: clock.now() }) };
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

  function close(threadId: number, scope: HandoffScope, staffId: string): boolean {
    const thread = usable(threadId, scope);
    if (typeof thread === 'string') return false;
    const at = clock.now();
    const route = routes.get(thread.channel);
    deps.transaction(() => {
      store.close(thread.id, staffId, at);
      store.append(thread.id, { author: 'system', text: T.CLOSED, at });
      route?.queue(thread.userId, [{ kind: 'notice', text: T.CLOSED }, ...quizOffer(thread)], at);
    });
    flushLater(thread);
    return true;
  }

  function opened(thread: HandoffThread, at: Date): void {
    const hamlet = thread.hamletId === undefined ? undefined : (deps.hamletName?.(thread.hamletId) ?? thread.hamletId);
    deps.notices?.notify(T.newThreadNotice(hamlet, thread.channel), at);
  }

  return { reply, note, close, opened };
}
