/**
 * @module storage/sqlite/handoffRepo
 *
 * Handoff threads and their messages (migration 020), the SQLite side of
 * core/stores/handoff.ts. Every read a console makes goes through a scope: a
 * hamlet scope adds `hamlet_id = ?` to the query itself, so a hamlet team can
 * neither list nor open nor follow another hamlet's threads (a thread of
 * another hamlet is simply not found). Writes join the caller's transaction
 * (the turn's commit, or the handoff service's), so a thread message is never
 * stored apart from the claim or the outbox row that goes with it.
 */
import type {
  HandoffAuthor,
  HandoffDelivery,
  HandoffMessage,
  HandoffScope,
  HandoffStatus,
  HandoffThread,
  OpenThreadInput,
  SyncHandoffStore,
} from '../../core/stores/handoff.js';
import type { Db } from './db.js';
import { deliveryOfOutbox, messageOf, threadOf, type MessageRow, type ThreadRow } from '../rowForms.js';

const THREAD_COLUMNS = `id, channel, user_id, citizen_id, hamlet_id, status, reason, opened_at, closed_at,
  assignee_id, last_at, unread, suspended_quiz`;
const MESSAGE_COLUMNS = 'id, thread_id, author, staff_id, text, at, delivery, outbox_id';

const SQL = {
  openOf: `SELECT ${THREAD_COLUMNS} FROM handoff_threads
      WHERE commune_id = ? AND channel = ? AND user_id = ? AND status = 'open'`,
  insert: `INSERT OR IGNORE INTO handoff_threads
      (commune_id, channel, user_id, citizen_id, hamlet_id, status, reason, opened_at, last_at, suspended_quiz)
      VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)`,
  append: `INSERT INTO handoff_messages (commune_id, thread_id, author, staff_id, text, at, delivery, outbox_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  touchResident: `UPDATE handoff_threads SET last_at = ?, unread = unread + 1 WHERE commune_id = ? AND id = ?`,
  touchStaff: `UPDATE handoff_threads SET last_at = ?, unread = 0, assignee_id = COALESCE(assignee_id, ?)
      WHERE commune_id = ? AND id = ?`,
  touchOther: `UPDATE handoff_threads SET last_at = ? WHERE commune_id = ? AND id = ?`,
  close: `UPDATE handoff_threads SET status = 'closed', closed_at = ?, closed_by = ?, last_at = ?
      WHERE commune_id = ? AND id = ? AND status = 'open'`,
  assign: `UPDATE handoff_threads SET assignee_id = ? WHERE commune_id = ? AND id = ?`,
  getAll: `SELECT ${THREAD_COLUMNS} FROM handoff_threads WHERE commune_id = ? AND id = ?`,
  getHamlet: `SELECT ${THREAD_COLUMNS} FROM handoff_threads WHERE commune_id = ? AND id = ? AND hamlet_id = ?`,
  listAll: `SELECT ${THREAD_COLUMNS} FROM handoff_threads WHERE commune_id = ?
      ORDER BY status = 'open' DESC, last_at DESC, id DESC LIMIT ?`,
  listAllStatus: `SELECT ${THREAD_COLUMNS} FROM handoff_threads WHERE commune_id = ? AND status = ?
      ORDER BY last_at DESC, id DESC LIMIT ?`,
  listHamlet: `SELECT ${THREAD_COLUMNS} FROM handoff_threads WHERE commune_id = ? AND hamlet_id = ?
      ORDER BY status = 'open' DESC, last_at DESC, id DESC LIMIT ?`,
  listHamletStatus: `SELECT ${THREAD_COLUMNS} FROM handoff_threads WHERE commune_id = ? AND hamlet_id = ? AND status = ?
      ORDER BY last_at DESC, id DESC LIMIT ?`,
  messages: `SELECT ${MESSAGE_COLUMNS} FROM handoff_messages
      WHERE commune_id = ? AND thread_id = ? AND id > ? ORDER BY id LIMIT ?`,
  sinceAll: `SELECT ${MESSAGE_COLUMNS} FROM handoff_messages WHERE commune_id = ? AND id > ? ORDER BY id LIMIT ?`,
  sinceHamlet: `SELECT m.id, m.thread_id, m.author, m.staff_id, m.text, m.at, m.delivery, m.outbox_id
      FROM handoff_messages m JOIN handoff_threads t ON t.commune_id = m.commune_id AND t.id = m.thread_id
      WHERE m.commune_id = ? AND m.id > ? AND t.hamlet_id = ? ORDER BY m.id LIMIT ?`,
  residentWrote: `SELECT 1 AS one FROM handoff_messages
      WHERE commune_id = ? AND thread_id = ? AND author = 'resident' LIMIT 1`,
  head: `SELECT COALESCE(MAX(id), 0) AS id FROM handoff_messages WHERE commune_id = ?`,
  undelivered: `SELECT id, outbox_id, delivery FROM handoff_messages
      WHERE commune_id = ? AND thread_id = ? AND author = 'staff' AND delivery IN ('pending', 'held')`,
  outboxStatus: `SELECT status FROM outbox WHERE commune_id = ? AND id = ?`,
  setDelivery: `UPDATE handoff_messages SET delivery = ? WHERE commune_id = ? AND id = ?`,
  forgetMessages: `DELETE FROM handoff_messages WHERE commune_id = ? AND thread_id IN (
      SELECT id FROM handoff_threads WHERE commune_id = ? AND channel = ? AND user_id = ?)`,
  forgetThreads: `DELETE FROM handoff_threads WHERE commune_id = ? AND channel = ? AND user_id = ?`,
} as const;

export class SqliteHandoffStore implements SyncHandoffStore {
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
  ) {}

  private prep(sql: string) {
    return this.db.prepare(sql);
  }

  openThreadOf(channel: string, userId: string): HandoffThread | undefined {
    const r = this.prep(SQL.openOf).get(this.communeId, channel, userId) as ThreadRow | undefined;
    return r ? threadOf(r) : undefined;
  }

  open(input: OpenThreadInput): HandoffThread {
    return this.db.transaction(() => {
      const iso = input.at.toISOString();
      this.prep(SQL.insert).run(
        this.communeId,
        input.channel,
        input.userId,
        input.citizenId ?? null,
        input.hamletId ?? null,
        input.reason,
        iso,
        iso,
        input.suspendedQuiz ?? null,
      );
      const thread = this.openThreadOf(input.channel, input.userId);
      if (!thread) throw new Error('handoff thread could not be opened');
      return thread;
    })();
  }

  append(
    threadId: number,
    message: {
      author: HandoffAuthor;
      text: string;
      staffId?: string;
      outboxId?: number;
      at: Date;
      delivery?: HandoffDelivery;
    },
  ): HandoffMessage {
    return this.db.transaction(() => {
      const iso = message.at.toISOString();
      const delivery: HandoffDelivery = message.author === 'staff' ? (message.delivery ?? 'pending') : 'none';
      const r = this.prep(SQL.append).run(
        this.communeId,
        threadId,
        message.author,
        message.staffId ?? null,
        message.text,
        iso,
        delivery,
        message.outboxId ?? null,
      );
      if (message.author === 'resident') this.prep(SQL.touchResident).run(iso, this.communeId, threadId);
      else if (message.author === 'staff')
        this.prep(SQL.touchStaff).run(iso, message.staffId ?? null, this.communeId, threadId);
      else this.prep(SQL.touchOther).run(iso, this.communeId, threadId);
      return messageOf({
        id: Number(r.lastInsertRowid),
        thread_id: threadId,
        author: message.author,
        staff_id: message.staffId ?? null,
        text: message.text,
        at: iso,
        delivery,
        outbox_id: message.outboxId ?? null,
      });
    })();
  }

  close(threadId: number, staffId: string, at: Date): void {
    const iso = at.toISOString();
    this.prep(SQL.close).run(iso, staffId, iso, this.communeId, threadId);
  }

  assign(threadId: number, staffId: string): void {
    this.prep(SQL.assign).run(staffId, this.communeId, threadId);
  }

  get(threadId: number, scope: HandoffScope): HandoffThread | undefined {
    const r = (
      scope.kind === 'commune'
        ? this.prep(SQL.getAll).get(this.communeId, threadId)
        : this.prep(SQL.getHamlet).get(this.communeId, threadId, scope.hamletId)
    ) as ThreadRow | undefined;
    return r ? threadOf(r) : undefined;
  }

  list(scope: HandoffScope, filter: { status?: HandoffStatus; limit: number }): readonly HandoffThread[] {
    const limit = Math.max(0, Math.floor(filter.limit));
    let rows: unknown[];
    if (scope.kind === 'commune') {
      rows = filter.status
        ? this.prep(SQL.listAllStatus).all(this.communeId, filter.status, limit)
        : this.prep(SQL.listAll).all(this.communeId, limit);
    } else {
      rows = filter.status
        ? this.prep(SQL.listHamletStatus).all(this.communeId, scope.hamletId, filter.status, limit)
        : this.prep(SQL.listHamlet).all(this.communeId, scope.hamletId, limit);
    }
    return (rows as ThreadRow[]).map(threadOf);
  }

  messages(threadId: number, afterId: number, limit: number): readonly HandoffMessage[] {
    return (this.prep(SQL.messages).all(this.communeId, threadId, afterId, limit) as MessageRow[]).map(messageOf);
  }

  residentWrote(threadId: number): boolean {
    return this.prep(SQL.residentWrote).get(this.communeId, threadId) !== undefined;
  }

  since(scope: HandoffScope, afterId: number, limit: number): readonly HandoffMessage[] {
    const rows =
      scope.kind === 'commune'
        ? this.prep(SQL.sinceAll).all(this.communeId, afterId, limit)
        : this.prep(SQL.sinceHamlet).all(this.communeId, afterId, scope.hamletId, limit);
    return (rows as MessageRow[]).map(messageOf);
  }

  headId(): number {
    return (this.prep(SQL.head).get(this.communeId) as { id: number }).id;
  }

  refreshDelivery(threadId: number): void {
    const rows = this.prep(SQL.undelivered).all(this.communeId, threadId) as {
      id: number;
      outbox_id: number | null;
      delivery: HandoffDelivery;
    }[];
    if (rows.length === 0) return;
    this.db.transaction(() => {
      for (const r of rows) {
        if (r.outbox_id === null) continue;
        const row = this.prep(SQL.outboxStatus).get(this.communeId, r.outbox_id) as { status: string } | undefined;
        const next = deliveryOfOutbox(row?.status);
        if (next !== r.delivery) this.prep(SQL.setDelivery).run(next, this.communeId, r.id);
      }
    })();
  }

  forget(channel: string, userId: string): void {
    this.db.transaction(() => {
      this.prep(SQL.forgetMessages).run(this.communeId, this.communeId, channel, userId);
      this.prep(SQL.forgetThreads).run(this.communeId, channel, userId);
    })();
  }
}
