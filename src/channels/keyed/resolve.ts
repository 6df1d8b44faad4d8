/**
 * @module channels/keyed/resolve
 *
 * What the per-row webhooks (`/webhooks/<kind>/:key`) share: finding the
 * enabled row of a key and what runs its commune's turns (the services on
 * SQLite, the PgCommune on PostgreSQL). An unknown key, a
 * disabled row, a commune this process does not serve, and a commune whose
 * channel of that kind is still configured in the environment (the old path,
 * which owns that commune's queue of replies) all get the same 404 with no
 * hint, so a prober learns nothing about which keys exist.
 */
import type { ChannelKeyring, ChannelKind, KeyedChannel } from '../../core/stores/channels.js';
import type { RawReply } from '../../http/rawRoute.js';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services.js';

export const NOT_FOUND: RawReply = { status: 404, json: { ok: false, error: 'not_found' } };

export interface KeyedDeps<C = Services> {
  readonly keyring: ChannelKeyring;
  /**
   * What runs a commune's turns in this process (its `Services` on SQLite,
   * its `PgCommune` on PostgreSQL); undefined for a commune not served here.
   */
  readonly communes: (communeId: string) => C | undefined;
  /** Whether the channel configured in the environment already serves (commune, kind) at the old path. */
  readonly reserved: (communeId: string, kind: ChannelKind) => boolean;
  readonly logger: Logger;
}

export interface Resolved<C = Services> {
  readonly channel: KeyedChannel;
  readonly commune: C;
}

/** A resolver for one kind; it warns once per row that cannot be served here, never naming the key. */
export function keyResolver<C>(
  deps: KeyedDeps<C>,
  kind: ChannelKind,
): (key: string | undefined) => Promise<Resolved<C> | undefined> {
  const warned = new Set<number>();
  return async (key) => {
    if (key === undefined || !/^[A-Za-z0-9_-]{1,128}$/.test(key)) return undefined;
    const channel = await deps.keyring.find(kind, key);
    if (!channel) return undefined;
    const { communeId, id } = channel.row;
    const commune = deps.reserved(communeId, kind) ? undefined : deps.communes(communeId);
    if (commune === undefined) {
      if (!warned.has(id)) {
        warned.add(id);
        deps.logger.warn(
          { channel: kind, row: id, commune: communeId },
          deps.reserved(communeId, kind)
            ? 'kênh dạng hàng bị bỏ qua: xã này đã có kênh cùng loại cấu hình trong .env'
            : 'kênh dạng hàng bị bỏ qua: tiến trình này không phục vụ xã của kênh',
        );
      }
      return undefined;
    }
    return { channel, commune };
  };
}
