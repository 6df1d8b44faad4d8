/**
 * @module storage/sqlite/outboxStore
 *
 * One channel's rows of the shared `outbox` table (migration 017). Statements
 * are prepared once: every turn queues here and every send marks here. Writes
 * run in whatever transaction is open (the turn's, see turns.ts), else alone;
 * the start of an attempt is made durable before the call (through the group
 * commit when there is one), so a crash during the call is known afterwards.
 */
import type Database from 'better-sqlite3';
import type { OutboxCounts, OutboxStore, QueuedItem } from '../../core/stores/outbox.js';
import type { Db } from './db.js';
import type { WriteScope } from './writeScope.js';

interface Row {
  id: number;
  user_id: string;
  payload_json: string;
  attempts: number;
  next_attempt_at: string;
  sending_at: string | null;
}

const SQL = {
  enqueue: `INSERT INTO outbox (commune_id, channel, user_id, payload_json, status, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
  release: `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, reason = NULL
         WHERE commune_id = ? AND channel = ? AND user_id = ? AND status = 'held'`,
  nextPending: `SELECT id, user_id, payload_json, attempts, next_attempt_at, sending_at FROM outbox
         WHERE commune_id = ? AND channel = ? AND user_id = ? AND status = 'pending' ORDER BY id LIMIT 1`,
  pendingOf: `SELECT id, user_id, payload_json, attempts, next_attempt_at, sending_at FROM outbox
         WHERE commune_id = ? AND channel = ? AND user_id = ? AND status = 'pending' ORDER BY id LIMIT ?`,
  sending: `UPDATE outbox SET sending_at = ? WHERE id = ? AND commune_id = ?`,
  sent: `UPDATE outbox SET status = 'sent', sent_at = ?, platform_message_id = ?, payload_json = NULL, reason = NULL,
           sending_at = NULL WHERE id = ? AND commune_id = ?`,
  retry: `UPDATE outbox SET attempts = ?, next_attempt_at = ?, reason = ?, sending_at = NULL WHERE id = ? AND commune_id = ?`,
  failed: `UPDATE outbox SET status = 'failed', reason = ?, next_attempt_at = ?, sending_at = NULL
         WHERE id = ? AND commune_id = ?`,
  holdAll: `UPDATE outbox SET status = 'held', reason = ?, next_attempt_at = ?, sending_at = NULL
         WHERE commune_id = ? AND channel = ? AND user_id = ? AND status = 'pending'`,
  due: `SELECT DISTINCT user_id FROM outbox
         WHERE commune_id = ? AND status = 'pending' AND next_attempt_at <= ? AND channel = ? LIMIT ?`,
  counts: `SELECT status, COUNT(*) AS n FROM outbox WHERE commune_id = ? AND channel = ? GROUP BY status`,
  delivered: `DELETE FROM outbox WHERE id = ? AND commune_id = ?`,
  forgetDone: `DELETE FROM outbox WHERE commune_id = ? AND channel = ? AND user_id = ? AND status IN ('sent', 'failed')`,
} as const;

type StatementName = keyof typeof SQL;

export class SqliteOutboxStore<P> implements OutboxStore<P> {
  private readonly st: Record<StatementName, Database.Statement>;

  /** @param writes the group commit, when the process has one: an attempt's start waits for it. */
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
    readonly channel: string,
    private readonly writes?: WriteScope,
  ) {
    this.st = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)])) as Record<
      StatementName,
      Database.Statement
    >;
  }

  private item(r: Row): QueuedItem<P> {
    return {
      id: r.id,
      userId: r.user_id,
      payload: JSON.parse(r.payload_json) as P,
      attempts: r.attempts,
      nextAttemptAt: new Date(r.next_attempt_at),
      ...(r.sending_at ? { sendingAt: new Date(r.sending_at) } : {}),
    };
  }

  enqueue(userId: string, payloads: readonly P[], at: Date): number[] {
    const iso = at.toISOString();
    const ids: number[] = [];
    for (const p of payloads) {
      const r = this.st.enqueue.run(this.communeId, this.channel, userId, JSON.stringify(p), iso, iso);
      ids.push(Number(r.lastInsertRowid));
    }
    return ids;
  }

  release(userId: string, at: Date): number {
    return this.st.release.run(at.toISOString(), this.communeId, this.channel, userId).changes;
  }

  nextPending(userId: string): QueuedItem<P> | undefined {
    const r = this.st.nextPending.get(this.communeId, this.channel, userId) as Row | undefined;
    return r ? this.item(r) : undefined;
  }

  pendingOf(userId: string, limit: number): QueuedItem<P>[] {
    return (this.st.pendingOf.all(this.communeId, this.channel, userId, limit) as Row[]).map((r) => this.item(r));
  }

  async markSending(id: number, at: Date): Promise<void> {
    this.writes?.join();
    this.st.sending.run(at.toISOString(), id, this.communeId);
    await this.writes?.settled();
  }

  markSent(id: number, at: Date, platformMessageId: string | undefined): void {
    // Not waited for: only a crash in the moment before this commits can send the reply twice.
    this.writes?.join();
    this.st.sent.run(at.toISOString(), platformMessageId ?? null, id, this.communeId);
  }

  markDelivered(ids: readonly number[], _at: Date): void {
    if (ids.length === 0) return;
    this.writes?.join();
    // Nothing is left to send and nothing needs keeping: the row goes (no trace of the resident stays).
    for (const id of ids) this.st.delivered.run(id, this.communeId);
  }

  markRetry(id: number, attempts: number, nextAttemptAt: Date, error: string): void {
    this.st.retry.run(attempts, nextAttemptAt.toISOString(), error, id, this.communeId);
  }

  markFailed(id: number, error: string, at: Date): void {
    this.st.failed.run(error, at.toISOString(), id, this.communeId);
  }

  holdAll(userId: string, reason: string, at: Date): void {
    this.st.holdAll.run(reason, at.toISOString(), this.communeId, this.channel, userId);
  }

  dueUsers(now: Date, limit: number): string[] {
    return (this.st.due.all(this.communeId, now.toISOString(), this.channel, limit) as { user_id: string }[]).map(
      (r) => r.user_id,
    );
  }

  forgetDone(userId: string): void {
    this.st.forgetDone.run(this.communeId, this.channel, userId);
  }

  counts(): OutboxCounts {
    const rows = this.st.counts.all(this.communeId, this.channel) as { status: string; n: number }[];
    const of = (s: string): number => rows.find((r) => r.status === s)?.n ?? 0;
    return { pending: of('pending'), held: of('held'), failed: of('failed'), sent: of('sent') };
  }
}
