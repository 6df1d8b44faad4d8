/**
 * @module storage/pg/pgTurnSql
 *
 * The statements that open and close a PostgreSQL turn (pgTurnRunner.ts),
 * written so a turn costs few round trips (issue 20: bench:scale measured
 * the service's CPU as mostly socket writes, one per statement, and a turn
 * was eleven of them besides the engine's).
 *
 * Opening, sent with the BEGIN in one query (tenant.ts `Opening`), each
 * statement on a snapshot of its own:
 *  1. the claim and the conversation's row lock as one statement (the lock
 *     is taken only once the claim is ours; a resident's first turn inserts
 *     the locked row, pgConversationLock.ts);
 *  2. the open thread that owns the conversation, `FOR SHARE`, and 3. (web)
 *     the citizen the identity stands for; both read after the lock, so
 *     they see what a turn of the same resident that held it committed.
 *
 * Closing, one statement before the COMMIT: the channel's own writes (the
 * window, held replies released, the handled mark), the state saved or the
 * lock's placeholder row deleted, the replies queued, and (web) the citizen
 * now. With `guard`, the state and the replies are written only while no
 * thread owns the conversation, read here `FOR SHARE` on a fresh snapshot:
 * staff who took it over while the engine answered win (the runner then
 * gives the message to their thread).
 */
import { sql, type CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type { ConversationKey, ConversationState } from '../../core/ports.js';
import type { PgDb } from './db.js';
import type { Database } from './schema.js';

const PLACEHOLDER = '{}';

/** What the opening's first statement says. */
export interface LockRow {
  readonly claimed: boolean;
  /** The state under the lock; null: no row was found (`placeholder` says whether one was inserted). */
  readonly state: string | null;
  readonly placeholder: boolean;
}

/**
 * The claim (when `claim` is given) and the lock of `key`'s conversation
 * row, or the insertion of a placeholder row to hold it when there is none.
 * Neither is tried when the claim is another turn's. A row another turn is
 * inserting or deleting meanwhile leaves `state` null and `placeholder`
 * false: the runner then locks it the long way (pgConversationLock.ts).
 */
export function claimAndLock(
  db: Kysely<Database>,
  communeId: string,
  claim: string | undefined,
  key: ConversationKey,
  at: Date,
): CompiledQuery<LockRow> {
  const iso = at.toISOString();
  const claimed =
    claim === undefined
      ? sql`SELECT 1 AS one`
      : sql`INSERT INTO turn_claims (commune_id, claim_key, claimed_at) VALUES (${communeId}, ${claim}, ${iso})
             ON CONFLICT (commune_id, claim_key) DO NOTHING RETURNING 1 AS one`;
  return sql<LockRow>`
    WITH claim AS (${claimed}),
    locked AS (
      SELECT state_json FROM conversation_state
       WHERE commune_id = ${communeId} AND channel = ${key.channel} AND user_id = ${key.userId}
         AND EXISTS (SELECT 1 FROM claim)
         FOR UPDATE),
    inserted AS (
      INSERT INTO conversation_state (commune_id, channel, user_id, state_json, updated_at)
      SELECT ${communeId}, ${key.channel}, ${key.userId}, ${PLACEHOLDER}, ${iso}
       WHERE EXISTS (SELECT 1 FROM claim) AND NOT EXISTS (SELECT 1 FROM locked)
      ON CONFLICT (commune_id, channel, user_id) DO NOTHING RETURNING 1 AS one)
    SELECT EXISTS (SELECT 1 FROM claim) AS claimed, (SELECT state_json FROM locked) AS state,
           EXISTS (SELECT 1 FROM inserted) AS placeholder`.compile(db);
}

/** The state a lock row holds, parsed. */
export function lockedState(row: LockRow): ConversationState | undefined {
  return row.state === null ? undefined : (JSON.parse(row.state) as ConversationState);
}

/** The citizen an identity stands for now (the web's before and after). */
export function identityCitizen(
  db: Kysely<Database>,
  communeId: string,
  channel: string,
  userId: string,
): CompiledQuery<{ citizen_id: string }> {
  return db
    .selectFrom('citizen_identities')
    .select('citizen_id')
    .where('commune_id', '=', communeId)
    .where('channel', '=', channel)
    .where('user_id', '=', userId)
    .compile();
}

/** What becomes of the locked conversation's row at the close. */
export type StateWrite =
  | { readonly op: 'set'; readonly state: ConversationState; readonly at: Date }
  | { readonly op: 'delete' }
  | { readonly op: 'keep' };

export interface Closing {
  readonly communeId: string;
  /** The outbox the replies go to, and its resident. */
  readonly channel: string;
  readonly userId: string;
  readonly payloads: readonly unknown[];
  readonly at: Date;
  /** The conversation whose row the turn locked, and what becomes of it. */
  readonly conversation?: { readonly key: ConversationKey; readonly write: StateWrite };
  /** The channel's own writes: data-changing statements, each with a RETURNING clause (its rows are counted). */
  readonly writes: readonly RawBuilder<unknown>[];
  /** Write the state and the replies only while no open thread owns `guard` (checked here, `FOR SHARE`). */
  readonly guard?: ConversationKey;
  /** Also read the citizen of the outbox's identity (the web). */
  readonly readsCitizen?: boolean;
  /**
   * Queue the first reply already claimed by this process until `leaseUntil`
   * (pgOutboxStore.ts's lease: pending, `sending_at` the claim's time), so
   * its dispatcher sends it without a claim of its own; only when the
   * resident has no other reply pending or held, whose turn it would be.
   */
  readonly leaseUntil?: Date;
}

export interface ClosingRow {
  /** Ids of the rows queued, ascending (none when the guard held them back). */
  readonly ids: readonly number[] | null;
  /** The first reply's id when it was queued claimed (`leaseUntil`). */
  readonly leased: number | null;
  /** The open thread the guard found; nothing of the state or replies was written then. */
  readonly owner: number | null;
  /** Rows returned by each of the channel's writes. */
  readonly written: readonly number[] | null;
  readonly citizen: string | null;
}

/** The closing statement (one round trip); the COMMIT follows it. */
export function closingStatement(db: PgDb, c: Closing): CompiledQuery<ClosingRow> {
  const { communeId, at } = c;
  const iso = at.toISOString();
  const ctes: RawBuilder<unknown>[] = [];
  const guard = c.guard;
  ctes.push(
    guard
      ? sql`owner AS (SELECT id FROM handoff_threads
             WHERE commune_id = ${communeId} AND channel = ${guard.channel} AND user_id = ${guard.userId}
               AND status = 'open' FOR SHARE)`
      : sql`owner AS (SELECT NULL::bigint AS id WHERE false)`,
  );
  c.writes.forEach((w, i) => ctes.push(sql`${sql.raw(`w${i}`)} AS (${w})`));
  const conv = c.conversation;
  if (conv && conv.write.op !== 'keep') {
    const where = sql`commune_id = ${communeId} AND channel = ${conv.key.channel} AND user_id = ${conv.key.userId}
                      AND NOT EXISTS (SELECT 1 FROM owner)`;
    ctes.push(
      conv.write.op === 'set'
        ? sql`state AS (UPDATE conversation_state
                SET state_json = ${JSON.stringify(conv.write.state)}, updated_at = ${conv.write.at.toISOString()}
                WHERE ${where})`
        : sql`state AS (DELETE FROM conversation_state WHERE ${where})`,
    );
  }
  if (c.payloads.length > 0) {
    const values = sql.join(c.payloads.map((p, i) => sql`(${i}::int, ${JSON.stringify(p)}::text)`));
    // Read before this statement's writes: a held reply released above still reads 'held' here.
    const leased = c.leaseUntil
      ? sql`v.n = 0 AND NOT EXISTS (SELECT 1 FROM outbox
              WHERE commune_id = ${communeId} AND channel = ${c.channel} AND user_id = ${c.userId}
                AND status IN ('pending', 'held'))`
      : sql`false`;
    const until = c.leaseUntil?.toISOString() ?? iso;
    // Identity values are drawn in the order the rows arrive: ascending ids are the payloads' order.
    ctes.push(sql`queued AS (
      INSERT INTO outbox (commune_id, channel, user_id, payload_json, status, next_attempt_at, sending_at, created_at)
      SELECT ${communeId}, ${c.channel}, ${c.userId}, v.payload, 'pending',
             CASE WHEN ${leased} THEN ${until} ELSE ${iso} END, CASE WHEN ${leased} THEN ${iso} END, ${iso}
        FROM (VALUES ${values}) AS v(n, payload)
       WHERE NOT EXISTS (SELECT 1 FROM owner)
       ORDER BY v.n
      RETURNING id, sending_at)`);
  }
  const ids = c.payloads.length > 0 ? sql`(SELECT json_agg(id ORDER BY id) FROM queued)` : sql`NULL::json`;
  const leasedId =
    c.payloads.length > 0 ? sql`(SELECT id FROM queued WHERE sending_at IS NOT NULL)` : sql`NULL::bigint`;
  const written =
    c.writes.length > 0
      ? sql`json_build_array(${sql.join(c.writes.map((_w, i) => sql`(SELECT count(*) FROM ${sql.raw(`w${i}`)})`))})`
      : sql`NULL::json`;
  const citizen = c.readsCitizen
    ? sql`(SELECT citizen_id FROM citizen_identities
            WHERE commune_id = ${communeId} AND channel = ${c.channel} AND user_id = ${c.userId})`
    : sql`NULL::text`;
  return sql<ClosingRow>`
    WITH ${sql.join(ctes)}
    SELECT ${ids} AS ids, ${leasedId} AS leased, (SELECT id FROM owner) AS owner, ${written} AS written, ${citizen} AS citizen`.compile(
    db,
  );
}
