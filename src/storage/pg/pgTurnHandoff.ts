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
 * of the handoff (list, read, close) is storage/pg/pgHandoffStore.ts, and a
 * staff reply with its outbox row storage/pg/pgHandoffWriter.ts; both write
 * messages and closes through `appendThreadMessage` and `closeThread` here.
 */
import { sql, type Transaction } from 'kysely';
import type {
  HandoffAuthor,
  HandoffDelivery,
  HandoffMessage,
  HandoffThread,
  OpenThreadInput,
} from '../../core/stores/handoff.js';
import { compiledOnce } from './compiledOnce.js';
import type { Database } from './schema.js';
import { messageOf, threadOf } from '../rowForms.js';

/** A message to append, as `HandoffStore.append` takes it. */
export interface NewThreadMessage {
  readonly author: HandoffAuthor;
  readonly text: string;
  readonly staffId?: string;
  readonly outboxId?: number;
  readonly at: Date;
  readonly delivery?: HandoffDelivery;
}

/**
 * Appends a message in `trx` and moves the thread's activity: a resident's
 * message counts unread, a staff reply clears it and claims the thread for
 * its writer if nobody had; a staff reply starts 'pending' unless told.
 */
export async function appendThreadMessage(
  trx: Transaction<Database>,
  communeId: string,
  threadId: number,
  message: NewThreadMessage,
): Promise<HandoffMessage> {
  const iso = message.at.toISOString();
  const delivery: HandoffDelivery = message.author === 'staff' ? (message.delivery ?? 'pending') : 'none';
  const row = await trx
    .insertInto('handoff_messages')
    .values({
      commune_id: communeId,
      thread_id: threadId,
      author: message.author,
      staff_id: message.staffId ?? null,
      text: message.text,
      at: iso,
      delivery,
      outbox_id: message.outboxId ?? null,
    })
    .returning(['id', 'thread_id', 'author', 'staff_id', 'text', 'at', 'delivery', 'outbox_id'])
    .executeTakeFirstOrThrow();
  const thread = trx.updateTable('handoff_threads').where('commune_id', '=', communeId).where('id', '=', threadId);
  if (message.author === 'resident') {
    await thread.set((eb) => ({ last_at: iso, unread: eb('unread', '+', 1) })).execute();
  } else if (message.author === 'staff') {
    await thread
      .set((eb) => ({
        last_at: iso,
        unread: 0,
        assignee_id: eb.fn.coalesce('assignee_id', eb.val(message.staffId ?? null)),
      }))
      .execute();
  } else {
    await thread.set({ last_at: iso }).execute();
  }
  return messageOf(row);
}

/**
 * Locks the thread row in `trx` (`FOR UPDATE`, until the commit) and says
 * whether it is open: a writer that read the thread in an earlier
 * transaction checks it again here, and a close by another process waits
 * for this transaction or is seen by it.
 */
export async function lockOpenThread(
  trx: Transaction<Database>,
  communeId: string,
  threadId: number,
): Promise<boolean> {
  const r = await trx
    .selectFrom('handoff_threads')
    .select('status')
    .where('commune_id', '=', communeId)
    .where('id', '=', threadId)
    .forUpdate()
    .executeTakeFirst();
  return r?.status === 'open';
}

/** Closes the thread in `trx` if it is open ("Xong"); false when it was not. */
export async function closeThread(
  trx: Transaction<Database>,
  communeId: string,
  threadId: number,
  staffId: string,
  at: Date,
): Promise<boolean> {
  const iso = at.toISOString();
  const r = await trx
    .updateTable('handoff_threads')
    .set({ status: 'closed', closed_at: iso, closed_by: staffId, last_at: iso })
    .where('commune_id', '=', communeId)
    .where('id', '=', threadId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * A resident's open thread, as the turn asks (the web's take asks the same in
 * its statement, pgOutboxStore.ts), read `FOR SHARE`: held until the turn commits, so
 * staff closing the thread meanwhile wait, and the message the turn appends
 * lands in a thread that is still open (a close that came first is seen here).
 */
const openThreadShared = compiledOnce((db, a: { communeId: string; channel: string; userId: string }) =>
  db
    .selectFrom('handoff_threads')
    .selectAll()
    .where('commune_id', '=', a.communeId)
    .where('channel', '=', a.channel)
    .where('user_id', '=', a.userId)
    .where('status', '=', sql.lit('open' as const))
    .forShare(),
);

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
    const r = (await trx.executeQuery(openThreadShared({ communeId: this.communeId, channel, userId }))).rows[0];
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
    await appendThreadMessage(trx, this.communeId, threadId, { author: 'resident', text, at });
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
      // One open thread per conversation (migration 020's partial unique index): a second ask finds the
      // first. Its predicate as a literal: only a constant lets a prepared statement's generic plan infer it.
      .onConflict((oc) =>
        oc.columns(['commune_id', 'channel', 'user_id']).where('status', '=', sql.lit('open')).doNothing(),
      )
      .execute();
    const thread = await this.openThreadOf(trx, input.channel, input.userId);
    if (!thread) throw new Error('handoff thread could not be opened');
    return thread;
  }
}
