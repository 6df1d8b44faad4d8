/**
 * @module storage/pg/pgHandoffStore
 *
 * Handoff threads and their messages on PostgreSQL (migration 020_handoff),
 * the console's side of core/stores/handoff.ts: the twin of
 * storage/sqlite/handoffRepo.ts, for several processes sharing one database.
 * Every method is one `withCommune` transaction, so row-level security shows
 * it only its commune's threads; a hamlet scope adds `hamlet_id = …` to the
 * query itself, as on SQLite (another hamlet's thread is simply not found).
 *
 * What differs from SQLite: a method cannot join the caller's transaction (a
 * transaction is a connection here). The turn's writes go through
 * pgTurnHandoff.ts inside the turn's own transaction, and a staff reply with
 * its outbox row through pgHandoffWriter.ts; both share the writes below
 * (`appendThreadMessage`, `closeThread`). Opening stays one open thread per
 * conversation under races: the insert names the partial unique index as its
 * arbiter, so a second process waits for the first one's row, does nothing,
 * and reads the thread the first one opened.
 */
import { sql, type Transaction } from 'kysely';
import type {
  HandoffMessage,
  HandoffScope,
  HandoffStatus,
  HandoffStore,
  HandoffThread,
  OpenThreadInput,
} from '../../core/stores/handoff.js';
import { deliveryOfOutbox, messageOf, threadOf } from '../rowForms.js';
import type { PgDb } from './db.js';
import { bytewise } from './pgSql.js';
import { appendThreadMessage, closeThread, PgTurnHandoff, type NewThreadMessage } from './pgTurnHandoff.js';
import type { Database } from './schema.js';
import { withCommune } from './tenant.js';

const MESSAGE_COLUMNS = ['id', 'thread_id', 'author', 'staff_id', 'text', 'at', 'delivery', 'outbox_id'] as const;

export class PgHandoffStore implements HandoffStore {
  private readonly turn: PgTurnHandoff;

  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {
    this.turn = new PgTurnHandoff(communeId);
  }

  private tx<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return withCommune(this.db, this.communeId, fn);
  }

  openThreadOf(channel: string, userId: string): Promise<HandoffThread | undefined> {
    return this.tx((trx) => this.turn.openThreadOf(trx, channel, userId));
  }

  open(input: OpenThreadInput): Promise<HandoffThread> {
    return this.tx((trx) => this.turn.open(trx, input));
  }

  append(threadId: number, message: NewThreadMessage): Promise<HandoffMessage> {
    return this.tx((trx) => appendThreadMessage(trx, this.communeId, threadId, message));
  }

  async close(threadId: number, staffId: string, at: Date): Promise<void> {
    await this.tx((trx) => closeThread(trx, this.communeId, threadId, staffId, at));
  }

  async assign(threadId: number, staffId: string): Promise<void> {
    await this.tx((trx) =>
      trx
        .updateTable('handoff_threads')
        .set({ assignee_id: staffId })
        .where('commune_id', '=', this.communeId)
        .where('id', '=', threadId)
        .execute(),
    );
  }

  async get(threadId: number, scope: HandoffScope): Promise<HandoffThread | undefined> {
    const row = await this.tx((trx) => {
      let q = trx
        .selectFrom('handoff_threads')
        .selectAll()
        .where('commune_id', '=', this.communeId)
        .where('id', '=', threadId);
      if (scope.kind === 'hamlet') q = q.where('hamlet_id', '=', scope.hamletId);
      return q.executeTakeFirst();
    });
    return row ? threadOf(row) : undefined;
  }

  async list(
    scope: HandoffScope,
    filter: { status?: HandoffStatus; limit: number },
  ): Promise<readonly HandoffThread[]> {
    const limit = Math.max(0, Math.floor(filter.limit));
    const rows = await this.tx((trx) => {
      let q = trx.selectFrom('handoff_threads').selectAll().where('commune_id', '=', this.communeId);
      if (scope.kind === 'hamlet') q = q.where('hamlet_id', '=', scope.hamletId);
      // Open first (SQLite's `status = 'open' DESC`), then newest activity, ISO text compared byte-wise as on SQLite.
      if (filter.status) q = q.where('status', '=', filter.status);
      else q = q.orderBy(sql`status = 'open'`, 'desc');
      return q.orderBy(bytewise('last_at'), 'desc').orderBy('id', 'desc').limit(limit).execute();
    });
    return rows.map(threadOf);
  }

  async messages(threadId: number, afterId: number, limit: number): Promise<readonly HandoffMessage[]> {
    const rows = await this.tx((trx) =>
      trx
        .selectFrom('handoff_messages')
        .select(MESSAGE_COLUMNS)
        .where('commune_id', '=', this.communeId)
        .where('thread_id', '=', threadId)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute(),
    );
    return rows.map(messageOf);
  }

  residentWrote(threadId: number): Promise<boolean> {
    return this.tx((trx) => this.turn.residentWrote(trx, threadId));
  }

  async since(scope: HandoffScope, afterId: number, limit: number): Promise<readonly HandoffMessage[]> {
    const rows = await this.tx((trx) => {
      let q = trx
        .selectFrom('handoff_messages as m')
        .select(MESSAGE_COLUMNS.map((c) => `m.${c}` as const))
        .where('m.commune_id', '=', this.communeId)
        .where('m.id', '>', afterId);
      if (scope.kind === 'hamlet') {
        q = q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('handoff_threads as t')
              .select('t.id')
              .whereRef('t.commune_id', '=', 'm.commune_id')
              .whereRef('t.id', '=', 'm.thread_id')
              .where('t.hamlet_id', '=', scope.hamletId),
          ),
        );
      }
      return q.orderBy('m.id').limit(limit).execute();
    });
    return rows.map(messageOf);
  }

  async headId(): Promise<number> {
    const row = await this.tx((trx) =>
      trx
        .selectFrom('handoff_messages')
        .select((eb) => eb.fn.coalesce(eb.fn.max('id'), sql<number>`0`).as('id'))
        .where('commune_id', '=', this.communeId)
        .executeTakeFirstOrThrow(),
    );
    return Number(row.id);
  }

  async refreshDelivery(threadId: number): Promise<void> {
    await this.tx(async (trx) => {
      const rows = await trx
        .selectFrom('handoff_messages as m')
        .leftJoin('outbox as o', (join) =>
          join.onRef('o.commune_id', '=', 'm.commune_id').onRef('o.id', '=', 'm.outbox_id'),
        )
        .select(['m.id', 'm.delivery', 'o.status'])
        .where('m.commune_id', '=', this.communeId)
        .where('m.thread_id', '=', threadId)
        .where('m.author', '=', 'staff')
        .where('m.delivery', 'in', ['pending', 'held'])
        .where('m.outbox_id', 'is not', null)
        .execute();
      for (const r of rows) {
        const next = deliveryOfOutbox(r.status ?? undefined);
        if (next === r.delivery) continue;
        await trx
          .updateTable('handoff_messages')
          .set({ delivery: next })
          .where('commune_id', '=', this.communeId)
          .where('id', '=', r.id)
          .execute();
      }
    });
  }

  async forget(channel: string, userId: string): Promise<void> {
    await this.tx(async (trx) => {
      await trx
        .deleteFrom('handoff_messages')
        .where('commune_id', '=', this.communeId)
        .where('thread_id', 'in', (eb) =>
          eb
            .selectFrom('handoff_threads')
            .select('id')
            .where('commune_id', '=', this.communeId)
            .where('channel', '=', channel)
            .where('user_id', '=', userId),
        )
        .execute();
      await trx
        .deleteFrom('handoff_threads')
        .where('commune_id', '=', this.communeId)
        .where('channel', '=', channel)
        .where('user_id', '=', userId)
        .execute();
    });
  }
}
