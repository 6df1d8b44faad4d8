/**
 * @module storage/pg/pgChannelRepo
 *
 * The `channels` table on PostgreSQL: the twin of storage/sqlite/
 * channelRepo.ts, with the same sealing (one JSON object of secrets, AES-256-
 * GCM under `channels:<commune>:<kind>:<public key>`; the key never reaches
 * the database, so a `pg_dump` holds no usable token).
 *
 * Row-level security shows a transaction only its commune's rows, so:
 * - what names its commune (add, a commune's list) runs in `withCommune`;
 * - a webhook's key, which arrives before its commune is known, is looked up
 *   through `channel_by_key` (migration 024, SECURITY DEFINER: one row for
 *   one key, nothing else), and `disable` finds the key's commune the same
 *   way before it updates the row inside that commune's transaction;
 * - "every channel" (`enabled(kind)`, `list()` with no commune) means every
 *   channel of the communes this process serves (`communes`), read commune
 *   by commune: the app role cannot list another commune's channels.
 */
import { sql } from 'kysely';
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
  channelSecretContext,
  keyedChannelOf,
  newPublicKey,
  type StoredChannelRow,
} from '../channelRowForms.js';
import type { SecretBox } from '../secretBox.js';
import type { PgDb } from './db.js';
import { withCommune } from './tenant.js';

type Row = StoredChannelRow & { secrets: string };

const COLUMNS = ['id', 'commune_id', 'kind', 'public_key', 'enabled', 'created_at'] as const;

/** PostgreSQL's unique_violation: a second enabled channel of one kind raced this one in. */
const UNIQUE_VIOLATION = '23505';

export class PgChannelRepo implements ChannelDirectory, ChannelKeyring {
  /**
   * @param box called at the first seal or open (services.secrets makes the key file then).
   * @param communes the communes this process serves: what "every channel" covers.
   */
  constructor(
    private readonly db: PgDb,
    private readonly box: () => SecretBox,
    private readonly communes: () => readonly string[],
  ) {}

  async add(communeId: string, secrets: ChannelSecrets, now: Date): Promise<AddChannelResult> {
    try {
      return await withCommune(this.db, communeId, async (trx): Promise<AddChannelResult> => {
        const commune = await trx.selectFrom('communes').select('id').where('id', '=', communeId).executeTakeFirst();
        if (!commune) return { ok: false, reason: 'unknown_commune' };
        const taken = await trx
          .selectFrom('channels')
          .select('id')
          .where('commune_id', '=', communeId)
          .where('kind', '=', secrets.kind)
          .where('enabled', '=', 1)
          .executeTakeFirst();
        if (taken) return { ok: false, reason: 'already_enabled' };
        const publicKey = newPublicKey();
        const sealed = this.box().seal(
          JSON.stringify(secrets),
          channelSecretContext(communeId, secrets.kind, publicKey),
        );
        const row = await trx
          .insertInto('channels')
          .values({
            commune_id: communeId,
            kind: secrets.kind,
            public_key: publicKey,
            secrets: sealed,
            enabled: 1,
            created_at: now.toISOString(),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return {
          ok: true,
          row: { id: row.id, communeId, kind: secrets.kind, publicKey, enabled: true, createdAt: now },
        };
      });
    } catch (err) {
      if ((err as { code?: unknown }).code === UNIQUE_VIOLATION) return { ok: false, reason: 'already_enabled' };
      throw err;
    }
  }

  private async rowsOf(communeId: string, kind?: ChannelKind): Promise<Row[]> {
    return withCommune(this.db, communeId, (trx) => {
      let q = trx
        .selectFrom('channels')
        .select([...COLUMNS, 'secrets'])
        .where('commune_id', '=', communeId);
      if (kind !== undefined) q = q.where('kind', '=', kind).where('enabled', '=', 1);
      return q.orderBy('id').execute();
    });
  }

  /** The rows of `communes`, oldest first across them. */
  private async rowsAcross(communes: readonly string[], kind?: ChannelKind): Promise<Row[]> {
    const all: Row[] = [];
    for (const communeId of new Set(communes)) all.push(...(await this.rowsOf(communeId, kind)));
    return all.sort((a, b) => a.id - b.id);
  }

  async list(communeId?: string): Promise<readonly ChannelRow[]> {
    const rows = await this.rowsAcross(communeId === undefined ? this.communes() : [communeId]);
    return rows.map(channelRowOf);
  }

  /** The row of a key whatever its commune (migration 024's function); undefined for an unknown key. */
  private async byKey(publicKey: string): Promise<Row | undefined> {
    const { rows } = await sql<Row>`
      SELECT id, commune_id, kind, public_key, enabled, created_at, secrets
        FROM channel_by_key(${publicKey})`.execute(this.db);
    return rows[0];
  }

  async disable(publicKey: string, now: Date): Promise<boolean> {
    const found = await this.byKey(publicKey);
    if (!found || found.enabled !== 1) return false;
    const r = await withCommune(this.db, found.commune_id, (trx) =>
      trx
        .updateTable('channels')
        .set({ enabled: 0, disabled_at: now.toISOString() })
        .where('commune_id', '=', found.commune_id)
        .where('public_key', '=', publicKey)
        .where('enabled', '=', 1)
        .executeTakeFirst(),
    );
    return Number(r.numUpdatedRows) > 0;
  }

  async find(kind: ChannelKind, publicKey: string): Promise<KeyedChannel | undefined> {
    const r = await this.byKey(publicKey);
    return r && r.kind === kind && r.enabled === 1 ? keyedChannelOf(r, this.box) : undefined;
  }

  async enabled(kind: ChannelKind): Promise<readonly KeyedChannel[]> {
    const rows = await this.rowsAcross(this.communes(), kind);
    return rows.map((r) => keyedChannelOf(r, this.box));
  }
}
