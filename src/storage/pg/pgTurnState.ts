/**
 * @module storage/pg/pgTurnState
 *
 * The conversation store the engine is given on PostgreSQL. While a turn is
 * open for a conversation, the runner has read that conversation's state
 * under its row lock (pgConversationLock.ts); the engine reads it from here
 * and what it saves is kept here, for the runner to write in the same
 * transaction. Any other conversation (a link code moving another identity's
 * state) goes to `inner` at once.
 *
 * Why the engine must not write its own conversation through `inner`: the
 * turn's transaction holds that row's lock while the engine runs, so a write
 * on another connection would wait for a commit that waits for it.
 */
import type { ConversationKey, ConversationState, ConversationStateRepo } from '../../core/ports.js';

/** What the engine left for the runner to write: nothing, a new state, or none at all. */
export type PendingState =
  | { readonly op: 'none' }
  | { readonly op: 'set'; readonly state: ConversationState; readonly at: Date }
  | { readonly op: 'delete' };

interface Open {
  readonly before: ConversationState | undefined;
  pending: PendingState;
}

const keyOf = (k: ConversationKey): string => `${k.channel}\u0000${k.userId}`;

export class PgTurnStateBuffer implements ConversationStateRepo {
  private readonly open = new Map<string, Open>();

  constructor(private readonly inner: ConversationStateRepo) {}

  async get(key: ConversationKey): Promise<ConversationState | undefined> {
    const o = this.open.get(keyOf(key));
    if (!o) return this.inner.get(key);
    if (o.pending.op === 'set') return o.pending.state;
    if (o.pending.op === 'delete') return undefined;
    return o.before;
  }

  async set(key: ConversationKey, state: ConversationState, at: Date): Promise<void> {
    const o = this.open.get(keyOf(key));
    if (o) o.pending = { op: 'set', state, at };
    else await this.inner.set(key, state, at);
  }

  async delete(key: ConversationKey): Promise<void> {
    const o = this.open.get(keyOf(key));
    if (o) o.pending = { op: 'delete' };
    else await this.inner.delete(key);
  }

  /** Starts holding the conversation's saves; `state` is what the runner read under the lock. */
  begin(key: ConversationKey, state: ConversationState | undefined): void {
    if (this.open.has(keyOf(key))) throw new Error('a turn is already open for this conversation');
    this.open.set(keyOf(key), { before: state, pending: { op: 'none' } });
  }

  /** Stops holding, and returns what the engine saved (`none`: nothing). */
  take(key: ConversationKey): PendingState {
    const k = keyOf(key);
    const o = this.open.get(k);
    this.open.delete(k);
    return o?.pending ?? { op: 'none' };
  }
}
