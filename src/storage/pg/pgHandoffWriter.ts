/**
 * @module storage/pg/pgHandoffWriter
 *
 * The handoff service's writes that must commit together
 * (core/handoff/service.ts `HandoffWriter`), on PostgreSQL: the staff reply
 * and the outbox row that carries it, or the close with its system line and
 * the resident's notice, in ONE `withCommune` transaction. A channel's route
 * queues into its SQLite outbox, so here it only renders (`ReplyRoute.render`)
 * and the rows are inserted in this transaction into the shared `outbox`
 * table, where the channel's PostgreSQL dispatcher (pgOutboxStore.ts) claims
 * them; the flush after the commit is the service's, as on SQLite.
 *
 * The service read the thread in a transaction of its own, so another
 * process may have closed it since: each write here first locks the thread
 * row `FOR UPDATE` and writes nothing unless it is still open. A close and a
 * reply racing thus come out in one order: a reply after "Xong" is refused
 * ('closed': no message, no outbox row), and the second of two "Xong" does
 * nothing (the resident hears it once).
 */
import type { Transaction } from 'kysely';
import type { HandoffWriter } from '../../core/handoff/service.js';
import type { ReplyRoute } from '../../core/handoff/routes.js';
import type { OutgoingReply } from '../../core/messages.js';
import type { HandoffMessage, HandoffThread } from '../../core/stores/handoff.js';
import type { PgDb } from './db.js';
import { insertOutboxRows } from './pgOutboxStore.js';
import { appendThreadMessage, closeThread, lockOpenThread } from './pgTurnHandoff.js';
import type { Database } from './schema.js';
import { withCommune } from './tenant.js';

export class PgHandoffWriter implements HandoffWriter {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {}

  /** Inserts the rendered replies as the resident's pending outbox rows; their ids in order. */
  private queue(
    trx: Transaction<Database>,
    thread: HandoffThread,
    route: ReplyRoute,
    replies: readonly OutgoingReply[],
    at: Date,
  ): Promise<number[]> {
    if (!route.render) {
      // Refused before anything is written: a reply the thread shows must be a reply that was queued.
      throw new Error(`the ${thread.channel} reply route cannot render outbox rows for PostgreSQL`);
    }
    return insertOutboxRows(
      trx,
      this.communeId,
      thread.channel,
      thread.userId,
      route.render(thread.userId, replies),
      at,
    );
  }

  reply: HandoffWriter['reply'] = (thread, route, replies, line): Promise<HandoffMessage | 'closed'> =>
    withCommune(this.db, this.communeId, async (trx): Promise<HandoffMessage | 'closed'> => {
      if (!(await lockOpenThread(trx, this.communeId, thread.id))) return 'closed';
      const ids = await this.queue(trx, thread, route, replies, line.at);
      return appendThreadMessage(trx, this.communeId, thread.id, {
        author: 'staff',
        staffId: line.staffId,
        text: line.text,
        ...(ids.length > 0 && { outboxId: ids[ids.length - 1] }),
        at: line.at,
      });
    });

  close: HandoffWriter['close'] = (thread, route, replies, line): Promise<boolean> =>
    withCommune(this.db, this.communeId, async (trx): Promise<boolean> => {
      // The conditional update takes the row lock itself: a second "Xong" waits, then finds it closed.
      if (!(await closeThread(trx, this.communeId, thread.id, line.staffId, line.at))) return false;
      await appendThreadMessage(trx, this.communeId, thread.id, { author: 'system', text: line.text, at: line.at });
      if (route) await this.queue(trx, thread, route, replies, line.at);
      return true;
    });
}
