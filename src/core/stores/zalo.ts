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

export interface ZaloStore {
  // ---- tokens ----
  tokens(): TokenState;
  /** Saves a refresh's result (access and rotated refresh token together) in one transaction. */
  saveRefreshed(t: { accessToken: string; refreshToken: string; expiresAt: Date }, at: Date): void;
  /** Stores a refresh token given by staff (cli or environment); the access token is kept. */
  setRefreshToken(token: string, at: Date): void;
  /**
   * Stores the environment's refresh token unless that same value was seeded
   * before (it has since been used and rotated). True when it was stored.
   */
  seedRefreshToken(token: string, at: Date): boolean;
  recordTokenError(message: string | undefined, at: Date): void;

  // ---- received events ----
  /** Records an event; false when its key was seen before (a redelivery). */
  receive(key: string, userId: string, event: string, at: Date): boolean;
  /** Events recorded but not handled (the process stopped in between), oldest first. */
  unhandled(limit: number): { key: string; userId: string; event: string }[];
  markHandled(key: string, at: Date): void;
  /** Resolves once everything recorded so far is on disk (the webhook acknowledges a delivery only then). */
  durable(): Promise<void>;

  // ---- residents ----
  /** Notes an interaction (moves the window forward, never back) and marks the resident active. */
  touch(userId: string, at: Date): void;
  markInactive(userId: string, reason: string, at: Date): void;
  resident(userId: string): ResidentState | undefined;

  // ---- outbox (Zalo's rows of the shared outbox, see core/stores/outbox.ts) ----
  readonly outbox: OutboxStore<OutboundMessage>;
  /**
   * Queues messages and marks the event that produced them handled, in one
   * transaction. With `interactionAt` (the resident just wrote) it also notes
   * the interaction and releases their held items first, so those go out
   * before the new ones. Returns how many held items were released.
   */
  enqueue(
    userId: string,
    messages: readonly OutboundMessage[],
    at: Date,
    opts?: { readonly handledKey?: string; readonly interactionAt?: Date },
  ): number;
  /**
   * Drops what the channel still keeps about a resident whose data was erased:
   * their window row, their sent and failed items, their handled events.
   * Items still waiting stay (the resident wrote again meanwhile).
   */
  forget(userId: string): void;
  /** Holds every pending item of the user until they write again. */
  holdAll(userId: string, reason: string, at: Date): void;
  counts(): OutboxCounts;
  inactiveResidents(): number;

  /**
   * Deletes handled events, sent items and failed items older than `before`
   * (a failed item still holds the reply's text). Held items stay until the
   * resident writes again.
   */
  prune(before: Date): { events: number; sent: number; failed: number };
}
