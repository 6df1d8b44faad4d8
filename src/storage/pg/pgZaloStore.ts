/**
 * @module storage/pg/pgZaloStore
 *
 * The Zalo channel's state (core/stores/zalo.ts `ZaloStateStore`) on
 * PostgreSQL: the twin of storage/sqlite/zaloStore.ts for tokens, received
 * events and residents, with the same tables, rules and sealing (the tokens
 * are AES-256-GCM sealed by the process under the same associated data, so a
 * row copied from SQLite opens here). Each call is one `withCommune`
 * transaction; row-level security keeps each commune's rows to itself.
 *
 * Several processes share the database, and Zalo's refresh token is
 * single-use: `rotateRefreshToken` takes the token row with `SELECT … FOR
 * UPDATE`, re-reads the refresh token under that lock, and calls Zalo only if
 * it is still the one the caller saw. A second process waiting on the lock
 * then finds it rotated and takes the access token the first one stored,
 * instead of spending the new refresh token (which would lock the OA out of
 * every process but the last). The lock is held across the HTTP call on
 * purpose: that call is the critical section.
 *
 * Redelivered webhooks are recognised by the event id (`INSERT … ON
 * CONFLICT DO NOTHING`): of two processes receiving the same delivery, one
 * gets the row and handles the event.
 *
 * The outbox rows a turn writes are the shared outbox's (pgOutboxStore.ts);
 * `holdAll`, `counts`, `forget` and `prune` touch Zalo's rows of it as the
 * SQLite store does.
 */
import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { OutboxCounts } from '../../core/stores/outbox.js';
import type {
  ResidentState,
  RotatedTokens,
  TokenRotation,
  TokenState,
  ZaloStateStore,
} from '../../core/stores/zalo.js';
import { SecretOpenError, type SecretBox } from '../secretBox.js';
import type { PgDb } from './db.js';
import type { Database, ZaloTokensTable } from './schema.js';
import { runJobOnce } from './jobLock.js';
import { compiledOnce } from './compiledOnce.js';
import { oneTrip } from './oneTrip.js';
import { withCommune } from './tenant.js';

type TokenColumn = 'access_token' | 'refresh_token';

const date = (v: string | null | undefined): Date | undefined => (v ? new Date(v) : undefined);
/** How long a committed turn's view of its resident stands in for a read (`residentForSend`), and how many are kept. */
const RECENT_MS = 10_000;
const RECENT_MAX = 5_000;

const sha256 = (v: string): string => createHash('sha256').update(v, 'utf8').digest('hex');

/** A webhook delivery recorded once (PgZaloStore.receive); a row back when it is new. */
const recordEvent = compiledOnce(
  (db, a: { communeId: string; key: string; userId: string; event: string; at: string }) =>
    db
      .insertInto('zalo_events')
      .values({ commune_id: a.communeId, event_key: a.key, user_id: a.userId, event_json: a.event, received_at: a.at })
      .onConflict((oc) => oc.columns(['commune_id', 'event_key']).doNothing())
      .returning('event_key'),
);

/** PgZaloStore.turnWrites in one statement: the window moved, the event handled, held replies released. */
const zaloTurnWrites = compiledOnce(
  (_db, a: { communeId: string; userId: string; handledKey: string; interactionAt: string; at: string }) => sql`
    WITH touched AS (
      INSERT INTO zalo_residents (commune_id, user_id, last_interaction_at, inactive, updated_at)
      VALUES (${a.communeId}, ${a.userId}, ${a.interactionAt}, 0, ${a.at})
      ON CONFLICT (commune_id, user_id) DO UPDATE SET
        last_interaction_at = GREATEST(COALESCE(zalo_residents.last_interaction_at, ''), excluded.last_interaction_at),
        inactive = 0, inactive_reason = NULL, updated_at = excluded.updated_at),
    handled AS (
      UPDATE zalo_events SET handled_at = ${a.at}, event_json = NULL
       WHERE commune_id = ${a.communeId} AND event_key = ${a.handledKey} AND handled_at IS NULL)
    UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ${a.at}, reason = NULL
     WHERE commune_id = ${a.communeId} AND channel = 'zalo' AND user_id = ${a.userId} AND status = 'held'`,
);

export class PgZaloStore implements ZaloStateStore {
  /**
   * @param appId the Zalo app the tokens belong to (a fixed label for the Bot Platform, as on SQLite).
   * @param box seals the tokens (services.secrets): the same key as the SQLite file's, so copied rows open.
   */
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
    private readonly appId: string,
    private readonly box: SecretBox,
  ) {}

  private tx<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return withCommune(this.db, this.communeId, fn);
  }

  private context(column: TokenColumn): string {
    return `zalo_tokens:${this.communeId}:${this.appId}:${column}`;
  }

  private sealed(column: TokenColumn, value: string): string {
    return this.box.seal(value, this.context(column));
  }

  private async ensureTokenRow(trx: Transaction<Database>, at: Date): Promise<void> {
    await trx
      .insertInto('zalo_tokens')
      .values({ commune_id: this.communeId, app_id: this.appId, updated_at: at.toISOString() })
      .onConflict((oc) => oc.columns(['commune_id', 'app_id']).doNothing())
      .execute();
  }

  private tokenRow(trx: Transaction<Database>, lock: boolean): Promise<ZaloTokensTable | undefined> {
    const q = trx
      .selectFrom('zalo_tokens')
      .selectAll()
      .where('commune_id', '=', this.communeId)
      .where('app_id', '=', this.appId);
    return (lock ? q.forUpdate() : q).executeTakeFirst();
  }

  /** The row as the port shows it; a token sealed under another key reads as absent, with the reason. */
  private tokenState(r: ZaloTokensTable | undefined): TokenState {
    if (!r) return {};
    const unreadable: string[] = [];
    const open = (column: TokenColumn, v: string | null): string | undefined => {
      if (v === null) return undefined;
      try {
        return this.box.open(v, this.context(column));
      } catch (err) {
        if (!(err instanceof SecretOpenError)) throw err;
        unreadable.push(err.message);
        return undefined;
      }
    };
    return {
      accessToken: open('access_token', r.access_token),
      refreshToken: open('refresh_token', r.refresh_token),
      expiresAt: date(r.expires_at),
      refreshedAt: date(r.refreshed_at),
      lastError: unreadable[0] ?? r.last_error ?? undefined,
      lastErrorAt: unreadable.length > 0 ? undefined : date(r.last_error_at),
    };
  }

  async tokens(): Promise<TokenState> {
    return this.tokenState(await this.tx((trx) => this.tokenRow(trx, false)));
  }

  private async writeRefreshed(trx: Transaction<Database>, t: RotatedTokens, at: Date): Promise<void> {
    const iso = at.toISOString();
    await trx
      .updateTable('zalo_tokens')
      .set({
        access_token: this.sealed('access_token', t.accessToken),
        refresh_token: this.sealed('refresh_token', t.refreshToken),
        expires_at: t.expiresAt.toISOString(),
        refreshed_at: iso,
        last_error: null,
        last_error_at: null,
        updated_at: iso,
      })
      .where('commune_id', '=', this.communeId)
      .where('app_id', '=', this.appId)
      .execute();
  }

  async saveRefreshed(t: RotatedTokens, at: Date): Promise<void> {
    await this.tx(async (trx) => {
      await this.ensureTokenRow(trx, at);
      await this.writeRefreshed(trx, t, at);
    });
  }

  rotateRefreshToken(
    seen: string,
    refresh: (refreshToken: string) => Promise<RotatedTokens>,
    now: () => Date,
  ): Promise<TokenRotation> {
    return this.tx(async (trx) => {
      // Waits here while another process holds the row (its refresh in flight), then reads what it stored.
      const current = this.tokenState(await this.tokenRow(trx, true));
      if (current.refreshToken !== seen) return { rotated: false, tokens: current };
      const fresh = await refresh(seen);
      const at = now();
      await this.writeRefreshed(trx, fresh, at);
      return { rotated: true, tokens: this.tokenState(await this.tokenRow(trx, false)) };
    });
  }

  async setRefreshToken(token: string, at: Date): Promise<void> {
    await this.tx(async (trx) => {
      await this.ensureTokenRow(trx, at);
      await trx
        .updateTable('zalo_tokens')
        .set({
          refresh_token: this.sealed('refresh_token', token),
          last_error: null,
          last_error_at: null,
          updated_at: at.toISOString(),
        })
        .where('commune_id', '=', this.communeId)
        .where('app_id', '=', this.appId)
        .execute();
    });
  }

  seedRefreshToken(token: string, at: Date): Promise<boolean> {
    return this.tx(async (trx) => {
      await this.ensureTokenRow(trx, at);
      // Locked: two processes starting together seed once, and never over a token one of them already rotated.
      const row = await this.tokenRow(trx, true);
      const hash = sha256(token);
      if (row?.env_seed_hash === hash) return false;
      await trx
        .updateTable('zalo_tokens')
        .set({ refresh_token: this.sealed('refresh_token', token), env_seed_hash: hash, updated_at: at.toISOString() })
        .where('commune_id', '=', this.communeId)
        .where('app_id', '=', this.appId)
        .execute();
      return true;
    });
  }

  async recordTokenError(message: string | undefined, at: Date): Promise<void> {
    const iso = at.toISOString();
    await this.tx(async (trx) => {
      await this.ensureTokenRow(trx, at);
      await trx
        .updateTable('zalo_tokens')
        .set({ last_error: message ?? null, last_error_at: message ? iso : null, updated_at: iso })
        .where('commune_id', '=', this.communeId)
        .where('app_id', '=', this.appId)
        .execute();
    });
  }

  async receive(key: string, userId: string, event: string, at: Date): Promise<boolean> {
    // One statement, one round trip (oneTrip.ts): every webhook delivery is recorded before it is acknowledged.
    const { rows } = await oneTrip(
      this.db,
      this.communeId,
      recordEvent({ communeId: this.communeId, key, userId, event, at: at.toISOString() }),
    );
    return rows.length > 0;
  }

  async unhandled(limit: number): Promise<{ key: string; userId: string; event: string }[]> {
    const rows = await this.tx((trx) =>
      trx
        .selectFrom('zalo_events')
        .select(['event_key', 'user_id', 'event_json'])
        .where('commune_id', '=', this.communeId)
        .where('handled_at', 'is', null)
        .orderBy('received_at')
        .orderBy('event_key')
        .limit(limit)
        .execute(),
    );
    return rows.map((r) => ({ key: r.event_key, userId: r.user_id, event: r.event_json ?? '' }));
  }

  /** Unhandled events recorded before `before` (another process left them), oldest first. */
  async unhandledBefore(before: Date, limit: number): Promise<{ key: string; event: string }[]> {
    const rows = await this.tx((trx) =>
      trx
        .selectFrom('zalo_events')
        .select(['event_key', 'event_json'])
        .where('commune_id', '=', this.communeId)
        .where('handled_at', 'is', null)
        .where('received_at', '<', before.toISOString())
        .orderBy('received_at')
        .orderBy('event_key')
        .limit(limit)
        .execute(),
    );
    return rows.map((r) => ({ key: r.event_key, event: r.event_json ?? '' }));
  }

  async markHandled(key: string, at: Date): Promise<void> {
    await this.tx((trx) =>
      trx
        .updateTable('zalo_events')
        .set({ handled_at: at.toISOString(), event_json: null })
        .where('commune_id', '=', this.communeId)
        .where('event_key', '=', key)
        .where('handled_at', 'is', null)
        .execute(),
    );
  }

  /** Every write above has committed by the time its promise resolved. */
  durable(): Promise<void> {
    return Promise.resolve();
  }

  private async touchIn(trx: Transaction<Database>, userId: string, interactionAt: Date, at: Date): Promise<void> {
    const iso = at.toISOString();
    await trx
      .insertInto('zalo_residents')
      .values({
        commune_id: this.communeId,
        user_id: userId,
        last_interaction_at: interactionAt.toISOString(),
        inactive: 0,
        updated_at: iso,
      })
      .onConflict((oc) =>
        oc.columns(['commune_id', 'user_id']).doUpdateSet({
          // The window moves forward, never back (a late redelivery of an old message).
          last_interaction_at: sql<string>`GREATEST(COALESCE(zalo_residents.last_interaction_at, ''), excluded.last_interaction_at)`,
          inactive: 0,
          inactive_reason: null,
          updated_at: (eb) => eb.ref('excluded.updated_at'),
        }),
      )
      .execute();
  }

  async touch(userId: string, at: Date): Promise<void> {
    await this.tx((trx) => this.touchIn(trx, userId, at, at));
  }

  /**
   * A turn's own writes, in the turn's transaction (storage/pg/pgTurnRunner.ts
   * `alongside`), as the SQLite store's `enqueue` with nothing to queue: the
   * resident's window moves to `interactionAt`, their held replies go back to
   * pending (their ids are older than the turn's replies, so they go out
   * first) and the event is marked handled. Returns how many were released.
   */
  async turnWrites(
    trx: Transaction<Database>,
    w: { readonly userId: string; readonly handledKey: string; readonly interactionAt: Date; readonly at: Date },
  ): Promise<number> {
    const iso = w.at.toISOString();
    // One statement (issue 20: a round trip each was two more per Zalo message); the window's upsert
    // is touchIn's.
    const r = await trx.executeQuery(
      zaloTurnWrites({
        communeId: this.communeId,
        userId: w.userId,
        handledKey: w.handledKey,
        interactionAt: w.interactionAt.toISOString(),
        at: iso,
      }),
    );
    return Number(r.numAffectedRows ?? 0);
  }

  /**
   * What this process last saw of a resident when its turn committed (their
   * window just moved, they are active), for the sender's window check:
   * `residentForSend` answers from it for a few seconds instead of a
   * transaction per reply. Another process marking them inactive meanwhile
   * costs one refused send (held then, as if unknown).
   */
  private readonly recent = new Map<string, { readonly lastInteractionAt: Date; readonly seenAt: number }>();

  /** Notes a committed turn's interaction (pgDelivery.ts, after the commit). */
  noteTurn(userId: string, interactionAt: Date, at: Date): void {
    if (this.recent.size >= RECENT_MAX) {
      for (const [k, v] of this.recent) if (at.getTime() - v.seenAt > RECENT_MS) this.recent.delete(k);
      if (this.recent.size >= RECENT_MAX) this.recent.clear();
    }
    this.recent.set(userId, { lastInteractionAt: interactionAt, seenAt: at.getTime() });
  }

  /** The resident as the sender's window check needs them: from a turn just committed here, else read. */
  async residentForSend(userId: string, now: Date): Promise<ResidentState | undefined> {
    const seen = this.recent.get(userId);
    if (seen && now.getTime() - seen.seenAt <= RECENT_MS && now.getTime() >= seen.seenAt)
      return { lastInteractionAt: seen.lastInteractionAt, inactive: false };
    return this.resident(userId);
  }

  async markInactive(userId: string, reason: string, at: Date): Promise<void> {
    this.recent.delete(userId);
    const iso = at.toISOString();
    await this.tx((trx) =>
      trx
        .insertInto('zalo_residents')
        .values({ commune_id: this.communeId, user_id: userId, inactive: 1, inactive_reason: reason, updated_at: iso })
        .onConflict((oc) =>
          oc.columns(['commune_id', 'user_id']).doUpdateSet({ inactive: 1, inactive_reason: reason, updated_at: iso }),
        )
        .execute(),
    );
  }

  async resident(userId: string): Promise<ResidentState | undefined> {
    const r = await this.tx((trx) =>
      trx
        .selectFrom('zalo_residents')
        .select(['last_interaction_at', 'inactive'])
        .where('commune_id', '=', this.communeId)
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    );
    return r ? { lastInteractionAt: date(r.last_interaction_at), inactive: r.inactive === 1 } : undefined;
  }

  async inactiveResidents(): Promise<number> {
    const r = await this.tx((trx) =>
      trx
        .selectFrom('zalo_residents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('commune_id', '=', this.communeId)
        .where('inactive', '=', 1)
        .executeTakeFirstOrThrow(),
    );
    return r.n;
  }

  async forget(userId: string): Promise<void> {
    const { communeId } = this;
    await this.tx(async (trx) => {
      await trx
        .deleteFrom('zalo_residents')
        .where('commune_id', '=', communeId)
        .where('user_id', '=', userId)
        .execute();
      // A message's key (msg:<id>) names no one and still recognises a redelivery; other keys carry the user id.
      await trx
        .updateTable('zalo_events')
        .set({ user_id: '', event_json: null })
        .where('commune_id', '=', communeId)
        .where('user_id', '=', userId)
        .where('handled_at', 'is not', null)
        .where('event_key', 'like', 'msg:%')
        .execute();
      await trx
        .deleteFrom('zalo_events')
        .where('commune_id', '=', communeId)
        .where('user_id', '=', userId)
        .where('handled_at', 'is not', null)
        .execute();
      await trx
        .deleteFrom('outbox')
        .where('commune_id', '=', communeId)
        .where('channel', '=', 'zalo')
        .where('user_id', '=', userId)
        .where('status', 'in', ['sent', 'failed'])
        .execute();
    });
  }

  async holdAll(userId: string, reason: string, at: Date): Promise<void> {
    await this.tx((trx) =>
      trx
        .updateTable('outbox')
        .set({ status: 'held', reason, next_attempt_at: at.toISOString(), sending_at: null })
        .where('commune_id', '=', this.communeId)
        .where('channel', '=', 'zalo')
        .where('user_id', '=', userId)
        .where('status', '=', 'pending')
        .execute(),
    );
  }

  async counts(): Promise<OutboxCounts> {
    const rows = await this.tx((trx) =>
      trx
        .selectFrom('outbox')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('commune_id', '=', this.communeId)
        .where('channel', '=', 'zalo')
        .groupBy('status')
        .execute(),
    );
    const of = (s: string): number => rows.find((r) => r.status === s)?.n ?? 0;
    return { pending: of('pending'), held: of('held'), failed: of('failed'), sent: of('sent') };
  }

  /**
   * Every process's channel runs this on its timer: one job per commune and
   * app at a time (jobLock.ts), the others skip (all zero) that round.
   */
  async prune(before: Date): Promise<{ events: number; sent: number; failed: number }> {
    const iso = before.toISOString();
    const { communeId } = this;
    const run = await runJobOnce(this.db, communeId, `zalo-prune:${this.appId}`, async (trx) => {
      const events = await trx
        .deleteFrom('zalo_events')
        .where('commune_id', '=', communeId)
        .where('handled_at', 'is not', null)
        .where('received_at', '<', iso)
        .executeTakeFirst();
      const sent = await trx
        .deleteFrom('outbox')
        .where('commune_id', '=', communeId)
        .where('channel', '=', 'zalo')
        .where('status', '=', 'sent')
        .where('sent_at', '<', iso)
        .executeTakeFirst();
      const failed = await trx
        .deleteFrom('outbox')
        .where('commune_id', '=', communeId)
        .where('channel', '=', 'zalo')
        .where('status', '=', 'failed')
        .where('next_attempt_at', '<', iso)
        .executeTakeFirst();
      return {
        events: Number(events.numDeletedRows),
        sent: Number(sent.numDeletedRows),
        failed: Number(failed.numDeletedRows),
      };
    });
    return run.ran ? run.result : { events: 0, sent: 0, failed: 0 };
  }
}
