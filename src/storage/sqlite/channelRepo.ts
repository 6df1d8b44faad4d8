/**
 * @module storage/sqlite/channelRepo
 *
 * The `channels` table (migration 022). Secrets are stored as one JSON object
 * sealed with secretBox under `channels:<commune>:<kind>:<public key>`, so a
 * sealed value copied onto another row does not open, and the database file
 * holds no plaintext token. The box is asked for only when a secret is sealed
 * or opened, so listing or disabling channels never creates a key file.
 */
import { createHash, randomBytes } from 'node:crypto';
import type {
  AddChannelResult,
  ChannelDirectory,
  ChannelKeyring,
  ChannelKind,
  ChannelRow,
  ChannelSecrets,
  KeyedChannel,
} from '../../core/stores/channels.js';
import type { SecretBox } from '../secretBox.js';
import type { Db } from './db.js';

/** 24 random bytes: 192 bits, 32 URL-safe characters. */
const KEY_BYTES = 24;

/** A fresh public key: random, URL-safe, well over 128 bits. */
export function newPublicKey(): string {
  return randomBytes(KEY_BYTES).toString('base64url');
}

/** A fresh webhook secret in the alphabet Telegram's `secret_token` accepts (256 bits). */
export function newWebhookSecret(): string {
  return randomBytes(32).toString('base64url');
}

interface Row {
  id: number;
  commune_id: string;
  kind: ChannelKind;
  public_key: string;
  secrets: string;
  enabled: number;
  created_at: string;
}

const COLUMNS = 'id, commune_id, kind, public_key, enabled, created_at';

const context = (communeId: string, kind: ChannelKind, publicKey: string): string =>
  `channels:${communeId}:${kind}:${publicKey}`;

function toRow(r: Omit<Row, 'secrets'>): ChannelRow {
  return {
    id: r.id,
    communeId: r.commune_id,
    kind: r.kind,
    publicKey: r.public_key,
    enabled: r.enabled === 1,
    createdAt: new Date(r.created_at),
  };
}

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
    return (rows as Omit<Row, 'secrets'>[]).map(toRow);
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
    const row = toRow(r);
    const sealed = r.secrets;
    return {
      row,
      stamp: createHash('sha256').update(sealed, 'utf8').digest('base64url'),
      secrets: () => {
        const plain = this.box().open(sealed, context(row.communeId, row.kind, row.publicKey));
        const parsed = JSON.parse(plain) as ChannelSecrets;
        if (parsed.kind !== row.kind) throw new Error(`channel ${row.id}: sealed secrets are for another kind`);
        return parsed;
      },
    };
  }
}
