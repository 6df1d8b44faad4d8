/**
 * @module storage/pg/pgOutboxStore
 *
 * One channel's rows of the shared `outbox` table on PostgreSQL, for
 * dispatchers in several processes (core/stores/sharedOutbox.ts).
 *
 * A claim is one statement: pick the due pending rows that have no earlier
 * pending row of the same resident, `FOR UPDATE SKIP LOCKED` (a row another
 * dispatcher is claiming right now is passed over, not waited for), and
 * stamp them. The lease needs no column of its own: a claimed row stays
 * 'pending' with `sending_at` = the claim's time (the attempt started) and
 * `next_attempt_at` = the end of the lease. So until the lease ends the row
 * is not due (nobody claims it) and, being pending, it keeps its resident's
 * later rows back (order); once the lease ends it is due again and another
 * dispatcher claims it, seeing `sending_at` set (the reply may arrive twice).
 * `sending_at` is also the claim's token: each mark requires it unchanged, so
 * a dispatcher that outlived its lease cannot overwrite the new claimer's
 * outcome. Every query runs in `withCommune`: row-level security shows a
 * store only its commune's rows.
 */
import { sql, type ExpressionBuilder, type RawBuilder, type Transaction, type Updateable } from 'kysely';
import type { OutboxCounts } from '../../core/stores/outbox.js';
import type { ClaimedItem, SharedOutboxStore } from '../../core/stores/sharedOutbox.js';
import type { PgDb } from './db.js';
import type { Database, OutboxTable } from './schema.js';
import { compiledOnce } from './compiledOnce.js';
import { oneTrip } from './oneTrip.js';
import { withCommune } from './tenant.js';

/** The status of rows waiting to be sent, as a literal (the partial index's predicate names it so). */
const PENDING = sql.lit('pending' as const);

/** Inserts payloads as pending rows in `trx` (a turn's, or the store's own); returns their ids in order. */
export async function insertOutboxRows<P>(
  trx: Transaction<Database>,
  communeId: string,
  channel: string,
  userId: string,
  payloads: readonly P[],
  at: Date,
): Promise<number[]> {
  if (payloads.length === 0) return [];
  const { rows } = await trx.executeQuery(
    insertRows({ communeId, channel, userId, payloads: payloads.map((p) => JSON.stringify(p)), at: at.toISOString() }),
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/**
 * The rows of `insertOutboxRows`, any number of them in one statement of one
 * text (compiled once, prepared once): the payloads as one array. Identity
 * values are drawn in the order the rows come, `ORDER BY` their place in the
 * array: ascending ids are the payloads' order.
 */
export const outboxRowsSql = (a: {
  communeId: string;
  channel: string;
  userId: string;
  payloads: string[];
  at: string;
}): RawBuilder<unknown> => sql`
  INSERT INTO outbox (commune_id, channel, user_id, payload_json, status, next_attempt_at, created_at)
  SELECT ${a.communeId}, ${a.channel}, ${a.userId}, u.payload, 'pending', ${a.at}, ${a.at}
    FROM unnest(${a.payloads}::text[]) WITH ORDINALITY AS u(payload, n)`;

const insertRows = compiledOnce(
  (_db, a: { communeId: string; channel: string; userId: string; payloads: string[]; at: string }) =>
    sql<{ id: number }>`${outboxRowsSql(a)} ORDER BY u.n RETURNING id`,
);

/**
 * Moves the user's held rows back to pending in `trx` (a turn's, or the
 * store's own); returns how many. In a turn's transaction they come back in
 * the same commit as the turn's new rows, which have higher ids and so go
 * out after them. `activeChat` (Telegram: the private chat that wrote) also
 * loses its inactive mark, in the same statement.
 */
export async function releaseHeldRows(
  trx: Transaction<Database>,
  communeId: string,
  channel: string,
  userId: string,
  at: Date,
  activeChat?: number,
): Promise<number> {
  const iso = at.toISOString();
  const args = { communeId, channel, userId, at: iso };
  const r = await trx.executeQuery(
    activeChat !== undefined ? releaseHeldActive({ ...args, chat: activeChat }) : releaseHeld(args),
  );
  return Number(r.numAffectedRows ?? 0);
}

interface ReleaseArgs extends Record<string, unknown> {
  readonly communeId: string;
  readonly channel: string;
  readonly userId: string;
  readonly at: string;
}

const releaseHeldActive = compiledOnce(
  (_db, a: ReleaseArgs & { readonly chat: number }) => sql`
  WITH active AS (DELETE FROM telegram_inactive_users WHERE commune_id = ${a.communeId} AND chat_id = ${a.chat})
  UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ${a.at}, reason = NULL
   WHERE commune_id = ${a.communeId} AND channel = ${a.channel} AND user_id = ${a.userId} AND status = 'held'`,
);

const releaseHeld = compiledOnce((db, a: ReleaseArgs) =>
  db
    .updateTable('outbox')
    .set({ status: PENDING, attempts: sql.lit(0), next_attempt_at: a.at, reason: sql.lit(null) })
    .where('commune_id', '=', a.communeId)
    .where('channel', '=', a.channel)
    .where('user_id', '=', a.userId)
    .where('status', '=', sql.lit('held' as const)),
);

/**
 * Removes and returns the user's oldest pending rows in `trx`, at most
 * `limit`, in one statement. Rows another request is taking right now are
 * skipped, not waited for, so two answers or polls of one session never
 * carry the same reply.
 */
export async function takeOwedRows<P>(
  trx: Transaction<Database>,
  communeId: string,
  channel: string,
  userId: string,
  limit: number,
): Promise<P[]> {
  const rows = await trx
    .with('owed', (qb) =>
      qb
        .selectFrom('outbox')
        .select('id')
        .where('commune_id', '=', communeId)
        .where('channel', '=', channel)
        .where('user_id', '=', userId)
        .where('status', '=', 'pending')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .deleteFrom('outbox')
    .using('owed')
    .whereRef('outbox.id', '=', 'owed.id')
    .returning(['outbox.id', 'outbox.payload_json'])
    .execute();
  return rows.sort((a, b) => a.id - b.id).map((r) => JSON.parse(r.payload_json ?? 'null') as P);
}

/**
 * The web chat's take in one statement (issue 20): `takeOwedRows` and
 * whether a person owns the conversation (an open handoff thread, read
 * plainly: nothing is locked), in one round trip (oneTrip.ts) where a
 * transaction of two statements took four.
 */
export async function takeOwedWithHandoff<P>(
  db: PgDb,
  communeId: string,
  channel: string,
  userId: string,
  limit: number,
): Promise<{ replies: P[]; handoff: boolean }> {
  const query = takeWithHandoff({ communeId, channel, userId, limit });
  const row = (await oneTrip(db, communeId, query)).rows[0];
  return {
    replies: (row?.payloads ?? []).map((p) => JSON.parse(p ?? 'null') as P),
    handoff: row?.handoff === true,
  };
}

const takeWithHandoff = compiledOnce(
  (_db, a: { communeId: string; channel: string; userId: string; limit: number }) =>
    sql<{ payloads: (string | null)[] | null; handoff: boolean }>`
    WITH owed AS (
      SELECT id FROM outbox
       WHERE commune_id = ${a.communeId} AND channel = ${a.channel} AND user_id = ${a.userId} AND status = 'pending'
       ORDER BY id LIMIT ${a.limit} FOR UPDATE SKIP LOCKED),
    taken AS (DELETE FROM outbox USING owed WHERE outbox.id = owed.id RETURNING outbox.id, outbox.payload_json)
    SELECT (SELECT array_agg(payload_json ORDER BY id) FROM taken) AS payloads,
           EXISTS (SELECT 1 FROM handoff_threads
                    WHERE commune_id = ${a.communeId} AND channel = ${a.channel} AND user_id = ${a.userId}
                      AND status = 'open') AS handoff`,
);

/** A row to mark sent, and who waits for the answer. */
interface SentMark {
  readonly item: ClaimedItem<unknown>;
  readonly at: Date;
  readonly platformMessageId: string | undefined;
  resolve(marked: boolean): void;
  reject(err: unknown): void;
}

/** The claim's scope: the outbox row `o` it considers. */
type ClaimScope = ExpressionBuilder<Database & { o: OutboxTable }, 'o'>;

/**
 * Whether another pending row of the same resident (commune, channel, user)
 * as the claim's row `o` comes before it (`<`) or after it (`>`) in id
 * order, as `exists` of a sub-select whose table is named `alias`.
 */
function pendingOfResident(eb: ClaimScope, alias: 'e' | 'f', side: '<' | '>') {
  // Typed as one alias: both name the outbox, so the columns' types are the same; the SQL names `alias`.
  const t = alias as 'e';
  return eb.exists(
    eb
      .selectFrom(`outbox as ${t}`)
      .select(`${t}.id`)
      .whereRef(`${t}.commune_id`, '=', 'o.commune_id')
      .whereRef(`${t}.channel`, '=', 'o.channel')
      .whereRef(`${t}.user_id`, '=', 'o.user_id')
      .where(`${t}.status`, '=', PENDING)
      .whereRef(`${t}.id`, side, 'o.id'),
  );
}

/**
 * The claim (PgOutboxStore.claim): the due pending rows that have no earlier
 * pending row of the same resident, `FOR UPDATE SKIP LOCKED`, stamped with the
 * lease. 'pending' is a literal, as in the partial index of pending rows.
 */
const claimDue = compiledOnce(
  (db, a: { communeId: string; channel: string; now: string; until: string; limit: number }) =>
    db
      .with('picked', (qb) =>
        qb
          .selectFrom('outbox as o')
          .select(['o.id', 'o.sending_at'])
          // Whether a later row of the resident waits: the dispatcher's drain goes on only then.
          .select((eb) => pendingOfResident(eb, 'f', '>').as('followed'))
          .where('o.commune_id', '=', a.communeId)
          .where('o.channel', '=', a.channel)
          .where('o.status', '=', PENDING)
          .where('o.next_attempt_at', '<=', a.now)
          // The resident's oldest pending row only: an earlier one in flight or waiting to retry keeps it back.
          .where((eb) => eb.not(pendingOfResident(eb, 'e', '<')))
          .orderBy('o.id')
          .limit(a.limit)
          .forUpdate()
          .skipLocked(),
      )
      .updateTable('outbox')
      .from('picked')
      .set((eb) => ({
        sending_at: a.now,
        next_attempt_at: a.until,
        // A claim that ended with no outcome (its process died) was an attempt: a reply that kills
        // every process that sends it is given up after the dispatcher's tries, not retried forever.
        attempts: eb(
          'outbox.attempts',
          '+',
          eb.case().when('picked.sending_at', 'is not', null).then(sql.lit(1)).else(sql.lit(0)).end(),
        ),
      }))
      .whereRef('outbox.id', '=', 'picked.id')
      .returning([
        'outbox.id',
        'outbox.user_id',
        'outbox.payload_json',
        'outbox.attempts',
        'picked.sending_at as previous',
        'picked.followed',
      ]),
);

/** Marks sent each row of the arrays whose claim is still its own (PgOutboxStore.markSent). */
const markSentRows = compiledOnce(
  (db, a: { communeId: string; ids: number[]; leases: string[]; at: string[]; messageIds: (string | null)[] }) =>
    sql<{ id: number }>`
      UPDATE outbox AS o
         SET status = 'sent', sent_at = m.sent_at, platform_message_id = m.message_id,
             payload_json = NULL, reason = NULL, sending_at = NULL
        FROM unnest(${a.ids}::bigint[], ${a.leases}::text[], ${a.at}::text[], ${a.messageIds}::text[])
             AS m(id, lease, sent_at, message_id)
       WHERE o.commune_id = ${a.communeId} AND o.id = m.id AND o.status = 'pending' AND o.sending_at = m.lease
   RETURNING o.id`,
);

export class PgOutboxStore<P> implements SharedOutboxStore<P> {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
    readonly channel: string,
  ) {}

  private tx<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return withCommune(this.db, this.communeId, fn);
  }

  enqueue(userId: string, payloads: readonly P[], at: Date): Promise<number[]> {
    return this.tx((trx) => insertOutboxRows(trx, this.communeId, this.channel, userId, payloads, at));
  }

  async claim(now: Date, limit: number, leaseMs: number): Promise<ClaimedItem<P>[]> {
    if (!(leaseMs > 0)) throw new Error('a lease must last some time');
    const nowIso = now.toISOString();
    const until = new Date(now.getTime() + leaseMs);
    const { communeId, channel } = this;
    const { rows } = await oneTrip(
      this.db,
      communeId,
      claimDue({ communeId, channel, now: nowIso, until: until.toISOString(), limit }),
    );
    return rows
      .sort((a, b) => a.id - b.id)
      .map((r) => ({
        id: r.id,
        userId: r.user_id,
        payload: JSON.parse(r.payload_json ?? 'null') as P,
        attempts: r.attempts,
        nextAttemptAt: now,
        ...(r.previous !== null && { sendingAt: new Date(r.previous) }),
        lease: nowIso,
        leaseUntil: until,
        followed: r.followed === true,
      }));
  }

  /** Applies `set` to the item's row if the claim is still its own. */
  private async settle(item: ClaimedItem<P>, set: Updateable<OutboxTable>): Promise<boolean> {
    const r = await oneTrip(
      this.db,
      this.communeId,
      this.db
        .updateTable('outbox')
        .set(set)
        .where('commune_id', '=', this.communeId)
        .where('id', '=', item.id)
        .where('status', '=', 'pending')
        .where('sending_at', '=', item.lease)
        .compile(),
    );
    return Number(r.numAffectedRows ?? 0) === 1;
  }

  /**
   * Marks sent, in one UPDATE with the other marks asked for while the
   * previous one was on its way (a pass's sends end together): one
   * transaction for a pass's rows instead of one each, and no wait when
   * nothing else is being marked.
   */
  markSent(item: ClaimedItem<P>, at: Date, platformMessageId: string | undefined): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.sentMarks.push({ item, at, platformMessageId, resolve, reject });
      if (!this.markingSent) void this.markSentRounds();
    });
  }

  private readonly sentMarks: SentMark[] = [];
  private markingSent = false;

  private async markSentRounds(): Promise<void> {
    this.markingSent = true;
    try {
      while (this.sentMarks.length > 0) {
        const marks = this.sentMarks.splice(0);
        try {
          const done = await this.markSentRows(marks);
          for (const m of marks) m.resolve(done.has(m.item.id));
        } catch (err) {
          for (const m of marks) m.reject(err);
        }
      }
    } finally {
      this.markingSent = false;
    }
  }

  /** Marks each row sent whose claim is still its own; the ids marked. */
  private async markSentRows(marks: readonly SentMark[]): Promise<Set<number>> {
    const rows = await oneTrip(
      this.db,
      this.communeId,
      markSentRows({
        communeId: this.communeId,
        ids: marks.map((m) => m.item.id),
        leases: marks.map((m) => m.item.lease),
        at: marks.map((m) => m.at.toISOString()),
        messageIds: marks.map((m) => m.platformMessageId ?? null),
      }),
    );
    return new Set(rows.rows.map((r) => Number(r.id)));
  }

  markRetry(item: ClaimedItem<P>, attempts: number, nextAttemptAt: Date, error: string): Promise<boolean> {
    return this.settle(item, {
      attempts,
      next_attempt_at: nextAttemptAt.toISOString(),
      reason: error,
      sending_at: null,
    });
  }

  markFailed(item: ClaimedItem<P>, error: string, at: Date): Promise<boolean> {
    return this.settle(item, { status: 'failed', reason: error, next_attempt_at: at.toISOString(), sending_at: null });
  }

  /**
   * The web's delivery (its "sender" is the HTTP answer): removes and returns
   * the user's oldest pending rows, at most `limit` (takeOwedRows).
   */
  takeOwed(userId: string, limit: number): Promise<P[]> {
    return this.tx((trx) => takeOwedRows<P>(trx, this.communeId, this.channel, userId, limit));
  }

  async holdAll(userId: string, reason: string, at: Date): Promise<void> {
    await this.tx((trx) =>
      trx
        .updateTable('outbox')
        .set({ status: 'held', reason, next_attempt_at: at.toISOString(), sending_at: null })
        .where('commune_id', '=', this.communeId)
        .where('channel', '=', this.channel)
        .where('user_id', '=', userId)
        .where('status', '=', 'pending')
        .execute(),
    );
  }

  release(userId: string, at: Date): Promise<number> {
    return this.tx((trx) => releaseHeldRows(trx, this.communeId, this.channel, userId, at));
  }

  async forgetDone(userId: string): Promise<void> {
    await this.tx((trx) =>
      trx
        .deleteFrom('outbox')
        .where('commune_id', '=', this.communeId)
        .where('channel', '=', this.channel)
        .where('user_id', '=', userId)
        .where('status', 'in', ['sent', 'failed'])
        .execute(),
    );
  }

  async counts(): Promise<OutboxCounts> {
    const rows = await this.tx((trx) =>
      trx
        .selectFrom('outbox')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('commune_id', '=', this.communeId)
        .where('channel', '=', this.channel)
        .groupBy('status')
        .execute(),
    );
    const of = (s: string): number => rows.find((r) => r.status === s)?.n ?? 0;
    return { pending: of('pending'), held: of('held'), failed: of('failed'), sent: of('sent') };
  }
}
