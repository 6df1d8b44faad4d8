/**
 * @module storage/sqlite/handoffWriter
 *
 * The handoff service's writes that must commit together
 * (core/handoff/service.ts `HandoffWriter`), on SQLite: one better-sqlite3
 * transaction around the route's `queue` (the channel's SQLite outbox) and
 * the store's writes, all synchronous, so the staff message and the outbox
 * row that carries it are stored together or not at all. Inside the turn
 * group-commit's open transaction it becomes a savepoint, as every write here.
 */
import type { HandoffWriter } from '../../core/handoff/service.js';
import type { HandoffMessage, SyncHandoffStore } from '../../core/stores/handoff.js';
import type { Db } from './db.js';

export class SqliteHandoffWriter implements HandoffWriter {
  constructor(
    private readonly db: Db,
    private readonly store: SyncHandoffStore,
  ) {}

  reply: HandoffWriter['reply'] = (thread, route, replies, line): HandoffMessage =>
    this.db.transaction(() => {
      const ids = route.queue(thread.userId, replies, line.at);
      return this.store.append(thread.id, {
        author: 'staff',
        staffId: line.staffId,
        text: line.text,
        outboxId: ids[ids.length - 1],
        at: line.at,
      });
    })();

  close: HandoffWriter['close'] = (thread, route, replies, line): void => {
    this.db.transaction(() => {
      this.store.close(thread.id, line.staffId, line.at);
      this.store.append(thread.id, { author: 'system', text: line.text, at: line.at });
      route?.queue(thread.userId, replies, line.at);
    })();
  };
}
