/**
 * @module channels/telegram/callbackData
 *
 * Telegram carries a button's value back in `callback_data`, at most 64 bytes
 * (bytes, not characters). The engine's values are short ASCII ids and fit;
 * anything longer (a long FAQ id, a hamlet id with marks) is sent as a short
 * id derived from the value and looked up on the way back. The id is a hash,
 * so rendering the same button twice stores one row, not two.
 */
import { createHash } from 'node:crypto';
import type { TelegramStore } from './store.js';

export const MAX_CALLBACK_BYTES = 64;
/** Marks a short id; a real value starting with it is also sent through the table. */
const SHORT_PREFIX = '~';

const fits = (value: string): boolean =>
  !value.startsWith(SHORT_PREFIX) && value.length > 0 && Buffer.byteLength(value, 'utf8') <= MAX_CALLBACK_BYTES;

/** The short id of a long value: `~` and 128 bits of its SHA-256, base64url (23 bytes). */
export function shortIdOf(value: string): string {
  return SHORT_PREFIX + createHash('sha256').update(value, 'utf8').digest('base64url').slice(0, 22);
}

/** The `callback_data` for a button value, storing the value when it is too long to travel itself. */
export async function encodeCallback(value: string, store: TelegramStore, at: Date): Promise<string> {
  if (fits(value)) return value;
  const id = shortIdOf(value);
  await store.putCallbackValue(id, value, at);
  return id;
}

/** The engine value behind `callback_data`; undefined for a short id the table no longer has. */
export async function decodeCallback(data: string, store: TelegramStore): Promise<string | undefined> {
  if (!data.startsWith(SHORT_PREFIX)) return data;
  return (await store.callbackValue(data)) ?? undefined;
}
