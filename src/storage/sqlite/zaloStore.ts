/**
 * @module storage/sqlite/zaloStore
 *
 * The Zalo channel's state in the commune's SQLite file (tables of migration
 * 004). Statements are prepared once: the webhook records every event before
 * it answers, so this sits on the path Zalo times out after ~2 s. Writes that
 * must not be separated (a refresh's two tokens; queued replies and the
 * event that produced them) share one transaction.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { OutboxCounts } from '../../core/stores/outbox.js';
import type {
  OutboundMessage,
  ResidentState,
  RotatedTokens,
  TokenRotation,
  TokenState,
  ZaloStore,
} from '../../core/stores/zalo.js';
import { SecretOpenError, type SecretBox } from '../secretBox.js';
import { secretBoxFor } from '../secretKey.js';
import type { Db } from './db.js';
import { SqliteOutboxStore } from './outboxStore.js';
import type { WriteScope } from './writeScope.js';

interface TokenRow {
  access_token: string | null;
  refresh_token: string | null;
  expires_at: string | null;
  refreshed_at: string | null;
  env_seed_hash: string | null;
  last_error: string | null;
  last_error_at: string | null;
}

const date = (v: string | null | undefined): Date | undefined => (v ? new Date(v) : undefined);
const sha256 = (v: string): string => createHash('sha256').update(v, 'utf8').digest('hex');

const SQL = {
  tokens: `SELECT access_token, refresh_token, expires_at, refreshed_at, env_seed_hash, last_error, last_error_at
         FROM zalo_tokens WHERE commune_id = ? AND app_id = ?`,
  ensureTokens: `INSERT OR IGNORE INTO zalo_tokens (commune_id, app_id, updated_at) VALUES (?, ?, ?)`,
  saveRefreshed: `UPDATE zalo_tokens SET access_token = ?, refresh_token = ?, expires_at = ?, refreshed_at = ?,
           last_error = NULL, last_error_at = NULL, updated_at = ? WHERE commune_id = ? AND app_id = ?`,
  setRefresh: `UPDATE zalo_tokens SET refresh_token = ?, last_error = NULL, last_error_at = NULL, updated_at = ?
         WHERE commune_id = ? AND app_id = ?`,
  setSeed: `UPDATE zalo_tokens SET refresh_token = ?, env_seed_hash = ?, updated_at = ? WHERE commune_id = ? AND app_id = ?`,
  resealTokens: `UPDATE zalo_tokens SET access_token = ?, refresh_token = ? WHERE commune_id = ? AND app_id = ?`,
  tokenError: `UPDATE zalo_tokens SET last_error = ?, last_error_at = ?, updated_at = ? WHERE commune_id = ? AND app_id = ?`,
  receive: `INSERT OR IGNORE INTO zalo_events (commune_id, event_key, user_id, event_json, received_at) VALUES (?, ?, ?, ?, ?)`,
  unhandled: `SELECT event_key, user_id, event_json FROM zalo_events
         WHERE commune_id = ? AND handled_at IS NULL ORDER BY received_at, rowid LIMIT ?`,
  handled: `UPDATE zalo_events SET handled_at = ?, event_json = NULL WHERE commune_id = ? AND event_key = ? AND handled_at IS NULL`,
  touch: `INSERT INTO zalo_residents (commune_id, user_id, last_interaction_at, inactive, updated_at) VALUES (?, ?, ?, 0, ?)
         ON CONFLICT (commune_id, user_id) DO UPDATE SET
           last_interaction_at = MAX(COALESCE(last_interaction_at, ''), excluded.last_interaction_at),
           inactive = 0, inactive_reason = NULL, updated_at = excluded.updated_at`,
  inactive: `INSERT INTO zalo_residents (commune_id, user_id, inactive, inactive_reason, updated_at) VALUES (?, ?, 1, ?, ?)
         ON CONFLICT (commune_id, user_id) DO UPDATE SET inactive = 1, inactive_reason = excluded.inactive_reason,
           updated_at = excluded.updated_at`,
  resident: `SELECT last_interaction_at, inactive FROM zalo_residents WHERE commune_id = ? AND user_id = ?`,
  inactiveCount: `SELECT COUNT(*) AS n FROM zalo_residents WHERE commune_id = ? AND inactive = 1`,
  forgetResident: `DELETE FROM zalo_residents WHERE commune_id = ? AND user_id = ?`,
  // A message's key (msg:<id>) names no one and still recognises a redelivery; other keys carry the user id.
  forgetMessages: `UPDATE zalo_events SET user_id = '', event_json = NULL
         WHERE commune_id = ? AND user_id = ? AND handled_at IS NOT NULL AND event_key LIKE 'msg:%'`,
  forgetOther: `DELETE FROM zalo_events WHERE commune_id = ? AND user_id = ? AND handled_at IS NOT NULL`,
  pruneSent: `DELETE FROM outbox WHERE commune_id = ? AND channel = 'zalo' AND status = 'sent' AND sent_at < ?`,
  pruneFailed: `DELETE FROM outbox WHERE commune_id = ? AND channel = 'zalo' AND status = 'failed' AND next_attempt_at < ?`,
  pruneEvents: `DELETE FROM zalo_events WHERE commune_id = ? AND handled_at IS NOT NULL AND received_at < ?`,
} as const;

type StatementName = keyof typeof SQL;

export class SqliteZaloStore implements ZaloStore {
  private readonly st: Record<StatementName, Database.Statement>;
  /** Zalo's rows of the shared outbox. */
  readonly outbox: SqliteOutboxStore<OutboundMessage>;

  /**
   * @param appId the Zalo app the tokens belong to (one commune may later run
   *   several OAs); use a fixed label for the Bot Platform, which has no tokens.
   * @param box seals the tokens at rest (storage/secretBox.ts); by default
   *   with the key file beside the database (storage/secretKey.ts).
   */
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
    private readonly appId: string,
    private readonly writes?: WriteScope,
    box?: SecretBox,
  ) {
    this.box = box ?? secretBoxFor({ DATABASE_PATH: db.name });
    this.outbox = new SqliteOutboxStore<OutboundMessage>(db, communeId, 'zalo', writes);
    this.st = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)])) as Record<
      StatementName,
      Database.Statement
    >;
    this.resealPlainTokens();
  }

  private readonly box: SecretBox;

  private context(column: 'access_token' | 'refresh_token'): string {
    return `zalo_tokens:${this.communeId}:${this.appId}:${column}`;
  }

  private sealed(column: 'access_token' | 'refresh_token', value: string): string {
    return this.box.seal(value, this.context(column));
  }

  private opened(column: 'access_token' | 'refresh_token', value: string | null): string | undefined {
    return value === null ? undefined : this.box.open(value, this.context(column));
  }

  /** Tokens written before sealing existed are sealed now, so no plain token stays in the file. */
  private resealPlainTokens(): void {
    // One transaction: a refresh or `cli zalo set-token` in another process cannot land between read and write.
    this.db.transaction(() => this.resealNow())();
  }

  private resealNow(): void {
    const r = this.st.tokens.get(this.communeId, this.appId) as TokenRow | undefined;
    if (!r) return;
    const plain = (v: string | null): boolean => v !== null && !this.box.isSealed(v);
    if (!plain(r.access_token) && !plain(r.refresh_token)) return;
    const reseal = (column: 'access_token' | 'refresh_token', v: string | null): string | null =>
      v === null || this.box.isSealed(v) ? v : this.sealed(column, v);
    this.st.resealTokens.run(
      reseal('access_token', r.access_token),
      reseal('refresh_token', r.refresh_token),
      this.communeId,
      this.appId,
    );
  }

  private ensureTokenRow(at: Date): void {
    this.st.ensureTokens.run(this.communeId, this.appId, at.toISOString());
  }

  tokens(): TokenState {
    const r = this.st.tokens.get(this.communeId, this.appId) as TokenRow | undefined;
    if (!r) return {};
    const unreadable: string[] = [];
    const open = (column: 'access_token' | 'refresh_token', v: string | null): string | undefined => {
      try {
        return this.opened(column, v);
      } catch (err) {
        if (!(err instanceof SecretOpenError)) throw err;
        unreadable.push(err.message);
        return undefined;
      }
    };
    const accessToken = open('access_token', r.access_token);
    const refreshToken = open('refresh_token', r.refresh_token);
    // A token sealed under another key (the key file was lost or replaced) reads as absent: the service
    // then asks staff for a new refresh token (cli zalo set-token), and status says why.
    const lastError = unreadable[0] ?? r.last_error ?? undefined;
    return {
      accessToken,
      refreshToken,
      expiresAt: date(r.expires_at),
      refreshedAt: date(r.refreshed_at),
      lastError,
      lastErrorAt: unreadable.length > 0 ? undefined : date(r.last_error_at),
    };
  }

  saveRefreshed(t: RotatedTokens, at: Date): void {
    this.db.transaction(() => {
      this.ensureTokenRow(at);
      const iso = at.toISOString();
      this.st.saveRefreshed.run(
        this.sealed('access_token', t.accessToken),
        this.sealed('refresh_token', t.refreshToken),
        t.expiresAt.toISOString(),
        iso,
        iso,
        this.communeId,
        this.appId,
      );
    })();
  }

  /**
   * One process serves a SQLite file, and its TokenManager already lets one
   * refresh run at a time; the re-read still catches a token rotated by
   * another process on the same file (a second `serve` by mistake).
   */
  async rotateRefreshToken(
    seen: string,
    refresh: (refreshToken: string) => Promise<RotatedTokens>,
    now: () => Date,
  ): Promise<TokenRotation> {
    const current = this.tokens();
    if (current.refreshToken !== seen) return { rotated: false, tokens: current };
    const fresh = await refresh(seen);
    this.saveRefreshed(fresh, now());
    return { rotated: true, tokens: this.tokens() };
  }

  setRefreshToken(token: string, at: Date): void {
    this.db.transaction(() => {
      this.ensureTokenRow(at);
      this.st.setRefresh.run(this.sealed('refresh_token', token), at.toISOString(), this.communeId, this.appId);
    })();
  }

  seedRefreshToken(token: string, at: Date): boolean {
    return this.db.transaction(() => {
      this.ensureTokenRow(at);
      const row = this.st.tokens.get(this.communeId, this.appId) as TokenRow;
      const hash = sha256(token);
      if (row.env_seed_hash === hash) return false;
      this.st.setSeed.run(this.sealed('refresh_token', token), hash, at.toISOString(), this.communeId, this.appId);
      return true;
    })();
  }

  recordTokenError(message: string | undefined, at: Date): void {
    this.ensureTokenRow(at);
    const iso = at.toISOString();
    this.st.tokenError.run(message ?? null, message ? iso : null, iso, this.communeId, this.appId);
  }

  receive(key: string, userId: string, event: string, at: Date): boolean {
    // Deliveries arriving together share one commit; the webhook waits for it (durable()).
    this.writes?.join();
    return this.st.receive.run(this.communeId, key, userId, event, at.toISOString()).changes === 1;
  }

  unhandled(limit: number): { key: string; userId: string; event: string }[] {
    const rows = this.st.unhandled.all(this.communeId, limit) as {
      event_key: string;
      user_id: string;
      event_json: string | null;
    }[];
    return rows.map((r) => ({ key: r.event_key, userId: r.user_id, event: r.event_json ?? '' }));
  }

  durable(): Promise<void> {
    return this.writes?.settled() ?? Promise.resolve();
  }

  markHandled(key: string, at: Date): void {
    this.st.handled.run(at.toISOString(), this.communeId, key);
  }

  touch(userId: string, at: Date): void {
    const iso = at.toISOString();
    this.st.touch.run(this.communeId, userId, iso, iso);
  }

  markInactive(userId: string, reason: string, at: Date): void {
    this.st.inactive.run(this.communeId, userId, reason, at.toISOString());
  }

  resident(userId: string): ResidentState | undefined {
    const r = this.st.resident.get(this.communeId, userId) as
      { last_interaction_at: string | null; inactive: number } | undefined;
    return r ? { lastInteractionAt: date(r.last_interaction_at), inactive: r.inactive === 1 } : undefined;
  }

  enqueue(
    userId: string,
    messages: readonly OutboundMessage[],
    at: Date,
    opts: { readonly handledKey?: string; readonly interactionAt?: Date } = {},
  ): number {
    const iso = at.toISOString();
    return this.db.transaction(() => {
      let released = 0;
      if (opts.interactionAt) {
        this.st.touch.run(this.communeId, userId, opts.interactionAt.toISOString(), iso);
        released = this.outbox.release(userId, at);
      }
      this.outbox.enqueue(userId, messages, at);
      if (opts.handledKey) this.st.handled.run(iso, this.communeId, opts.handledKey);
      return released;
    })();
  }

  forget(userId: string): void {
    this.db.transaction(() => {
      for (const st of [this.st.forgetResident, this.st.forgetMessages, this.st.forgetOther])
        st.run(this.communeId, userId);
      this.outbox.forgetDone(userId);
    })();
  }

  holdAll(userId: string, reason: string, at: Date): void {
    this.outbox.holdAll(userId, reason, at);
  }

  counts(): OutboxCounts {
    return this.outbox.counts();
  }

  inactiveResidents(): number {
    return (this.st.inactiveCount.get(this.communeId) as { n: number }).n;
  }

  prune(before: Date): { events: number; sent: number; failed: number } {
    const iso = before.toISOString();
    return this.db.transaction(() => ({
      events: this.st.pruneEvents.run(this.communeId, iso).changes,
      sent: this.st.pruneSent.run(this.communeId, iso).changes,
      failed: this.st.pruneFailed.run(this.communeId, iso).changes,
    }))();
  }
}
