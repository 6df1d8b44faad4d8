/**
 * @module storage/sqlite/handoffWriter
 *
 * The handoff service's writes that must commit together
 * (core/handoff/service.ts `HandoffWriter`), on SQLite: one better-sqlite3
 * transaction around the route's `queue` (the channel's SQLite outbox) and
 * the store's writes, all synchronous, so the staff message and the outbox
 * row that carries it are stored together or not at all. Inside the turn
 * group-commit's open transaction it becomes a savepoint, as every write here.
 * Each write first re-reads the thread in its transaction and writes nothing
 * to a thread closed since the service read it: SQLite's single writer makes
 * that rare, but the answer ('closed', false) is the port's, as on PostgreSQL.
 */
import type { HandoffWriter } from '../../core/handoff/service.js';
import type { HandoffMessage, HandoffScope, SyncHandoffStore } from '../../core/stores/handoff.js';
import type { Db } from './db.js';

const COMMUNE: HandoffScope = { kind: 'commune' };

export class SqliteHandoffWriter implements HandoffWriter {
  constructor(
    private readonly db: Db,
    private readonly store: SyncHandoffStore,
  ) {}

  private isOpen(threadId: number): boolean {
    return this.store.get(threadId, COMMUNE)?.status === 'open';
  }

  reply: HandoffWriter['reply'] = (thread, route, replies, line): HandoffMessage | 'closed' =>
    this.db.transaction((): HandoffMessage | 'closed' => {
      if (!this.isOpen(thread.id)) return 'closed';
      const ids = route.queue(thread.userId, replies, line.at);
      return this.store.append(thread.id, {
        author: 'staff',
        staffId: line.staffId,
        text: line.text,
        outboxId: ids[ids.length - 1],
        at: line.at,
      });
    })();

  close: HandoffWriter['close'] = (thread, route, replies, line): boolean =>
    this.db.transaction((): boolean => {
      if (!this.isOpen(thread.id)) return false;
      this.store.close(thread.id, line.staffId, line.at);
      this.store.append(thread.id, { author: 'system', text: line.text, at: line.at });
      route?.queue(thread.userId, replies, line.at);
      return true;
    })();
}
