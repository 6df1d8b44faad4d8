/**
 * @module storage/pg/pgConversationLock
 *
 * One resident's turns in order across processes (issue 20 item 4). On
 * SQLite one process writes, and its channels run one resident's turns one
 * after another; with two processes on PostgreSQL, two turns of one resident
 * may arrive at once in two processes. Each turn therefore starts by locking
 * the resident's `conversation_state` row (`SELECT … FOR UPDATE`) and holds it
 * until it commits, so the second turn reads the state the first one wrote,
 * and its outbox rows get later ids than the first turn's (the dispatcher
 * sends a resident's rows in id order).
 *
 * A resident without a state yet has no row to lock: one is inserted
 * (`ON CONFLICT DO NOTHING`), with an empty state, and deleted again before
 * the commit when the turn saves nothing, so no other reader ever sees it.
 * A second turn inserting the same row meanwhile waits for the first
 * transaction (the unique index makes it), which is the lock we want. A row
 * deleted by the turn that held it is gone for its waiters: they insert
 * their own and try again.
 *
 * The lock may also read the conversation's open handoff thread (issue 20:
 * one round trip fewer per turn), `FOR SHARE` as pgTurnHandoff.ts reads it,
 * in the same statement: the thread is joined LATERAL to the locked row, so
 * the conversation is locked first and the thread after it, the order every
 * turn takes (a turn appending to the thread updates it while holding the
 * conversation; the other order would deadlock with it). What that read
 * cannot see: a statement keeps the snapshot it started with, so a thread
 * opened by the turn this one waited for (it held the conversation) is not
 * in it. The runner asks for the owner again after the engine, in a
 * statement of its own, and that one sees it.
 */
import { sql, type Transaction } from 'kysely';
import type { ConversationKey, ConversationState } from '../../core/ports.js';
import type { HandoffThread } from '../../core/stores/handoff.js';
import { joinedThread, threadOf, type JoinedThreadRow, type ThreadRow } from '../rowForms.js';
import { compiledOnce } from './compiledOnce.js';
import type { Database } from './schema.js';

/** A conversation locked by this transaction: its state when the lock was taken. */
export interface LockedConversation {
  readonly key: ConversationKey;
  readonly state: ConversationState | undefined;
  /** The row was inserted for the lock (no state before): delete it unless the turn saves one. */
  readonly placeholder: boolean;
  /**
   * Present when the open thread was read with the lock (`withThread`):
   * `open` is that thread, or undefined when none was open. Absent when it
   * was not read (another key, or a row inserted for the lock): ask apart.
   */
  readonly thread?: { readonly open: HandoffThread | undefined };
}

const PLACEHOLDER = '{}';
/** Tries before giving up: each lost try means another turn deleted the row while we waited. */
const TRIES = 20;

/**
 * Locks the conversations of `keys` in one order (channel, then user id), so
 * two transactions locking the same two never wait on each other; the lock
 * of `withThread` (one of `keys`) also reads its open handoff thread. With a
 * `claim`, the turn's claim (turn_claims, see pgTurnRunner.ts) is inserted
 * first, in the first lock's statement when that lock reads the thread:
 * undefined when the claim was taken already (nothing is locked then).
 */
export async function lockConversations(
  trx: Transaction<Database>,
  communeId: string,
  keys: readonly ConversationKey[],
  at: Date,
  withThread?: ConversationKey,
  claim?: string,
): Promise<LockedConversation[] | undefined> {
  const unique = new Map(keys.map((k) => [`${k.channel}\u0000${k.userId}`, k]));
  const sorted = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
  let toClaim = claim;
  const first = sorted[0];
  if (toClaim !== undefined && !(first && withThread && sameKey(first, withThread))) {
    const { rows } = await trx.executeQuery(claimTurn({ communeId, claim: toClaim, at: at.toISOString() }));
    if (rows.length === 0) return undefined;
    toClaim = undefined;
  }
  const locked: LockedConversation[] = [];
  for (const key of sorted) {
    const thread = withThread !== undefined && sameKey(key, withThread);
    const one = await lockOne(trx, communeId, key, at, thread, toClaim);
    if (!one) return undefined;
    toClaim = undefined;
    locked.push(one);
  }
  return locked;
}

async function lockOne(
  trx: Transaction<Database>,
  communeId: string,
  key: ConversationKey,
  at: Date,
  withThread: boolean,
  claim: string | undefined,
): Promise<LockedConversation | undefined> {
  const args = { communeId, channel: key.channel, userId: key.userId };
  const found = (row: LockedRow): LockedConversation => ({
    key,
    state: JSON.parse(row.state_json) as ConversationState,
    placeholder: false,
    ...(withThread && { thread: { open: row.thread ? threadOf(row.thread) : undefined } }),
  });
  const locked = async (): Promise<LockedRow | undefined> => {
    if (!withThread) return (await trx.executeQuery(lockRow(args))).rows[0];
    const row = (await trx.executeQuery(lockRowWithThread(args))).rows[0];
    return row && { state_json: row.state_json, thread: joinedThread(row) };
  };
  // Most turns find the row: one statement (the claim's too). A row another turn is inserting, or
  // deleting, is not found here (after waiting for a deleting one): the insert below waits on the unique index.
  let row: LockedRow | undefined;
  if (claim !== undefined) {
    const claimed = (await trx.executeQuery(claimLockWithThread({ ...args, claim, at: at.toISOString() }))).rows[0];
    if (!claimed) return undefined;
    if (claimed.state_json !== null) {
      row = { state_json: claimed.state_json, thread: joinedThread(claimed) };
    }
  } else {
    row = await locked();
  }
  if (row) return found(row);
  for (let i = 0; i < TRIES; i++) {
    const inserted = (await trx.executeQuery(insertPlaceholder({ ...args, at: at.toISOString() }))).rows[0];
    if (inserted) return { key, state: undefined, placeholder: true };
    const again = await locked();
    if (!again) continue; // deleted by the turn we waited for: insert again
    return found(again);
  }
  throw new Error('conversation lock: the row kept disappearing');
}

function sameKey(a: ConversationKey, b: ConversationKey): boolean {
  return a.channel === b.channel && a.userId === b.userId;
}

/** Writes (or deletes) the locked conversation's state in the turn's transaction. */
export async function saveConversation(
  trx: Transaction<Database>,
  communeId: string,
  key: ConversationKey,
  state: ConversationState | undefined,
  at: Date,
): Promise<void> {
  const args = { communeId, channel: key.channel, userId: key.userId };
  if (state === undefined) {
    await trx.executeQuery(deleteState(args));
    return;
  }
  await trx.executeQuery(updateState({ ...args, state: JSON.stringify(state), at: at.toISOString() }));
}

interface KeyArgs extends Record<string, unknown> {
  readonly communeId: string;
  readonly channel: string;
  readonly userId: string;
}

const lockRow = compiledOnce((db, a: KeyArgs) =>
  db
    .selectFrom('conversation_state')
    .select('state_json')
    .where('commune_id', '=', a.communeId)
    .where('channel', '=', a.channel)
    .where('user_id', '=', a.userId)
    .forUpdate(),
);

/** A locked row: its state, and the open thread when it was read along. */
interface LockedRow {
  readonly state_json: string;
  readonly thread?: ThreadRow | undefined;
}

/**
 * `lockRow` and the conversation's open thread `FOR SHARE`, joined LATERAL
 * to the locked row so that it is locked after the conversation (see the
 * module's note); the thread's columns are null when none is open.
 */
const lockRowWithThread = compiledOnce((db, a: KeyArgs) =>
  db
    .selectFrom((eb) =>
      eb
        .selectFrom('conversation_state')
        .select(['commune_id', 'channel', 'user_id', 'state_json'])
        .where('commune_id', '=', a.communeId)
        .where('channel', '=', a.channel)
        .where('user_id', '=', a.userId)
        .forUpdate()
        .as('c'),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('handoff_threads as h')
          .selectAll('h')
          .whereRef('h.commune_id', '=', 'c.commune_id')
          .whereRef('h.channel', '=', 'c.channel')
          .whereRef('h.user_id', '=', 'c.user_id')
          .where('h.status', '=', sql.lit('open' as const))
          .forShare()
          .as('t'),
      (join) => join.onTrue(),
    )
    .select('c.state_json')
    .selectAll('t'),
);

/** The turn's claim: a row, or none when another turn (in any process) made it first. */
const claimTurn = compiledOnce((db, a: { communeId: string; claim: string; at: string }) =>
  db
    .insertInto('turn_claims')
    .values({ commune_id: a.communeId, claim_key: a.claim, claimed_at: a.at })
    .onConflict((oc) => oc.columns(['commune_id', 'claim_key']).doNothing())
    .returning('claim_key'),
);

/**
 * `claimTurn`, then `lockRowWithThread` only when the claim was made (each
 * join refers to what comes before it, so they run in this order): no row
 * when the claim was taken already, `state_json` null when the conversation
 * has no row yet. The lock's snapshot is the statement's, taken before the
 * claim waited on another turn's, which the lock's row follows to its latest
 * version as a lock does; the thread is `lockRowWithThread`'s read.
 */
const claimLockWithThread = compiledOnce(
  (_db, a: KeyArgs & { readonly claim: string; readonly at: string }) => sql<
    JoinedThreadRow & { readonly state_json: string | null }
  >`
  WITH claim AS (
    INSERT INTO turn_claims (commune_id, claim_key, claimed_at) VALUES (${a.communeId}, ${a.claim}, ${a.at})
    ON CONFLICT (commune_id, claim_key) DO NOTHING
    RETURNING claim_key)
  SELECT c.state_json, t.*
    FROM claim
    LEFT JOIN LATERAL (
      SELECT commune_id, channel, user_id, state_json FROM conversation_state
       WHERE commune_id = ${a.communeId} AND channel = ${a.channel} AND user_id = ${a.userId}
         AND claim.claim_key IS NOT NULL
         FOR UPDATE) AS c ON true
    LEFT JOIN LATERAL (
      SELECT * FROM handoff_threads AS h
       WHERE h.commune_id = c.commune_id AND h.channel = c.channel AND h.user_id = c.user_id AND h.status = 'open'
         FOR SHARE) AS t ON true`,
);

const insertPlaceholder = compiledOnce((db, a: KeyArgs & { readonly at: string }) =>
  db
    .insertInto('conversation_state')
    .values({
      commune_id: a.communeId,
      channel: a.channel,
      user_id: a.userId,
      state_json: sql.lit(PLACEHOLDER),
      updated_at: a.at,
    })
    .onConflict((oc) => oc.columns(['commune_id', 'channel', 'user_id']).doNothing())
    .returning(sql<number>`1`.as('one')),
);

const deleteState = compiledOnce((db, a: KeyArgs) =>
  db
    .deleteFrom('conversation_state')
    .where('commune_id', '=', a.communeId)
    .where('channel', '=', a.channel)
    .where('user_id', '=', a.userId),
);

const updateState = compiledOnce((db, a: KeyArgs & { readonly state: string; readonly at: string }) =>
  db
    .updateTable('conversation_state')
    .set({ state_json: a.state, updated_at: a.at })
    .where('commune_id', '=', a.communeId)
    .where('channel', '=', a.channel)
    .where('user_id', '=', a.userId),
);
