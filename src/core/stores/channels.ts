/**
 * @module core/stores/channels
 *
 * Channels as rows (issue 20 item 3): each Telegram bot or Zalo OA belongs to
 * one commune and is reached at `/webhooks/<kind>/<public key>`. The port is
 * split on purpose: staff tools (the CLI) get a `ChannelDirectory`, which
 * adds, lists and disables rows and never hands back a secret; only the
 * webhook runtime gets a `ChannelKeyring`, which opens a row's secrets when
 * it builds that row's bot. Synchronous on SQLite, a promise on PostgreSQL
 * (storage/pg/pgChannelRepo.ts): callers await.
 */
import type { MaybePromise } from '../ports.js';

export type ChannelKind = 'telegram' | 'zalo';

/** A Telegram bot: its BotFather token and the secret Telegram echoes in each webhook call. */
export interface TelegramChannelSecrets {
  readonly kind: 'telegram';
  readonly botToken: string;
  readonly webhookSecret: string;
}

/** A Zalo Official Account: its app, the key that signs webhooks, the app secret and a first refresh token. */
export interface ZaloChannelSecrets {
  readonly kind: 'zalo';
  readonly appId: string;
  readonly oaSecretKey: string;
  readonly appSecret: string;
  readonly refreshToken?: string;
}

export type ChannelSecrets = TelegramChannelSecrets | ZaloChannelSecrets;

/** What anyone may see of a channel: no secret. */
export interface ChannelRow {
  readonly id: number;
  readonly communeId: string;
  readonly kind: ChannelKind;
  readonly publicKey: string;
  readonly enabled: boolean;
  readonly createdAt: Date;
}

export type AddChannelResult =
  | { readonly ok: true; readonly row: ChannelRow }
  | { readonly ok: false; readonly reason: 'unknown_commune' | 'already_enabled' };

/** For staff tools: never returns a secret. */
export interface ChannelDirectory {
  /** Seals the secrets and stores a new enabled row under a fresh random public key. */
  add(communeId: string, secrets: ChannelSecrets, now: Date): MaybePromise<AddChannelResult>;
  /** Every row (of one commune when given), oldest first. */
  list(communeId?: string): MaybePromise<readonly ChannelRow[]>;
  /** Switches a channel off; false when no enabled channel has that key. */
  disable(publicKey: string, now: Date): MaybePromise<boolean>;
}

/** An enabled row found by its key; the secrets are opened only when asked. */
export interface KeyedChannel {
  readonly row: ChannelRow;
  /** Changes whenever the stored secrets change (the sealed text's digest), so a cache knows to rebuild. */
  readonly stamp: string;
  secrets(): ChannelSecrets;
}

/** For the webhook runtime only. */
export interface ChannelKeyring {
  /** The enabled channel of that kind with that key; undefined for an unknown, disabled or other-kind key. */
  find(kind: ChannelKind, publicKey: string): MaybePromise<KeyedChannel | undefined>;
  /** Every enabled channel of a kind: start-up registers their webhooks and sends what they still owe. */
  enabled(kind: ChannelKind): MaybePromise<readonly KeyedChannel[]>;
}
