/**
 * @module channels/keyed/cachedKeyring
 *
 * A key's row, remembered for a few seconds. On PostgreSQL each webhook call
 * would otherwise read the `channels` table (through `channel_by_key`) before
 * anything else, and Telegram sends a bot's updates one after another; a
 * short expiry keeps that to one read per key every few seconds while a row
 * added, disabled or re-sealed (`cli channel add|disable`) is still seen by
 * every process within that expiry, without a restart. A miss is remembered
 * too (a prober's random keys cost one read each per expiry, not one per
 * call), and the memory is bounded: past `maxKeys` the whole map starts
 * afresh. `enabled` (start-up, the minute's rescan) always reads the table.
 */
import type { Clock } from '../../core/ports.js';
import type { ChannelKeyring, ChannelKind, KeyedChannel } from '../../core/stores/channels.js';

/** How long a key's answer is reused: the time a change to a row takes to reach every process. */
export const KEY_CACHE_MS = 5_000;
const MAX_KEYS = 1_000;

interface Cached {
  readonly at: number;
  readonly found: Promise<KeyedChannel | undefined>;
}

export function cachedKeyring(
  inner: ChannelKeyring,
  clock: Clock,
  options: { readonly ttlMs?: number; readonly maxKeys?: number } = {},
): ChannelKeyring {
  const ttl = options.ttlMs ?? KEY_CACHE_MS;
  const max = options.maxKeys ?? MAX_KEYS;
  const cache = new Map<string, Cached>();
  return {
    find(kind: ChannelKind, publicKey: string) {
      const key = `${kind}:${publicKey}`;
      const now = clock.now().getTime();
      const hit = cache.get(key);
      if (hit && now - hit.at < ttl) return hit.found;
      if (cache.size >= max) cache.clear();
      // The promise is shared, so calls arriving together make one read; a failed read is not remembered.
      const found = Promise.resolve(inner.find(kind, publicKey));
      cache.set(key, { at: now, found });
      found.catch(() => {
        if (cache.get(key)?.found === found) cache.delete(key);
      });
      return found;
    },
    enabled: (kind) => inner.enabled(kind),
  };
}
