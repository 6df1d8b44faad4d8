/**
 * @module storage/pg/pgTurnRunner
 *
 * Runs one turn on PostgreSQL (issue 18 item 1, issue 20 item 4): the same
 * contract as the SQLite runner (core/stores/turns.ts), for two or more
 * processes sharing one database. A turn is ONE transaction, in this order:
 *
 *  1. the claim: `INSERT … ON CONFLICT DO NOTHING` on turn_claims. A second
 *     process holding the same redelivered update waits on the first one's
 *     uncommitted row (the primary key), then finds it and answers nothing;
 *     if the first one rolls back, the second runs the turn.
 *  2. the resident's conversation row, locked (pgConversationLock.ts): a
 *     second turn of the resident, in any process, waits here until this
 *     one commits, then reads the state this one wrote.
 *  3. the channel's own writes (`alongside`), the engine (its state read and
 *     kept in the buffer, pgTurnState.ts), the handoff re-check, the state
 *     written, the replies queued; then COMMIT.
 *
 * Round trips (issue 20): the claim, the lock and the reads before the
 * engine go with the BEGIN, and the channel's writes, the state and the
 * replies are one statement before the COMMIT (pgTurnSql.ts), so a turn
 * costs the engine's own statements plus three.
 *
 * What replaces SQLite's single writer: the SQLite runner checks the claim
 * before the engine and writes it after (a redelivery in another process
 * meanwhile would run the engine again; only its in-process `inFlight` set
 * and the one writer's final INSERT OR IGNORE stop a second answer), and it
 * relies on the channels to run one resident's turns one after another. Here
 * the claim's row and the conversation's row lock do both, across processes.
 * The price: the transaction (and a pooled connection) is held while the
 * engine waits on retrieval or a model, which PostgreSQL, unlike SQLite,
 * allows without stopping other writers. The engine's stores of this
 * commune write in the turn's transaction (tenant.ts `sharingTransaction`),
 * so a turn is one commit and one connection; the pool must still be larger
 * than the number of turns run at once, for what is not the turn's (the
 * channels' own reads, the dispatchers, the staff console).
 *
 * Handoff, as on SQLite: while a person owns the conversation the engine is
 * not run and the message goes to the thread (acknowledged the first time);
 * the owner is asked again after the engine, so a thread opened meanwhile
 * wins; a reply carrying `handoff` opens the thread in the same commit.
 */
import type { CompiledQuery, RawBuilder, Transaction } from 'kysely';
import type { Engine } from '../../core/conversation/engine.js';
import { ACKNOWLEDGED, OWNED } from '../../core/handoff/texts.js';
import { forChannel, threadText } from '../../core/handoff/turnMessages.js';
import type { IncomingMessage, OutgoingReply } from '../../core/messages.js';
import type { Clock, ConversationKey } from '../../core/ports.js';
import type { HandoffThread } from '../../core/stores/handoff.js';
import type { ClaimedItem } from '../../core/stores/sharedOutbox.js';
import type { TurnOutcome, TurnRequest, TurnRunner } from '../../core/stores/turns.js';
import type { PgDb } from './db.js';
import { lockConversations, saveConversation, type LockedConversation } from './pgConversationLock.js';
import { insertOutboxRows } from './pgOutboxStore.js';
import type { PgTurnHandoffStore } from './pgTurnHandoff.js';
import type { PendingState, PgTurnStateBuffer } from './pgTurnState.js';
import {
  claimAndLock,
  closingStatement,
  identityCitizen,
  lockedState,
  type ClosingRow,
  type LockRow,
  type StateWrite,
} from './pgTurnSql.js';
import type { Database } from './schema.js';
import { threadOf, type ThreadRow } from '../rowForms.js';
import { Slots } from './slots.js';
import { sharingTransaction, withCommune, type Opening } from './tenant.js';

/**
 * A turn as the PostgreSQL runner takes it. Every `TurnRequest` is one: the
 * outbox is named by its channel (the rows are written in the turn's own
 * transaction), and `alongside` may take that transaction for the channel's
 * own PostgreSQL writes (a plain `() => void` runs inside it too, and a throw
 * rolls the turn back).
 */
export interface PgTurnRequest<P> extends Omit<TurnRequest<P>, 'outbox' | 'alongside'> {
  readonly outbox: { readonly channel: string };
  readonly alongside?: (trx: Transaction<Database>) => void | Promise<void>;
  /**
   * The channel's own writes, in the statement that queues the replies
   * (pgTurnSql.ts `Closing.writes`: data-changing statements with a
   * RETURNING clause); `written` hears how many rows each returned, once
   * the turn committed.
   */
  readonly writes?: (at: Date) => readonly RawBuilder<unknown>[];
  readonly written?: (rows: readonly number[]) => void;
  /**
   * Who the outbox's identity stands for before and after the turn (the
   * web rotates the session when it changes), read in the turn's own
   * statements; given once the turn committed.
   */
  readonly citizen?: (before: string | undefined, after: string | undefined) => void;
  /**
   * Queue the first reply already claimed for this process's dispatcher,
   * for `ms` (its lease): `claimed` gets it once the turn committed, to send
   * without claiming it again (pgTurnSql.ts `Closing.leaseUntil`).
   */
  readonly lease?: { readonly ms: number; claimed(item: ClaimedItem<P>): void };
}

/** The handoff as the runner needs it, and who hears of a new thread (inside the commit that opened it). */
export interface PgTurnHandoffDeps {
  readonly store: PgTurnHandoffStore;
  opened?(trx: Transaction<Database>, thread: HandoffThread, at: Date): Promise<void>;
}

export interface PgTurnRunnerDeps {
  readonly db: PgDb;
  readonly communeId: string;
  readonly engine: Engine;
  readonly clock: Clock;
  /**
   * The engine's conversation store. Required: the turn holds the
   * conversation's row lock, so the engine must read and save that
   * conversation through the buffer, never on a connection of its own.
   */
  readonly state: PgTurnStateBuffer;
  readonly handoff?: PgTurnHandoffDeps;
  /**
   * Turns holding a transaction at once, in this process (default 4); the
   * others wait their turn. Keep it below the pool's connections (pool.ts,
   * 10 by default): the dispatchers and the console need connections while turns hold theirs.
   */
  readonly maxTurns?: number;
}

const DUPLICATE: TurnOutcome = { duplicate: true };

export class PgTurnRunner implements TurnRunner {
  /** Claims of turns running in this process: a redelivery meanwhile is answered at once, without a connection. */
  private readonly inFlight = new Set<string>();
  private readonly slots: Slots;

  constructor(private readonly deps: PgTurnRunnerDeps) {
    this.slots = new Slots(deps.maxTurns ?? 4);
  }

  /** The same runner over another engine (tests: a slow or failing one). */
  withEngine(engine: Engine): PgTurnRunner {
    return new PgTurnRunner({ ...this.deps, engine });
  }

  async run<P>(req: PgTurnRequest<P>): Promise<TurnOutcome> {
    const claim = req.claim;
    if (claim !== undefined) {
      if (this.inFlight.has(claim)) return DUPLICATE;
      this.inFlight.add(claim);
    }
    try {
      return await this.slots.run(async () => {
        const plan = this.plan(req);
        const outcome = await withCommune(
          this.deps.db,
          this.deps.communeId,
          (trx) => this.turn(trx, req, plan),
          plan.opening,
        );
        if (!outcome.duplicate) {
          if (plan.written) req.written?.(plan.written);
          req.citizen?.(plan.citizenBefore, plan.citizenAfter);
          if (plan.leased) req.lease?.claimed(plan.leased as ClaimedItem<P>);
        }
        return outcome;
      });
    } finally {
      if (claim !== undefined) this.inFlight.delete(claim);
    }
  }

  /**
   * The statements the turn opens with: the claim and lock of its one
   * conversation (a turn of two, a group's, locks them the long way after),
   * the owner and the citizen read after them, and the shared savepoint.
   */
  private plan<P>(req: PgTurnRequest<P>): TurnPlan {
    const { db, communeId, clock } = this.deps;
    const started = clock.now();
    const message = req.message;
    const keys: ConversationKey[] = [{ channel: req.outbox.channel as ConversationKey['channel'], userId: req.userId }];
    if (message && !sameKey(keys[0]!, message)) keys.push(message);
    const single = keys.length === 1 ? keys[0] : undefined;
    const lock = single ? claimAndLock(db, communeId, req.claim, single, started) : undefined;
    const owner =
      this.deps.handoff && message && message.chat !== 'group'
        ? this.deps.handoff.store.openThreadQuery(db, message.channel, message.userId)
        : undefined;
    const citizen = req.citizen ? identityCitizen(db, communeId, req.outbox.channel, req.userId) : undefined;
    const statements = single ? [lock!, ...(owner ? [owner] : []), ...(citizen ? [citizen] : [])] : [];
    return { started, keys, single, lock, owner, citizen, opening: { statements, savepoint: single !== undefined } };
  }

  /** The opening's rows: those sent with the BEGIN, or (a joined transaction) run here one by one. */
  private async opened(trx: Transaction<Database>, plan: TurnPlan): Promise<readonly (readonly unknown[])[]> {
    if (plan.opening.results) return plan.opening.results;
    const rows: (readonly unknown[])[] = [];
    for (const q of plan.opening.statements) rows.push((await trx.executeQuery(q)).rows);
    return rows;
  }

  private async turn<P>(trx: Transaction<Database>, req: PgTurnRequest<P>, plan: TurnPlan): Promise<TurnOutcome> {
    const { communeId, clock } = this.deps;
    // The savepoint that went with the BEGIN serves only when nothing the engine's failure must not undo
    // came after it (a row locked the long way, the channel's own `alongside`): else another is taken.
    let savepointTaken = plan.opening.results !== undefined && plan.opening.savepoint === true && !req.alongside;
    const message = req.message;
    let locked: LockedConversation[];
    let owner: HandoffThread | undefined;
    if (plan.single) {
      const [lockRows, ...reads] = await this.opened(trx, plan);
      const lock = lockRows?.[0] as LockRow | undefined;
      if (!lock?.claimed) return DUPLICATE;
      if (lock.state === null && !lock.placeholder) {
        // Another turn was inserting or deleting the row: locked the long way, then read again.
        locked = await lockConversations(trx, communeId, plan.keys, plan.started);
        savepointTaken = false;
        owner = await this.ownerOf(trx, message);
        if (plan.citizen) plan.citizenBefore = (await trx.executeQuery(plan.citizen)).rows[0]?.citizen_id;
      } else {
        locked = [{ key: plan.single, state: lockedState(lock), placeholder: lock.placeholder }];
        const ownerRow = plan.owner ? (reads.shift()?.[0] as ThreadRow | undefined) : undefined;
        owner = ownerRow ? threadOf(ownerRow) : undefined;
        if (plan.citizen) plan.citizenBefore = (reads.shift()?.[0] as { citizen_id: string } | undefined)?.citizen_id;
      }
    } else {
      if (req.claim !== undefined && !(await this.claimed(trx, req.claim, plan.started))) return DUPLICATE;
      // The outbox's resident is locked too (not the message's own for a group), so the rows queued for
      // them keep the order of their turns.
      locked = await lockConversations(trx, communeId, plan.keys, plan.started);
      owner = await this.ownerOf(trx, message);
      if (plan.citizen) plan.citizenBefore = (await trx.executeQuery(plan.citizen)).rows[0]?.citizen_id;
    }
    await req.alongside?.(trx);

    let replies: OutgoingReply[];
    let pending: PendingState = { op: 'none' };
    let guarded = false;
    if (owner && message) {
      replies = await this.toThread(trx, owner, message, clock.now());
    } else {
      const answer = await this.replies(trx, req, locked, savepointTaken);
      replies = answer.replies;
      pending = answer.pending;
      // Staff took the conversation over while the answer was being prepared: the answer is not sent
      // (the closing statement checks, and writes neither state nor replies then).
      guarded = message !== undefined && message.chat !== 'group' && this.deps.handoff !== undefined;
    }
    const now = clock.now();
    const close = await this.close(trx, req, plan, locked, replies, pending, guarded ? message : undefined, now);
    if (close.owner !== null && message) {
      const thread = await this.deps.handoff!.store.openThreadOf(trx, message.channel, message.userId);
      replies = thread ? await this.toThread(trx, thread, message, now) : [];
      for (const l of locked) if (l.placeholder) await saveConversation(trx, communeId, l.key, undefined, now);
      const queued = await insertOutboxRows(
        trx,
        communeId,
        req.outbox.channel,
        req.userId,
        replies.length > 0 ? req.render(forChannel(replies)) : [],
        now,
      );
      return { duplicate: false, replies, queued };
    }
    await this.openThread(trx, message, replies, now);
    return { duplicate: false, replies, queued: close.ids ?? [] };
  }

  /**
   * The closing statement: the channel's writes, the state (or the lock's
   * placeholder row removed), the replies; a conversation locked beyond the
   * statement's one (a group's) is settled first, one statement each.
   */
  private async close<P>(
    trx: Transaction<Database>,
    req: PgTurnRequest<P>,
    plan: TurnPlan,
    locked: readonly LockedConversation[],
    replies: readonly OutgoingReply[],
    pending: PendingState,
    guard: IncomingMessage | undefined,
    now: Date,
  ): Promise<ClosingRow> {
    const { db, communeId } = this.deps;
    // The statement settles the message's conversation (or the outbox's, for a turn without one).
    const main = req.message ?? locked[0]?.key;
    let write: StateWrite = { op: 'keep' };
    for (const l of locked) {
      const own = main !== undefined && sameKey(l.key, main) && req.message !== undefined;
      const w: StateWrite = own
        ? stateWrite(pending, l.placeholder)
        : l.placeholder
          ? { op: 'delete' }
          : { op: 'keep' };
      if (main !== undefined && sameKey(l.key, main)) write = w;
      else if (w.op === 'delete') await saveConversation(trx, communeId, l.key, undefined, now);
    }
    const payloads = replies.length > 0 ? req.render(forChannel(replies)) : [];
    // Not when the turn opens a thread: staff hear of it through rows of their own, which the channel's
    // drain sends (it runs when no reply came claimed).
    const leaseUntil =
      req.lease && !replies.some((r) => r.handoff) ? new Date(now.getTime() + req.lease.ms) : undefined;
    const row = (
      await trx.executeQuery(
        closingStatement(db, {
          communeId,
          channel: req.outbox.channel,
          userId: req.userId,
          payloads,
          at: now,
          ...(leaseUntil && { leaseUntil }),
          ...(main && { conversation: { key: main, write } }),
          writes: req.writes?.(now) ?? [],
          ...(guard && { guard }),
          readsCitizen: req.citizen !== undefined,
        }),
      )
    ).rows[0];
    if (!row) throw new Error("the turn's closing statement returned no row");
    if (row.written) plan.written = row.written;
    if (row.leased !== null && leaseUntil) {
      plan.leased = {
        id: row.leased,
        userId: req.userId,
        payload: payloads[0],
        attempts: 0,
        nextAttemptAt: now,
        lease: now.toISOString(),
        leaseUntil,
        followed: payloads.length > 1,
      };
    }
    plan.citizenAfter = row.citizen ?? undefined;
    return row;
  }

  /** Claims the inbound message; false when another turn (in any process) already did. */
  private async claimed(trx: Transaction<Database>, claim: string, at: Date): Promise<boolean> {
    const row = await trx
      .insertInto('turn_claims')
      .values({ commune_id: this.deps.communeId, claim_key: claim, claimed_at: at.toISOString() })
      .onConflict((oc) => oc.columns(['commune_id', 'claim_key']).doNothing())
      .returning('claim_key')
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * The engine's replies (or the channel's own), its state held in the buffer
   * from the locked row; what it saved is taken back before anything else can
   * fail, so the buffer never keeps a conversation open past its turn.
   */
  private async replies<P>(
    trx: Transaction<Database>,
    req: PgTurnRequest<P>,
    locked: readonly LockedConversation[],
    savepointTaken: boolean,
  ): Promise<{ replies: OutgoingReply[]; pending: PendingState }> {
    const message = req.message;
    if (!message) return { replies: [...(req.replies ?? [])], pending: { op: 'none' } };
    const buffer = this.deps.state;
    buffer.begin(message, locked.find((l) => sameKey(l.key, message))?.state);
    let replies: OutgoingReply[];
    try {
      // The engine's own stores (citizens, attempts, the logs) write in this transaction too (tenant.ts).
      replies = await sharingTransaction(
        this.deps.db,
        this.deps.communeId,
        trx,
        () => this.deps.engine.handle(message),
        savepointTaken,
      );
    } catch (err) {
      // Nothing the engine meant to save for this turn is kept.
      buffer.take(message);
      if (!req.onError) throw err;
      return { replies: [...req.onError(err)], pending: { op: 'none' } };
    }
    return { replies, pending: buffer.take(message) };
  }

  /** The open thread that owns this message's conversation, if any (a group's messages never belong to one). */
  private async ownerOf(
    trx: Transaction<Database>,
    message: IncomingMessage | undefined,
  ): Promise<HandoffThread | undefined> {
    const handoff = this.deps.handoff;
    if (!handoff || !message || message.chat === 'group') return undefined;
    return handoff.store.openThreadOf(trx, message.channel, message.userId);
  }

  /** Appends the resident's message to the owning thread; the acknowledgement to queue, the first time only. */
  private async toThread(
    trx: Transaction<Database>,
    thread: HandoffThread,
    message: IncomingMessage,
    at: Date,
  ): Promise<OutgoingReply[]> {
    const store = this.deps.handoff?.store;
    if (!store) return [];
    // A press (the page's welcome on reload, an old button) is nothing to show staff: the resident hears who answers.
    if (!message.text?.trim()) return [{ kind: 'notice', text: OWNED }];
    const first = !(await store.residentWrote(trx, thread.id));
    await store.appendResident(trx, thread.id, threadText(message), at);
    return first ? [{ kind: 'notice', text: ACKNOWLEDGED }] : [];
  }

  /** Opens the thread a reply asks for (inside the turn's commit), and lets staff hear of it. */
  private async openThread(
    trx: Transaction<Database>,
    message: IncomingMessage | undefined,
    replies: readonly OutgoingReply[],
    at: Date,
  ): Promise<void> {
    const handoff = this.deps.handoff;
    const request = replies.find((r) => r.handoff)?.handoff;
    if (!handoff || !message || !request || message.chat === 'group') return;
    const thread = await handoff.store.open(trx, {
      channel: message.channel,
      userId: message.userId,
      reason: request.reason,
      ...(request.citizenId !== undefined && { citizenId: request.citizenId }),
      ...(request.hamletId !== undefined && { hamletId: request.hamletId }),
      ...(request.suspendedQuiz !== undefined && { suspendedQuiz: request.suspendedQuiz }),
      at,
    });
    // Asked again while one is open (a replayed message): staff already heard of it.
    if (thread.openedAt === at.toISOString()) await handoff.opened?.(trx, thread, at);
  }
}

/** What the turn plans to send with its BEGIN, and what its statements said (for the caller, after the commit). */
interface TurnPlan {
  readonly started: Date;
  readonly keys: readonly ConversationKey[];
  /** The one conversation the opening locks (absent: a turn of two conversations, locked the long way). */
  readonly single: ConversationKey | undefined;
  readonly lock: CompiledQuery<LockRow> | undefined;
  readonly owner: CompiledQuery<ThreadRow> | undefined;
  readonly citizen: CompiledQuery<{ citizen_id: string }> | undefined;
  readonly opening: Opening;
  written?: readonly number[];
  leased?: ClaimedItem<unknown>;
  citizenBefore?: string;
  citizenAfter?: string;
}

/** The row write for the message's own conversation: the engine's save, or the placeholder removed. */
function stateWrite(pending: PendingState, placeholder: boolean): StateWrite {
  if (pending.op === 'set') return { op: 'set', state: pending.state, at: pending.at };
  if (pending.op === 'delete' || placeholder) return { op: 'delete' };
  return { op: 'keep' };
}

function sameKey(a: ConversationKey, b: ConversationKey): boolean {
  return a.channel === b.channel && a.userId === b.userId;
}
