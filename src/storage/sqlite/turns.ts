/**
 * @module storage/sqlite/turns
 *
 * Runs one turn (issue 18 item 1): claim the inbound message, load the
 * conversation, run the engine, then save the conversation state, the claim
 * and the queued replies in ONE synchronous transaction.
 *
 * Why in three steps and not one transaction: the engine may wait on
 * retrieval or a language model, and a SQLite transaction must never be held
 * across a wait on the network (every other writer, the CLI included, would
 * wait behind it). So the claim is checked (not written) before the engine,
 * the conversation state the engine saves is held in memory for the turn
 * (`TurnStateBuffer`), and once the engine has answered, the state, the claim
 * and the reply rows are written together. That transaction is part of the
 * loop turn's group commit (writeScope.ts), and the runner resolves once it is
 * on disk: nothing of the turn is sent before then.
 *
 * Crash semantics:
 *  - before the final commit: nothing of the turn's state, claim or replies is
 *    on disk; the platform's redelivery (Telegram: no 200 was sent; Zalo: the
 *    event recorded by the webhook is still unhandled) runs the turn again.
 *    Writes the engine made along the way (a quiz answer recorded, a citizen
 *    created, an unanswered question logged) may be on disk; the engine's own
 *    checks keep a repeated quiz answer from counting twice.
 *  - after it: the replies are rows in the outbox; the dispatcher sends them
 *    after the restart (once, or at least once when the crash came during the
 *    call itself), and a redelivery is a duplicate.
 * Turns of one conversation are serialised by the channels (per resident), so
 * two turns never hold one conversation's state at once.
 *
 * Handoff (issue 18 item 6): while a person owns the conversation (an open
 * handoff thread), the engine is not run: the resident's message is appended
 * to the thread in the same commit as the claim (and the channel's own writes),
 * and the bot says nothing beyond one acknowledgement of the first message.
 * The open thread is looked up again inside the final transaction, so a
 * thread opened while the engine was preparing an answer wins: that answer
 * is not queued and the message goes to the thread instead. A reply carrying
 * `handoff` opens the thread in the same commit as that reply.
 */
import type { Engine } from '../../core/conversation/engine.js';
import { ACKNOWLEDGED, OWNED } from '../../core/handoff/texts.js';
import { forChannel, threadText } from '../../core/handoff/turnMessages.js';
import type { IncomingMessage, OutgoingReply } from '../../core/messages.js';
import type { HandoffThread, SyncHandoffStore } from '../../core/stores/handoff.js';
import type { Clock, ConversationKey, ConversationState, ConversationStateRepo } from '../../core/ports.js';
import type { TurnOutcome, TurnRequest, TurnRunner } from '../../core/stores/turns.js';
import type { Db } from './db.js';
import type { WriteScope } from './writeScope.js';

type Pending =
  | { readonly op: 'none' }
  | { readonly op: 'set'; readonly state: ConversationState; readonly at: Date }
  | { readonly op: 'delete' };

/** A synchronous conversation store (the SQLite one): the buffer writes through it inside the final transaction. */
export interface SyncConversationRepo extends ConversationStateRepo {
  get(key: ConversationKey): ConversationState | undefined;
  set(key: ConversationKey, state: ConversationState, at: Date): void;
  delete(key: ConversationKey): void;
}

const keyOf = (k: ConversationKey): string => `${k.channel}\u0000${k.userId}`;

/**
 * The conversation store the engine is given. While a turn is open for a
 * conversation, what the engine saves for it is kept here and written by the
 * runner in the turn's final transaction; every other conversation (a link
 * code moving another identity's state) is written through at once.
 */
export class TurnStateBuffer implements ConversationStateRepo {
  private readonly open = new Map<string, Pending>();

  constructor(private readonly inner: SyncConversationRepo) {}

  get(key: ConversationKey): ConversationState | undefined {
    const p = this.open.get(keyOf(key));
    if (p?.op === 'set') return p.state;
    if (p?.op === 'delete') return undefined;
    return this.inner.get(key);
  }

  set(key: ConversationKey, state: ConversationState, at: Date): void {
    const k = keyOf(key);
    if (this.open.has(k)) this.open.set(k, { op: 'set', state, at });
    else this.inner.set(key, state, at);
  }

  delete(key: ConversationKey): void {
    const k = keyOf(key);
    if (this.open.has(k)) this.open.set(k, { op: 'delete' });
    else this.inner.delete(key);
  }

  /** Starts holding the conversation's saves. */
  begin(key: ConversationKey): void {
    this.open.set(keyOf(key), { op: 'none' });
  }

  /** Stops holding, and returns the write to make in the final transaction (none if nothing was saved). */
  take(key: ConversationKey): (() => void) | undefined {
    const k = keyOf(key);
    const p = this.open.get(k);
    this.open.delete(k);
    if (p?.op === 'set') return () => this.inner.set(key, p.state, p.at);
    if (p?.op === 'delete') return () => this.inner.delete(key);
    return undefined;
  }
}

/** What the runner needs of the handoff: the threads, and who hears of a new one. */
export interface TurnHandoff {
  readonly store: SyncHandoffStore;
  /** Called inside the commit that opened `thread` (the staff notice is queued there). */
  opened?(thread: HandoffThread, at: Date): void;
}

export interface TurnRunnerDeps {
  readonly db: Db;
  readonly communeId: string;
  readonly engine: Engine;
  readonly clock: Clock;
  /** The buffer the engine's conversation store is (absent: the engine writes its state itself). */
  readonly state?: TurnStateBuffer;
  /** The group commit (absent: the final transaction commits alone). */
  readonly writes?: WriteScope;
  /** Handoff to staff (absent: the bot answers every message). */
  readonly handoff?: TurnHandoff;
}

export class SqliteTurnRunner implements TurnRunner {
  /** Claims of turns running in this process: a redelivery meanwhile is a duplicate. */
  private readonly inFlight = new Set<string>();
  private readonly isClaimed;
  private readonly claim;

  constructor(private readonly deps: TurnRunnerDeps) {
    this.isClaimed = deps.db.prepare('SELECT 1 FROM turn_claims WHERE commune_id = ? AND claim_key = ?');
    this.claim = deps.db.prepare(
      'INSERT OR IGNORE INTO turn_claims (commune_id, claim_key, claimed_at) VALUES (?, ?, ?)',
    );
  }

  /** The same runner over another engine (tests: a slow or failing one). */
  withEngine(engine: Engine): SqliteTurnRunner {
    return new SqliteTurnRunner({ ...this.deps, engine, state: undefined });
  }

  /** The open thread that owns this message's conversation, if any (a group's messages never belong to one). */
  private ownerOf(message: IncomingMessage | undefined): HandoffThread | undefined {
    const handoff = this.deps.handoff;
    if (!handoff || !message || message.chat === 'group') return undefined;
    return handoff.store.openThreadOf(message.channel, message.userId);
  }

  /**
   * Appends the resident's message to the thread that owns the conversation
   * (inside the caller's transaction); the acknowledgement to queue, the first
   * time only.
   */
  private toThread(thread: HandoffThread, message: IncomingMessage, at: Date): OutgoingReply[] {
    const store = this.deps.handoff?.store;
    if (!store) return [];
    // A press (the page's welcome on reload, an old button) is nothing to show staff: the resident hears who answers.
    if (!message.text?.trim()) return [{ kind: 'notice', text: OWNED }];
    const first = !store.residentWrote(thread.id);
    store.append(thread.id, { author: 'resident', text: threadText(message), at });
    return first ? [{ kind: 'notice', text: ACKNOWLEDGED }] : [];
  }

  /** The turn of a conversation a person owns: no engine, the message goes to the thread. */
  private async owned<P>(
    req: TurnRequest<P>,
    message: IncomingMessage,
    claim: string | undefined,
  ): Promise<TurnOutcome> {
    const { db, communeId, clock, writes } = this.deps;
    const now = clock.now();
    let replies: OutgoingReply[] = [];
    let queued: number[] = [];
    writes?.join();
    const fresh = db.transaction(() => {
      if (claim !== undefined && this.claim.run(communeId, claim, now.toISOString()).changes === 0) return false;
      req.alongside?.();
      const thread = this.ownerOf(message);
      if (thread) replies = this.toThread(thread, message, now);
      queued = replies.length > 0 ? req.outbox.enqueue(req.userId, req.render(replies), now) : [];
      return true;
    })();
    await writes?.settled();
    return fresh ? { duplicate: false, replies, queued } : { duplicate: true };
  }

  async run<P>(req: TurnRequest<P>): Promise<TurnOutcome> {
    const { db, communeId, clock, writes } = this.deps;
    const claim = req.claim;
    if (claim !== undefined) {
      if (this.inFlight.has(claim) || this.isClaimed.get(communeId, claim) !== undefined) return { duplicate: true };
      this.inFlight.add(claim);
    }
    try {
      // A person owns the conversation: the engine is not run (checked again inside the commit).
      if (req.message && this.ownerOf(req.message)) return await this.owned(req, req.message, claim);
      // The engine's first reads and writes (up to its first wait) share the loop turn's commit.
      writes?.join();
      let replies = await this.replies(req);
      const saveState = req.message ? this.deps.state?.take(req.message) : undefined;
      const now = clock.now();
      let queued: number[] = [];
      writes?.join();
      const fresh = db.transaction(() => {
        // Another process finished this message meanwhile: its replies are queued, ours are not.
        if (claim !== undefined && this.claim.run(communeId, claim, now.toISOString()).changes === 0) return false;
        req.alongside?.();
        // Staff took the conversation over while the answer was being prepared: the answer is not sent.
        const owner = this.ownerOf(req.message);
        if (owner && req.message) {
          replies = this.toThread(owner, req.message, now);
        } else {
          saveState?.();
          this.openThread(req.message, replies, now);
        }
        queued = replies.length > 0 ? req.outbox.enqueue(req.userId, req.render(forChannel(replies)), now) : [];
        return true;
      })();
      await writes?.settled();
      return fresh ? { duplicate: false, replies, queued } : { duplicate: true };
    } finally {
      if (claim !== undefined) this.inFlight.delete(claim);
    }
  }

  /** Opens the thread a reply asks for (inside the turn's commit), and lets staff hear of it. */
  private openThread(message: IncomingMessage | undefined, replies: readonly OutgoingReply[], at: Date): void {
    const handoff = this.deps.handoff;
    const request = replies.find((r) => r.handoff)?.handoff;
    if (!handoff || !message || !request || message.chat === 'group') return;
    const thread = handoff.store.open({
      channel: message.channel,
      userId: message.userId,
      reason: request.reason,
      ...(request.citizenId !== undefined && { citizenId: request.citizenId }),
      ...(request.hamletId !== undefined && { hamletId: request.hamletId }),
      ...(request.suspendedQuiz !== undefined && { suspendedQuiz: request.suspendedQuiz }),
      at,
    });
    // Asked again while one is open (a replayed message): staff already heard of it.
    if (thread.openedAt === at.toISOString()) handoff.opened?.(thread, at);
  }

  /** The engine's replies (or the channel's own); the turn's state is held until the final transaction. */
  private async replies<P>(req: TurnRequest<P>): Promise<readonly OutgoingReply[]> {
    if (!req.message) return req.replies ?? [];
    const buffer = this.deps.state;
    buffer?.begin(req.message);
    try {
      return await this.deps.engine.handle(req.message);
    } catch (err) {
      // Nothing the engine meant to save for this turn is kept.
      buffer?.take(req.message);
      if (!req.onError) throw err;
      return req.onError(err);
    }
  }
}
