/**
 * @module storage/sqlite/zaloInbox
 *
 * The Zalo webhook's own small database file, used when events are handled on
 * a separate thread (ZALO_HANDLER_THREADS=1). The thread answering Zalo must
 * record each delivery before its 200, and a write to the commune's file would
 * wait for the handling thread's write lock (SQLite has one writer per file),
 * sleeping the answering thread for a millisecond or more each time. So the
 * deliveries go to this file, which only the answering thread writes.
 *
 * It keeps what Zalo sent until the handling thread says the event is done:
 * de-duplication of redeliveries, and the events to hand over again after a
 * crash. The handling thread also records each event in the commune's file and
 * marks it handled in the same transaction as the replies it queued, so an
 * event handed over twice (a crash between the two files) is answered once.
 */
import type { Migration } from './migrations/index.js';
import type { Db } from './db.js';

export const INBOX_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'zalo_inbox',
    sql: `
CREATE TABLE zalo_inbox (
  commune_id TEXT NOT NULL,
  event_key TEXT NOT NULL,
  user_id TEXT NOT NULL,
  -- The event as the channel read it; cleared once handled (it may hold the resident's words).
  event_json TEXT,
  received_at TEXT NOT NULL,
  handled_at TEXT,
  PRIMARY KEY (commune_id, event_key)
);
CREATE INDEX zalo_inbox_by_time ON zalo_inbox (commune_id, received_at);
`,
  },
];

/**
 * The inbox file's path for a database path: next to it, with the same stem
 * (`data/hocvuso.db` → `data/hocvuso.zalo-inbox.db`). Backups take both.
 */
export function inboxPathFor(databasePath: string): string {
  return /\.(db|sqlite3?)$/i.test(databasePath)
    ? databasePath.replace(/\.(db|sqlite3?)$/i, '.zalo-inbox.$1')
    : `${databasePath}.zalo-inbox`;
}

const SQL = {
  receive: `INSERT OR IGNORE INTO zalo_inbox (commune_id, event_key, user_id, event_json, received_at) VALUES (?, ?, ?, ?, ?)`,
  unhandled: `SELECT event_key, user_id, event_json FROM zalo_inbox
         WHERE commune_id = ? AND handled_at IS NULL ORDER BY rowid LIMIT ?`,
  handled: `UPDATE zalo_inbox SET handled_at = ?, event_json = NULL WHERE commune_id = ? AND event_key = ? AND handled_at IS NULL`,
  waiting: `SELECT COUNT(*) AS n FROM zalo_inbox WHERE commune_id = ? AND handled_at IS NULL`,
  prune: `DELETE FROM zalo_inbox WHERE commune_id = ? AND handled_at IS NOT NULL AND received_at < ?`,
} as const;

export class SqliteZaloInbox {
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
  ) {}

  /** Records a delivery; false when its key was seen before (a redelivery). */
  receive(key: string, userId: string, event: string, at: Date): boolean {
    return this.db.prepare(SQL.receive).run(this.communeId, key, userId, event, at.toISOString()).changes === 1;
  }

  /** Deliveries not yet reported handled, oldest first. */
  unhandled(limit: number): { key: string; userId: string; event: string }[] {
    const rows = this.db.prepare(SQL.unhandled).all(this.communeId, limit) as {
      event_key: string;
      user_id: string;
      event_json: string | null;
    }[];
    return rows.map((r) => ({ key: r.event_key, userId: r.user_id, event: r.event_json ?? '' }));
  }

  /** How many deliveries are recorded but not reported done (staff status). */
  waiting(): number {
    return (this.db.prepare(SQL.waiting).get(this.communeId) as { n: number }).n;
  }

  markHandled(key: string, at: Date): void {
    this.db.prepare(SQL.handled).run(at.toISOString(), this.communeId, key);
  }

  /** Deletes handled deliveries received before `before`; returns how many. */
  prune(before: Date): number {
    return this.db.prepare(SQL.prune).run(this.communeId, before.toISOString()).changes;
  }
}
