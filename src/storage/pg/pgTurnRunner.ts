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
 *     if the first one rolls back, the second runs the turn. It goes in
 *     the statement of step 2 when that one reads the handoff thread.
 *  2. the resident's conversation row, locked (pgConversationLock.ts): a
 *     second turn of the resident, in any process, waits here until this
 *     one commits, then reads the state this one wrote. The same statement
 *     reads the conversation's open handoff thread (one round trip fewer).
 *  3. the channel's own writes (`alongside`), the engine (its state read and
 *     kept in the buffer, pgTurnState.ts), the handoff re-check, the state
 *     written, the replies queued (the last three in one statement when the
 *     engine saved a state, pgTurnFinish.ts); then COMMIT.
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
 * wins (and one opened by the turn this one waited for on the lock, which
 * the lock's statement, its snapshot taken before the wait, cannot see);
 * a reply carrying `handoff` opens the thread in the same commit.
 */
import type { Transaction } from 'kysely';
import type { Engine } from '../../core/conversation/engine.js';
import { ACKNOWLEDGED, OWNED } from '../../core/handoff/texts.js';
import { forChannel, threadText } from '../../core/handoff/turnMessages.js';
import type { IncomingMessage, OutgoingReply } from '../../core/messages.js';
import type { Clock, ConversationKey } from '../../core/ports.js';
import type { HandoffThread } from '../../core/stores/handoff.js';
import type { TurnOutcome, TurnRequest, TurnRunner } from '../../core/stores/turns.js';
import type { PgDb } from './db.js';
import { lockConversations, saveConversation, type LockedConversation } from './pgConversationLock.js';
import { insertOutboxRows } from './pgOutboxStore.js';
import { finishUnlessOwned } from './pgTurnFinish.js';
import type { PgTurnHandoffStore } from './pgTurnHandoff.js';
import type { PendingState, PgTurnStateBuffer } from './pgTurnState.js';
import type { Database } from './schema.js';
import { Slots } from './slots.js';
import { sharingTransaction, withCommune } from './tenant.js';

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
   * Runs in the turn's transaction once its replies are queued, just before
   * the commit (the web reads there who the session stands for now, rather
   * than in a transaction of its own after the turn).
   */
  readonly after?: (trx: Transaction<Database>) => Promise<void>;
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

/** A turn's replies, whether a state now stands in its conversation's row, and the outbox ids if queued already. */
interface Finished {
  readonly replies: OutgoingReply[];
  readonly saved: boolean;
  readonly queued?: number[];
}

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
      return await this.slots.run(() => withCommune(this.deps.db, this.deps.communeId, (trx) => this.turn(trx, req)));
    } finally {
      if (claim !== undefined) this.inFlight.delete(claim);
    }
  }

  private async turn<P>(trx: Transaction<Database>, req: PgTurnRequest<P>): Promise<TurnOutcome> {
    const { communeId, clock } = this.deps;
    const started = clock.now();
    const message = req.message;
    // The outbox's resident is locked too (mostly the same row; not for a group, nor a turn without a
    // message), so the rows queued for them keep the order of their turns.
    const keys: ConversationKey[] = [{ channel: req.outbox.channel as ConversationKey['channel'], userId: req.userId }];
    if (message) keys.push(message);
    // The owner is read with the conversation's lock (one statement, pgConversationLock.ts).
    const asked = this.owned(message);
    // The claim first (in the lock's statement when it can): a turn another made already is a duplicate.
    const locked = await lockConversations(trx, communeId, keys, started, asked, req.claim);
    if (!locked) return DUPLICATE;
    await req.alongside?.(trx);

    const read = asked && locked.find((l) => sameKey(l.key, asked))?.thread;
    const owner = read ? read.open : await this.ownerOf(trx, message);
    const done: Finished =
      owner && message
        ? { replies: await this.toThread(trx, owner, message, clock.now()), saved: false }
        : await this.finish(trx, req, await this.replies(trx, req, locked), clock.now());
    const { replies, saved } = done;
    const now = clock.now();
    // A row inserted only to be locked goes again (the turn saved no state in it).
    for (const l of locked) {
      if (l.placeholder && !(saved && message && sameKey(l.key, message))) {
        await saveConversation(trx, communeId, l.key, undefined, now);
      }
    }
    const queued =
      done.queued ??
      (await insertOutboxRows(
        trx,
        communeId,
        req.outbox.channel,
        req.userId,
        replies.length > 0 ? req.render(forChannel(replies)) : [],
        now,
      ));
    await req.after?.(trx);
    return { duplicate: false, replies, queued };
  }

  /**
   * After the engine: its state saved and its replies, unless staff took the
   * conversation over while the answer was being prepared (the answer is not
   * sent; the message goes to the thread). A state to save and the replies go
   * in the statement that asks for the owner (pgTurnFinish.ts), `queued`.
   */
  private async finish<P>(
    trx: Transaction<Database>,
    req: PgTurnRequest<P>,
    answer: { replies: OutgoingReply[]; pending: PendingState },
    now: Date,
  ): Promise<Finished> {
    const message = req.message;
    const owned = this.owned(message);
    if (owned && answer.pending.op === 'set') {
      const done = await finishUnlessOwned(trx, this.deps.communeId, owned, {
        state: answer.pending.state,
        stateAt: answer.pending.at,
        outbox: { channel: req.outbox.channel, userId: req.userId },
        payloads: answer.replies.length > 0 ? req.render(forChannel(answer.replies)) : [],
        at: now,
      });
      if ('owner' in done) return { replies: await this.toThread(trx, done.owner, owned, now), saved: false };
      await this.openThread(trx, owned, answer.replies, now);
      return { replies: answer.replies, saved: true, queued: done.queued };
    }
    const ownerNow = await this.ownerOf(trx, message);
    if (ownerNow && message) return { replies: await this.toThread(trx, ownerNow, message, now), saved: false };
    const saved = await this.save(trx, message, answer.pending, now);
    await this.openThread(trx, message, answer.replies, now);
    return { replies: answer.replies, saved };
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
  ): Promise<{ replies: OutgoingReply[]; pending: PendingState }> {
    const message = req.message;
    if (!message) return { replies: [...(req.replies ?? [])], pending: { op: 'none' } };
    const buffer = this.deps.state;
    buffer.begin(message, locked.find((l) => sameKey(l.key, message))?.state);
    let replies: OutgoingReply[];
    try {
      // The engine's own stores (citizens, attempts, the logs) write in this transaction too (tenant.ts).
      replies = await sharingTransaction(this.deps.db, this.deps.communeId, trx, () =>
        this.deps.engine.handle(message),
      );
    } catch (err) {
      // Nothing the engine meant to save for this turn is kept.
      buffer.take(message);
      if (!req.onError) throw err;
      return { replies: [...req.onError(err)], pending: { op: 'none' } };
    }
    return { replies, pending: buffer.take(message) };
  }

  /** Writes what the engine saved for the conversation; true when a state now stands in its row. */
  private async save(
    trx: Transaction<Database>,
    message: IncomingMessage | undefined,
    pending: PendingState,
    at: Date,
  ): Promise<boolean> {
    if (!message || pending.op === 'none') return false;
    const state = pending.op === 'set' ? pending.state : undefined;
    await saveConversation(trx, this.deps.communeId, message, state, pending.op === 'set' ? pending.at : at);
    return state !== undefined;
  }

  /** The message whose conversation a thread may own: none without a handoff, nor for a group's message. */
  private owned(message: IncomingMessage | undefined): IncomingMessage | undefined {
    return this.deps.handoff && message && message.chat !== 'group' ? message : undefined;
  }

  /** The open thread that owns this message's conversation, if any (a group's messages never belong to one). */
  private async ownerOf(
    trx: Transaction<Database>,
    message: IncomingMessage | undefined,
  ): Promise<HandoffThread | undefined> {
    const owned = this.owned(message);
    if (!owned) return undefined;
    return this.deps.handoff?.store.openThreadOf(trx, owned.channel, owned.userId);
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

function sameKey(a: ConversationKey, b: ConversationKey): boolean {
  return a.channel === b.channel && a.userId === b.userId;
}
