/**
 * @module core/stores/handoff
 *
 * Handoff to commune staff (issue 18 item 6), as the core and the console see
 * it. A thread is one resident's conversation on one channel while a person
 * owns it: from the moment the resident asks for a person (or accepts the
 * offer after two misses) until staff say "Xong". While a thread is open the
 * turn runner (storage/sqlite/turns.ts) does not run the engine: it appends
 * the resident's message to the thread instead, in the same commit as the
 * inbound claim, so a message is never both answered by the bot and shown
 * to staff, and never lost.
 *
 * Staff replies are queued on the resident's channel outbox (core/stores/
 * outbox.ts) in the same transaction as the thread message that records
 * them; the message shows "sent" only once the outbox row is sent. Private
 * notes are thread messages of kind 'note' and are never queued.
 *
 * Scoping: a thread carries the resident's hamlet at opening (null: the
 * commune queue). A hamlet team member lists and reads only their hamlet's
 * threads; admins see all. The SQLite version is storage/sqlite/handoffRepo.ts.
 */

import type { MaybePromise } from '../ports.js';

export type HandoffStatus = 'open' | 'closed';

/** Who wrote a thread message. 'note' is staff-only and never reaches the resident. */
export type HandoffAuthor = 'resident' | 'staff' | 'note' | 'system';

/** Where a staff reply stands; resident messages, notes and system lines are 'none'. */
export type HandoffDelivery = 'none' | 'pending' | 'held' | 'sent' | 'failed';

export interface HandoffThread {
  readonly id: number;
  /** 'web' | 'telegram' | 'zalo'. */
  readonly channel: string;
  /** The conversation's user id on that channel (the outbox's user id). */
  readonly userId: string;
  /** The citizen id, when the resident is known. */
  readonly citizenId?: string;
  /** The hamlet id at opening, or undefined for the commune queue. */
  readonly hamletId?: string;
  readonly status: HandoffStatus;
  /** Why it opened: 'asked' (the resident asked) or 'offered' (accepted after two misses). */
  readonly reason: 'asked' | 'offered';
  /** ISO 8601, UTC. */
  readonly openedAt: string;
  readonly closedAt?: string;
  /** Staff id of whoever replied first or claimed it. */
  readonly assigneeId?: string;
  /** Last message time (ISO), for ordering the inbox. */
  readonly lastAt: string;
  /** Resident messages since staff last wrote. */
  readonly unread: number;
  /** A quiz was in progress when the thread opened: offered back at "Xong". */
  readonly suspendedQuiz?: string;
}

export interface HandoffMessage {
  readonly id: number;
  readonly threadId: number;
  readonly author: HandoffAuthor;
  /** Staff id for 'staff' and 'note'. */
  readonly staffId?: string;
  /** The text as written; personal numbers are never logged from it, but staff see it whole. */
  readonly text: string;
  readonly at: string;
  readonly delivery: HandoffDelivery;
  /** The outbox row that carries a staff reply. */
  readonly outboxId?: number;
}

export interface OpenThreadInput {
  readonly channel: string;
  readonly userId: string;
  readonly citizenId?: string;
  readonly hamletId?: string;
  readonly reason: 'asked' | 'offered';
  readonly suspendedQuiz?: string;
  readonly at: Date;
}

/** What a list or a read may see: the whole commune or one hamlet (staff/types.ts StaffScope). */
export type HandoffScope = { readonly kind: 'commune' } | { readonly kind: 'hamlet'; readonly hamletId: string };

/**
 * The store as the console and the handoff service use it: SQLite answers at
 * once, PostgreSQL (storage/pg/pgHandoffStore.ts) with promises, so every
 * caller awaits. "Joins the caller's transaction" holds for the SQLite store
 * only; on PostgreSQL each call is its own transaction, and the writes that
 * must commit together go through `HandoffWriter` (core/handoff/service.ts).
 */
export interface HandoffStore {
  /** The open thread of this conversation, if any (the runner asks this before every turn). */
  openThreadOf(channel: string, userId: string): MaybePromise<HandoffThread | undefined>;
  /** Opens a thread (or returns the one already open). Joins the caller's transaction. */
  open(input: OpenThreadInput): MaybePromise<HandoffThread>;
  /**
   * Appends a message; joins the caller's transaction. A staff reply starts
   * 'pending' unless `delivery` says otherwise ('failed': it could not be
   * queued, its channel is not running).
   */
  append(
    threadId: number,
    message: {
      author: HandoffAuthor;
      text: string;
      staffId?: string;
      outboxId?: number;
      at: Date;
      delivery?: HandoffDelivery;
    },
  ): MaybePromise<HandoffMessage>;
  /** Closes the thread ("Xong"); the bot answers again from the next message. */
  close(threadId: number, staffId: string, at: Date): MaybePromise<void>;
  assign(threadId: number, staffId: string): MaybePromise<void>;
  /** One thread, if the scope may see it; undefined otherwise (the console answers 404). */
  get(threadId: number, scope: HandoffScope): MaybePromise<HandoffThread | undefined>;
  /** Threads the scope may see, open first, newest activity first. */
  list(scope: HandoffScope, filter: { status?: HandoffStatus; limit: number }): MaybePromise<readonly HandoffThread[]>;
  /** Messages of a thread after `afterId` (0: from the start), in order. */
  messages(threadId: number, afterId: number, limit: number): MaybePromise<readonly HandoffMessage[]>;
  /** Whether the resident has written in the thread yet (the runner acknowledges their first message only). */
  residentWrote(threadId: number): MaybePromise<boolean>;
  /** Messages of every thread the scope may see with id > afterId (the console's live feed). */
  since(scope: HandoffScope, afterId: number, limit: number): MaybePromise<readonly HandoffMessage[]>;
  /** The newest message id of the commune (0: none yet): where a live feed starts; scoping is the feed's. */
  headId(): MaybePromise<number>;
  /** Copies the delivery state of staff replies from their outbox rows (pending → sent/held/failed). */
  refreshDelivery(threadId: number): MaybePromise<void>;
  /** Deletes every thread and message of a resident (erasure). */
  forget(channel: string, userId: string): MaybePromise<void>;
}

/**
 * The store as a caller inside a synchronous transaction uses it (the SQLite
 * turn runner's commit, the SQLite handoff writer): the same methods, every
 * answer at once, so nothing is awaited while better-sqlite3 holds its
 * transaction open. The SQLite store implements it; it is a `HandoffStore` too.
 */
export type SyncHandoffStore = {
  [K in keyof HandoffStore]: (...args: Parameters<HandoffStore[K]>) => Awaited<ReturnType<HandoffStore[K]>>;
};

/** What a staff reply needs a second confirmation for (issue 18 item 6). */
export type ReplyCheck = 'otp' | 'password' | 'link';

export type StaffReplyResult =
  | { readonly ok: true; readonly message: HandoffMessage }
  | { readonly ok: false; readonly needsConfirmation: readonly ReplyCheck[] }
  | { readonly ok: false; readonly error: 'not-found' | 'closed' | 'empty' | 'too-long' };

/**
 * What the console does to a thread. Implemented by the handoff service
 * (core/handoff/), which queues replies on the resident's channel outbox in
 * the same transaction as the thread message. Every call checks the scope
 * first: a thread the scope may not see is 'not-found'.
 */
export interface HandoffActions {
  /** A reply to the resident. Asks for a second confirmation (confirmed: true) when the text asks for an OTP or a password, or links outside the allow-list. */
  reply(
    threadId: number,
    scope: HandoffScope,
    staffId: string,
    text: string,
    options: { readonly confirmed: boolean },
  ): Promise<StaffReplyResult>;
  /** A private note: stored in the thread, never sent. */
  note(threadId: number, scope: HandoffScope, staffId: string, text: string): Promise<StaffReplyResult>;
  /** "Xong": the bot answers again; the resident is told, and offered their suspended quiz back. */
  close(threadId: number, scope: HandoffScope, staffId: string): Promise<boolean>;
}
