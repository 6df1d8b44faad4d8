/**
 * @module storage/pg/pgConversationRepo
 *
 * Per-user conversation state on PostgreSQL: the twin of
 * storage/sqlite/conversationRepo. One JSON document (text, as SQLite keeps
 * it, so a copied row reads back byte for byte) per (commune, channel, user).
 * Each call is one statement in its own `withCommune` transaction; `set` is
 * one upsert, so two processes writing the same key leave the last one's
 * state, as on SQLite. Keeping two turns of one resident apart is the turn
 * runner's job (its lock on the conversation), not this repo's.
 */
import type { ConversationKey, ConversationState, ConversationStateRepo } from '../../core/ports.js';
import type { PgDb } from './db.js';
import { withCommune } from './tenant.js';

export class PgConversationRepo implements ConversationStateRepo {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {}

  async get(key: ConversationKey): Promise<ConversationState | undefined> {
    const row = await withCommune(this.db, this.communeId, (trx) =>
      trx
        .selectFrom('conversation_state')
        .select('state_json')
        .where('commune_id', '=', this.communeId)
        .where('channel', '=', key.channel)
        .where('user_id', '=', key.userId)
        .executeTakeFirst(),
    );
    return row ? (JSON.parse(row.state_json) as ConversationState) : undefined;
  }

  async set(key: ConversationKey, state: ConversationState, at: Date): Promise<void> {
    await withCommune(this.db, this.communeId, (trx) =>
      trx
        .insertInto('conversation_state')
        .values({
          commune_id: this.communeId,
          channel: key.channel,
          user_id: key.userId,
          state_json: JSON.stringify(state),
          updated_at: at.toISOString(),
        })
        .onConflict((oc) =>
          oc.columns(['commune_id', 'channel', 'user_id']).doUpdateSet((eb) => ({
            state_json: eb.ref('excluded.state_json'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute(),
    );
  }

  async delete(key: ConversationKey): Promise<void> {
    await withCommune(this.db, this.communeId, (trx) =>
      trx
        .deleteFrom('conversation_state')
        .where('commune_id', '=', this.communeId)
        .where('channel', '=', key.channel)
        .where('user_id', '=', key.userId)
        .execute(),
    );
  }
}
