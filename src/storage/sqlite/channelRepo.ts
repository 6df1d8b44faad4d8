/**
 * @module storage/sqlite/channelRepo
 *
 * The `channels` table (migration 022). Secrets are stored as one JSON object
 * sealed with secretBox under `channels:<commune>:<kind>:<public key>`, so a
 * sealed value copied onto another row does not open, and the database file
 * holds no plaintext token. The box is asked for only when a secret is sealed
 * or opened, so listing or disabling channels never creates a key file.
 */
import type {
  AddChannelResult,
  ChannelDirectory,
  ChannelKeyring,
  ChannelKind,
  ChannelRow,
  ChannelSecrets,
  KeyedChannel,
} from '../../core/stores/channels.js';
import {
  channelRowOf,
  channelSecretContext as context,
  keyedChannelOf,
  newPublicKey,
  type StoredChannelRow,
} from '../channelRowForms.js';
import type { SecretBox } from '../secretBox.js';
import type { Db } from './db.js';

export { newPublicKey, newWebhookSecret } from '../channelRowForms.js';

type Row = StoredChannelRow & { secrets: string };

const COLUMNS = 'id, commune_id, kind, public_key, enabled, created_at';

export class SqliteChannelRepo implements ChannelDirectory, ChannelKeyring {
  /** `box` is called at the first seal or open (services.secrets makes the key file then). */
  constructor(
    private readonly db: Db,
    private readonly box: () => SecretBox,
  ) {}

  add(communeId: string, secrets: ChannelSecrets, now: Date): AddChannelResult {
    return this.db.transaction((): AddChannelResult => {
      const commune = this.db.prepare('SELECT 1 AS x FROM communes WHERE id = ?').get(communeId);
      if (!commune) return { ok: false, reason: 'unknown_commune' };
      const taken = this.db
        .prepare('SELECT 1 AS x FROM channels WHERE commune_id = ? AND kind = ? AND enabled = 1')
        .get(communeId, secrets.kind);
      if (taken) return { ok: false, reason: 'already_enabled' };
      const publicKey = newPublicKey();
      const sealed = this.box().seal(JSON.stringify(secrets), context(communeId, secrets.kind, publicKey));
      const info = this.db
        .prepare(
          `INSERT INTO channels (commune_id, kind, public_key, secrets, enabled, created_at)
           VALUES (?, ?, ?, ?, 1, ?)`,
        )
        .run(communeId, secrets.kind, publicKey, sealed, now.toISOString());
      return {
        ok: true,
        row: {
          id: Number(info.lastInsertRowid),
          communeId,
          kind: secrets.kind,
          publicKey,
          enabled: true,
          createdAt: now,
        },
      };
    })();
  }

  list(communeId?: string): readonly ChannelRow[] {
    const rows =
      communeId === undefined
        ? this.db.prepare(`SELECT ${COLUMNS} FROM channels ORDER BY id`).all()
        : this.db.prepare(`SELECT ${COLUMNS} FROM channels WHERE commune_id = ? ORDER BY id`).all(communeId);
    return (rows as StoredChannelRow[]).map(channelRowOf);
  }

  disable(publicKey: string, now: Date): boolean {
    const info = this.db
      .prepare('UPDATE channels SET enabled = 0, disabled_at = ? WHERE public_key = ? AND enabled = 1')
      .run(now.toISOString(), publicKey);
    return info.changes > 0;
  }

  find(kind: ChannelKind, publicKey: string): KeyedChannel | undefined {
    const r = this.db
      .prepare(`SELECT ${COLUMNS}, secrets FROM channels WHERE public_key = ? AND kind = ? AND enabled = 1`)
      .get(publicKey, kind) as Row | undefined;
    return r ? this.keyed(r) : undefined;
  }

  enabled(kind: ChannelKind): readonly KeyedChannel[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS}, secrets FROM channels WHERE kind = ? AND enabled = 1 ORDER BY id`)
      .all(kind) as Row[];
    return rows.map((r) => this.keyed(r));
  }

  private keyed(r: Row): KeyedChannel {
    return keyedChannelOf(r, this.box);
  }
}
