/**
 * @module storage/sqlite/conversationRepo
 *
 * Per-user conversation state as one JSON document per (commune, channel,
 * user). Small and rewritten on every turn, so a restart never loses where a
 * resident was. The statements are prepared once: every turn reads and writes
 * here, and preparing them per call was a tenth of a quiz answer's time.
 */
import type { Statement } from 'better-sqlite3';
import type { ConversationKey, ConversationState, ConversationStateRepo } from '../../core/ports.js';
import type { Db } from './db.js';

export class SqliteConversationRepo implements ConversationStateRepo {
  private readonly getStmt: Statement<[string, string, string], { state_json: string }>;
  private readonly setStmt: Statement<[string, string, string, string, string]>;
  private readonly deleteStmt: Statement<[string, string, string]>;

  constructor(
    db: Db,
    private readonly communeId: string,
  ) {
    this.getStmt = db.prepare(
      'SELECT state_json FROM conversation_state WHERE commune_id = ? AND channel = ? AND user_id = ?',
    );
    this.setStmt = db.prepare(
      `INSERT INTO conversation_state (commune_id, channel, user_id, state_json, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (commune_id, channel, user_id) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at`,
    );
    this.deleteStmt = db.prepare('DELETE FROM conversation_state WHERE commune_id = ? AND channel = ? AND user_id = ?');
  }

  get(key: ConversationKey): ConversationState | undefined {
    const row = this.getStmt.get(this.communeId, key.channel, key.userId);
    return row ? (JSON.parse(row.state_json) as ConversationState) : undefined;
  }

  set(key: ConversationKey, state: ConversationState, at: Date): void {
    this.setStmt.run(this.communeId, key.channel, key.userId, JSON.stringify(state), at.toISOString());
  }

  delete(key: ConversationKey): void {
    this.deleteStmt.run(this.communeId, key.channel, key.userId);
  }
}
