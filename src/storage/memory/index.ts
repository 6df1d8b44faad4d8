/**
 * @module storage/memory
 *
 * In-memory implementations of the core's storage ports. They are the test
 * fakes, and they back throwaway conversations (the terminal `cli chat`) where
 * nothing should be written to the commune's database.
 */
import type {
  ConversationKey,
  ConversationState,
  ConversationStateRepo,
  UnansweredLog,
  UnansweredQuestion,
} from '../../core/ports.js';

const keyOf = (k: ConversationKey): string => `${k.channel}\u0000${k.userId}`;

export class MemoryConversationRepo implements ConversationStateRepo {
  private readonly states = new Map<string, string>();

  get(key: ConversationKey): ConversationState | undefined {
    const raw = this.states.get(keyOf(key));
    return raw ? (JSON.parse(raw) as ConversationState) : undefined;
  }

  set(key: ConversationKey, state: ConversationState): void {
    // Stored as JSON, like the SQLite repo, so tests catch state that does not survive serialisation.
    this.states.set(keyOf(key), JSON.stringify(state));
  }

  delete(key: ConversationKey): void {
    this.states.delete(keyOf(key));
  }
}

export class MemoryUnansweredLog implements UnansweredLog {
  readonly entries: UnansweredQuestion[] = [];

  record(q: UnansweredQuestion): void {
    this.entries.push(q);
  }
}
