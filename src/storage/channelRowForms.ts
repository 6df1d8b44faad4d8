/**
 * @module storage/channelRowForms
 *
 * What both databases' channel repositories share (storage/sqlite/
 * channelRepo.ts, storage/pg/pgChannelRepo.ts): the fresh public key and
 * webhook secret, the associated data a row's secrets are sealed under, and
 * the keyed channel handed to the webhook runtime, so a row copied from one
 * database to the other opens the same way.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ChannelKind, ChannelRow, ChannelSecrets, KeyedChannel } from '../core/stores/channels.js';
import type { SecretBox } from './secretBox.js';

/** 24 random bytes: 192 bits, 32 URL-safe characters. */
const KEY_BYTES = 24;

/**
 * A fresh public key: random, URL-safe, well over 128 bits, starting with a
 * letter or digit. One in 64 base64url strings starts with "-", and staff
 * type the key as an argument (`cli channel disable <key>`), where a leading
 * "-" reads as an option and the command refuses a key it printed itself.
 */
export function newPublicKey(): string {
  for (;;) {
    const key = randomBytes(KEY_BYTES).toString('base64url');
    if (/^[A-Za-z0-9]/.test(key)) return key;
  }
}

/** A fresh webhook secret in the alphabet Telegram's `secret_token` accepts (256 bits). */
export function newWebhookSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The associated data of a row's sealed secrets: a sealed value moved to another row does not open. */
export const channelSecretContext = (communeId: string, kind: ChannelKind, publicKey: string): string =>
  `channels:${communeId}:${kind}:${publicKey}`;

/** A row as stored (both databases name the columns alike). */
export interface StoredChannelRow {
  id: number;
  commune_id: string;
  kind: ChannelKind;
  public_key: string;
  enabled: number;
  created_at: string;
}

export function channelRowOf(r: StoredChannelRow): ChannelRow {
  return {
    id: r.id,
    communeId: r.commune_id,
    kind: r.kind,
    publicKey: r.public_key,
    enabled: r.enabled === 1,
    createdAt: new Date(r.created_at),
  };
}

/** The keyed channel of a row and its sealed secrets; they are opened only when asked. */
export function keyedChannelOf(r: StoredChannelRow & { secrets: string }, box: () => SecretBox): KeyedChannel {
  const row = channelRowOf(r);
  const sealed = r.secrets;
  return {
    row,
    stamp: createHash('sha256').update(sealed, 'utf8').digest('base64url'),
    secrets: () => {
      const plain = box().open(sealed, channelSecretContext(row.communeId, row.kind, row.publicKey));
      const parsed = JSON.parse(plain) as ChannelSecrets;
      if (parsed.kind !== row.kind) throw new Error(`channel ${row.id}: sealed secrets are for another kind`);
      return parsed;
    },
  };
}
