/**
 * @module storage/pg/pgTelegramStore
 *
 * The Telegram channel's memory (core/stores/telegram.ts) on PostgreSQL: the
 * same tables and rules as storage/sqlite/telegramRepo.ts, each call in its
 * own `withCommune` transaction (row-level security keeps each commune's
 * rows to itself). Update ids are claimed by the turn (turn_claims,
 * pgTurnRunner.ts); the old table is only pruned. Two processes may write the
 * same row at once (one poll saved twice, one long button value stored by
 * both): every write is an upsert, so neither fails.
 */
import type { Transaction } from 'kysely';
import type { SentPoll, TelegramStore } from '../../core/stores/telegram.js';
import type { PgDb } from './db.js';
import type { Database } from './schema.js';
import { runJobOnce } from './jobLock.js';
import { withCommune } from './tenant.js';
import { pollOf } from '../rowForms.js';

export class PgTelegramStore implements TelegramStore {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {}

  private tx<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return withCommune(this.db, this.communeId, fn);
  }

  async savePoll(p: SentPoll): Promise<void> {
    const row = {
      telegram_user_id: p.userId,
      chat_id: p.chatId,
      message_id: p.messageId,
      attempt_id: p.attemptId,
      question_index: p.questionIndex,
      values_json: JSON.stringify(p.values),
      explained: p.explained ? (1 as const) : (0 as const),
      sent_at: p.sentAt,
    };
    await this.tx((trx) =>
      trx
        .insertInto('telegram_sent_polls')
        .values({ commune_id: this.communeId, poll_id: p.pollId, ...row })
        .onConflict((oc) => oc.columns(['commune_id', 'poll_id']).doUpdateSet(row))
        .execute(),
    );
  }

  async findPoll(pollId: string): Promise<SentPoll | undefined> {
    const row = await this.tx((trx) =>
      trx
        .selectFrom('telegram_sent_polls')
        .selectAll()
        .where('commune_id', '=', this.communeId)
        .where('poll_id', '=', pollId)
        .executeTakeFirst(),
    );
    if (!row) return undefined;
    return pollOf(row);
  }

  async markInactive(chatId: number, reason: string, at: Date): Promise<void> {
    const short = reason.slice(0, 200);
    await this.tx((trx) =>
      trx
        .insertInto('telegram_inactive_users')
        .values({ commune_id: this.communeId, chat_id: chatId, reason: short, since: at.toISOString() })
        .onConflict((oc) => oc.columns(['commune_id', 'chat_id']).doUpdateSet({ reason: short }))
        .execute(),
    );
  }

  async markActive(chatId: number): Promise<void> {
    await this.tx((trx) =>
      trx
        .deleteFrom('telegram_inactive_users')
        .where('commune_id', '=', this.communeId)
        .where('chat_id', '=', chatId)
        .execute(),
    );
  }

  async isInactive(chatId: number): Promise<boolean> {
    const row = await this.tx((trx) =>
      trx
        .selectFrom('telegram_inactive_users')
        .select('chat_id')
        .where('commune_id', '=', this.communeId)
        .where('chat_id', '=', chatId)
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  async putCallbackValue(id: string, value: string, at: Date): Promise<void> {
    const usedAt = at.toISOString();
    await this.tx((trx) =>
      trx
        .insertInto('telegram_callback_values')
        .values({ commune_id: this.communeId, id, value, used_at: usedAt })
        .onConflict((oc) => oc.columns(['commune_id', 'id']).doUpdateSet({ used_at: usedAt }))
        .execute(),
    );
  }

  async callbackValue(id: string): Promise<string | undefined> {
    const row = await this.tx((trx) =>
      trx
        .selectFrom('telegram_callback_values')
        .select('value')
        .where('commune_id', '=', this.communeId)
        .where('id', '=', id)
        .executeTakeFirst(),
    );
    return row?.value;
  }

  /**
   * Deletes what is past keeping. Every process of the channel prunes on its
   * own timer: the run takes the job's advisory lock (jobLock.ts), so while
   * one process prunes another skips (0) instead of deleting the same rows.
   */
  async prune(updatesBefore: Date, dataBefore: Date): Promise<number> {
    const { communeId } = this;
    const run = await runJobOnce(this.db, communeId, 'telegram-prune', async (trx) => {
      const updates = await trx
        .deleteFrom('telegram_processed_updates')
        .where('commune_id', '=', communeId)
        .where('processed_at', '<', updatesBefore.toISOString())
        .executeTakeFirst();
      const polls = await trx
        .deleteFrom('telegram_sent_polls')
        .where('commune_id', '=', communeId)
        .where('sent_at', '<', dataBefore.toISOString())
        .executeTakeFirst();
      const values = await trx
        .deleteFrom('telegram_callback_values')
        .where('commune_id', '=', communeId)
        .where('used_at', '<', dataBefore.toISOString())
        .executeTakeFirst();
      return Number(updates.numDeletedRows) + Number(polls.numDeletedRows) + Number(values.numDeletedRows);
    });
    return run.ran ? run.result : 0;
  }
}
