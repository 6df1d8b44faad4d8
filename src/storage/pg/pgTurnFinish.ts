/**
 * @module storage/pg/pgTurnFinish
 *
 * The end of an answered PostgreSQL turn in one statement (issue 20): where
 * the runner asked whether a person took the conversation over while the
 * engine answered, then saved the engine's state, then queued its replies
 * (three round trips), this statement does the three. It reads the open
 * handoff thread `FOR SHARE`, as pgTurnHandoff.ts does, in a snapshot of its
 * own taken after the engine, so a thread another connection committed
 * meanwhile (or the turn this one waited for on the conversation's lock) is
 * seen; and only when there is none it writes the state and the outbox rows.
 * With a thread, nothing is written and the thread is returned: the runner
 * gives the message to it, as before.
 *
 * The conversation's row is locked by the turn already (pgConversationLock.ts),
 * so the thread is locked after it, the order every turn takes.
 */
import { sql, type Transaction } from 'kysely';
import type { ConversationKey, ConversationState } from '../../core/ports.js';
import type { HandoffThread } from '../../core/stores/handoff.js';
import { joinedThread, threadOf, type JoinedThreadRow } from '../rowForms.js';
import { compiledOnce } from './compiledOnce.js';
import { outboxRowsSql } from './pgOutboxStore.js';
import type { Database } from './schema.js';

/** What the engine saved for the conversation, and the replies to queue (rendered for the channel). */
export interface TurnFinish {
  readonly state: ConversationState;
  readonly stateAt: Date;
  readonly outbox: { readonly channel: string; readonly userId: string };
  readonly payloads: readonly unknown[];
  readonly at: Date;
}

/**
 * Saves the state and queues the payloads unless an open thread owns the
 * conversation of `key`; the outbox ids in the payloads' order, or the thread.
 */
export async function finishUnlessOwned(
  trx: Transaction<Database>,
  communeId: string,
  key: ConversationKey,
  finish: TurnFinish,
): Promise<{ readonly owner: HandoffThread } | { readonly queued: number[] }> {
  const at = finish.at.toISOString();
  const { rows } = await trx.executeQuery(
    finishTurn({
      communeId,
      channel: key.channel,
      userId: key.userId,
      state: JSON.stringify(finish.state),
      stateAt: finish.stateAt.toISOString(),
      outboxChannel: finish.outbox.channel,
      outboxUser: finish.outbox.userId,
      payloads: finish.payloads.map((p) => JSON.stringify(p)),
      at,
    }),
  );
  const row = rows[0];
  if (!row) throw new Error('turn finish: the statement gave no row');
  const owner = joinedThread(row);
  if (owner) return { owner: threadOf(owner) };
  return { queued: (row.queued ?? []).map(Number).sort((a, b) => a - b) };
}

interface FinishArgs extends Record<string, unknown> {
  readonly communeId: string;
  readonly channel: string;
  readonly userId: string;
  readonly state: string;
  readonly stateAt: string;
  readonly outboxChannel: string;
  readonly outboxUser: string;
  readonly payloads: string[];
  readonly at: string;
}

/** A thread's columns (null when no thread is open) and the ids queued (text: an int8 array is not parsed). */
type FinishRow = JoinedThreadRow & { readonly queued: string[] | null };

const finishTurn = compiledOnce(
  (_db, a: FinishArgs) => sql<FinishRow>`
  WITH owner AS (
    SELECT * FROM handoff_threads
     WHERE commune_id = ${a.communeId} AND channel = ${a.channel} AND user_id = ${a.userId} AND status = 'open'
       FOR SHARE),
  saved AS (
    UPDATE conversation_state SET state_json = ${a.state}, updated_at = ${a.stateAt}
     WHERE commune_id = ${a.communeId} AND channel = ${a.channel} AND user_id = ${a.userId}
       AND NOT EXISTS (SELECT FROM owner)),
  queued AS (
    ${outboxRowsSql({ communeId: a.communeId, channel: a.outboxChannel, userId: a.outboxUser, payloads: a.payloads, at: a.at })}
     WHERE NOT EXISTS (SELECT FROM owner)
     ORDER BY u.n
    RETURNING id)
  SELECT owner.*, (SELECT array_agg(id ORDER BY id)::text[] FROM queued) AS queued
    FROM (VALUES (1)) AS one (x) LEFT JOIN owner ON true`,
);
