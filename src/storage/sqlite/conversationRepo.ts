/**
 * @module storage/sqlite/conversationRepo
 *
 * Per-user conversation state as one JSON document per (commune, channel,
 * user). Small and rewritten on every turn, so a restart never loses where a
 * resident was.
 */
import type { ConversationKey, ConversationState, ConversationStateRepo } from '../../core/ports.js';
import type { Db } from './db.js';

export class SqliteConversationRepo implements ConversationStateRepo {
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
  ) {}

  get(key: ConversationKey): ConversationState | undefined {
    const row = this.db
      .prepare('SELECT state_json FROM conversation_state WHERE commune_id = ? AND channel = ? AND user_id = ?')
      .get(this.communeId, key.channel, key.userId) as { state_json: string } | undefined;
    return row ? (JSON.parse(row.state_json) as ConversationState) : undefined;
  }

  set(key: ConversationKey, state: ConversationState, at: Date): void {
    this.db
      .prepare(
        `INSERT INTO conversation_state (commune_id, channel, user_id, state_json, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (commune_id, channel, user_id) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at`,
      )
      .run(this.communeId, key.channel, key.userId, JSON.stringify(state), at.toISOString());
  }

  delete(key: ConversationKey): void {
    this.db
      .prepare('DELETE FROM conversation_state WHERE commune_id = ? AND channel = ? AND user_id = ?')
      .run(this.communeId, key.channel, key.userId);
  }
}
