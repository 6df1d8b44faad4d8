/**
 * @module storage/pg/pgTurnHandoff
 *
 * The little of the handoff (core/stores/handoff.ts) a turn needs on
 * PostgreSQL, inside the turn's own transaction: whether a person owns the
 * conversation, the resident's message appended to that thread, and a thread
 * opened by a reply that asks for a person. The SQLite store's methods join
 * whatever transaction is open; on PostgreSQL a transaction is a connection,
 * so each call here takes it. The open thread is read `FOR SHARE`: a close
 * by staff waits for the turn that is appending to it. The console's side
 * of the handoff (list, read, reply, close) is not here: it is a PostgreSQL
 * HandoffStore still to write.
 */
import type { Transaction } from 'kysely';
import type { HandoffThread, OpenThreadInput } from '../../core/stores/handoff.js';
import type { Database } from './schema.js';
import { threadOf } from '../rowForms.js';

/** The handoff as the PostgreSQL turn runner uses it, each call inside the turn's transaction. */
export interface PgTurnHandoffStore {
  openThreadOf(trx: Transaction<Database>, channel: string, userId: string): Promise<HandoffThread | undefined>;
  residentWrote(trx: Transaction<Database>, threadId: number): Promise<boolean>;
  /** Appends the resident's message (counted unread for staff). */
  appendResident(trx: Transaction<Database>, threadId: number, text: string, at: Date): Promise<void>;
  /** Opens a thread, or returns the one already open. */
  open(trx: Transaction<Database>, input: OpenThreadInput): Promise<HandoffThread>;
}

export class PgTurnHandoff implements PgTurnHandoffStore {
  constructor(private readonly communeId: string) {}

  async openThreadOf(trx: Transaction<Database>, channel: string, userId: string): Promise<HandoffThread | undefined> {
    const r = await trx
      .selectFrom('handoff_threads')
      .selectAll()
      .where('commune_id', '=', this.communeId)
      .where('channel', '=', channel)
      .where('user_id', '=', userId)
      .where('status', '=', 'open')
      // Held until the turn commits: staff closing the thread meanwhile wait, so the message the
      // turn appends lands in a thread that is still open (a close that came first is seen here).
      .forShare()
      .executeTakeFirst();
    return r ? threadOf(r) : undefined;
  }

  async residentWrote(trx: Transaction<Database>, threadId: number): Promise<boolean> {
    const r = await trx
      .selectFrom('handoff_messages')
      .select('id')
      .where('commune_id', '=', this.communeId)
      .where('thread_id', '=', threadId)
      .where('author', '=', 'resident')
      .limit(1)
      .executeTakeFirst();
    return r !== undefined;
  }

  async appendResident(trx: Transaction<Database>, threadId: number, text: string, at: Date): Promise<void> {
    const iso = at.toISOString();
    await trx
      .insertInto('handoff_messages')
      .values({ commune_id: this.communeId, thread_id: threadId, author: 'resident', text, at: iso })
      .execute();
    await trx
      .updateTable('handoff_threads')
      .set((eb) => ({ last_at: iso, unread: eb('unread', '+', 1) }))
      .where('commune_id', '=', this.communeId)
      .where('id', '=', threadId)
      .execute();
  }

  async open(trx: Transaction<Database>, input: OpenThreadInput): Promise<HandoffThread> {
    const iso = input.at.toISOString();
    await trx
      .insertInto('handoff_threads')
      .values({
        commune_id: this.communeId,
        channel: input.channel,
        user_id: input.userId,
        citizen_id: input.citizenId ?? null,
        hamlet_id: input.hamletId ?? null,
        status: 'open',
        reason: input.reason,
        opened_at: iso,
        last_at: iso,
        suspended_quiz: input.suspendedQuiz ?? null,
      })
      // One open thread per conversation (migration 020's partial unique index): a second ask finds the first.
      .onConflict((oc) => oc.columns(['commune_id', 'channel', 'user_id']).where('status', '=', 'open').doNothing())
      .execute();
    const thread = await this.openThreadOf(trx, input.channel, input.userId);
    if (!thread) throw new Error('handoff thread could not be opened');
    return thread;
  }
}
