/**
 * @module core/stores/zalo
 *
 * The port through which the Zalo channel keeps what it needs between
 * restarts: the OAuth tokens (the refresh token is single-use, so losing the
 * newest one locks the OA out until someone re-authorises), the events
 * received but maybe not yet handled (de-duplication and crash recovery),
 * each resident's last interaction (the free messaging window) and the outbox
 * of replies not yet delivered, with the shape of a message as it is queued.
 * It lives in the core so storage implements it without importing a channel
 * (src/storage/sqlite/zaloStore.ts); the channel re-exports it.
 */

import type { MaybePromise } from '../ports.js';
import type { OutboxCounts, OutboxStore, QueuedItem } from './outbox.js';

export interface TemplateButton {
  readonly title: string;
  /** Sent back by Zalo as the resident's text when pressed (v2 behaviour, LOW). */
  readonly payload: string;
}

export interface OutboundMessage {
  /** Plain text within the limit, numbered list included: what every transport can send. */
  readonly text: string;
  /** The same message as a text-with-buttons template (only when templates are switched on). */
  readonly template?: { readonly text: string; readonly buttons: readonly TemplateButton[] };
  /** Once sent, the channel forgets the resident (the reply confirming their data was erased). */
  readonly forget?: boolean;
}

export interface TokenState {
  readonly accessToken?: string;
  readonly refreshToken?: string;
  readonly expiresAt?: Date;
  readonly refreshedAt?: Date;
  readonly lastError?: string;
  readonly lastErrorAt?: Date;
}

export interface ResidentState {
  readonly lastInteractionAt?: Date;
  readonly inactive: boolean;
}

export type { OutboxCounts, OutboxStatus } from './outbox.js';

/** A queued Zalo reply, as the generic outbox holds it. */
export type OutboxItem = QueuedItem<OutboundMessage>;

/** A refresh's result as the store keeps it. */
export interface RotatedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresAt: Date;
}

/** What `rotateRefreshToken` did: refreshed now, or found the token already rotated by someone else. */
export interface TokenRotation {
  readonly rotated: boolean;
  /** The stored tokens after the call (the new pair, or the one the other process stored). */
  readonly tokens: TokenState;
}

/**
 * The part of the Zalo channel's memory that both databases keep (tokens,
 * received events, residents): synchronous on SQLite, a promise on
 * PostgreSQL, so every caller awaits. The outbox part (`ZaloStore`) is the
 * SQLite one; on PostgreSQL replies go through the shared outbox
 * (core/stores/sharedOutbox.ts).
 */
export interface ZaloStateStore {
  // ---- tokens ----
  tokens(): MaybePromise<TokenState>;
  /** Saves a refresh's result (access and rotated refresh token together) in one transaction. */
  saveRefreshed(t: RotatedTokens, at: Date): MaybePromise<void>;
  /**
   * Spends the stored refresh token once: when it is still `seen` (the one the
   * caller read before deciding to refresh), calls `refresh` with it and
   * stores the result; when another process has rotated it meanwhile, calls
   * nothing and returns what that process stored. On PostgreSQL the token
   * row is locked (`SELECT … FOR UPDATE`) from the re-read to the save, so of
   * several processes refreshing at once exactly one calls Zalo. A `refresh`
   * that throws stores nothing and the error is rethrown.
   */
  rotateRefreshToken(
    seen: string,
    refresh: (refreshToken: string) => Promise<RotatedTokens>,
    now: () => Date,
  ): Promise<TokenRotation>;
  /** Stores a refresh token given by staff (cli or environment); the access token is kept. */
  setRefreshToken(token: string, at: Date): MaybePromise<void>;
  /**
   * Stores the environment's refresh token unless that same value was seeded
   * before (it has since been used and rotated). True when it was stored.
   */
  seedRefreshToken(token: string, at: Date): MaybePromise<boolean>;
  recordTokenError(message: string | undefined, at: Date): MaybePromise<void>;

  // ---- received events ----
  /** Records an event; false when its key was seen before (a redelivery). */
  receive(key: string, userId: string, event: string, at: Date): MaybePromise<boolean>;
  /** Events recorded but not handled (the process stopped in between), oldest first. */
  unhandled(limit: number): MaybePromise<{ key: string; userId: string; event: string }[]>;
  markHandled(key: string, at: Date): MaybePromise<void>;
  /** Resolves once everything recorded so far is on disk (the webhook acknowledges a delivery only then). */
  durable(): Promise<void>;

  // ---- residents ----
  /** Notes an interaction (moves the window forward, never back) and marks the resident active. */
  touch(userId: string, at: Date): MaybePromise<void>;
  markInactive(userId: string, reason: string, at: Date): MaybePromise<void>;
  resident(userId: string): MaybePromise<ResidentState | undefined>;
  inactiveResidents(): MaybePromise<number>;

  // ---- Zalo's rows of the shared outbox, by resident ----
  /**
   * Drops what the channel still keeps about a resident whose data was erased:
   * their window row, their sent and failed items, their handled events.
   * Items still waiting stay (the resident wrote again meanwhile).
   */
  forget(userId: string): MaybePromise<void>;
  /** Holds every pending item of the user until they write again. */
  holdAll(userId: string, reason: string, at: Date): MaybePromise<void>;
  counts(): MaybePromise<OutboxCounts>;
  /**
   * Deletes handled events, sent items and failed items older than `before`
   * (a failed item still holds the reply's text). Held items stay until the
   * resident writes again.
   */
  prune(before: Date): MaybePromise<{ events: number; sent: number; failed: number }>;
}

/** The SQLite store: the state above, and the outbox a turn writes into inside its transaction. */
export interface ZaloStore extends ZaloStateStore {
  // ---- outbox (Zalo's rows of the shared outbox, see core/stores/outbox.ts) ----
  readonly outbox: OutboxStore<OutboundMessage>;
  /**
   * Queues messages and marks the event that produced them handled, in one
   * transaction. With `interactionAt` (the resident just wrote) it also notes
   * the interaction and releases their held items first, so those go out
   * before the new ones. Returns how many held items were released.
   * Synchronous: a turn calls it inside its better-sqlite3 transaction.
   */
  enqueue(
    userId: string,
    messages: readonly OutboundMessage[],
    at: Date,
    opts?: { readonly handledKey?: string; readonly interactionAt?: Date },
  ): number;
}
