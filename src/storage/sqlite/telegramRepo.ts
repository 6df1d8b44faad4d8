/**
 * @module storage/sqlite/telegramRepo
 *
 * The Telegram channel's memory (the port in `core/stores/telegram.ts`) in the
 * commune's SQLite file. Update ids are no longer claimed here: a message is
 * claimed by its turn (`turn_claims`, storage/sqlite/turns.ts); the old
 * table is only pruned.
 */
import type { SentPoll, TelegramStore } from '../../core/stores/telegram.js';
import type { Db } from './db.js';
import { pollOf, type PollRow } from '../rowForms.js';

export class SqliteTelegramStore implements TelegramStore {
  // Statements on the per-update path are prepared once.
  private readonly valueOf;
  private readonly inactive;
  private readonly activate;

  constructor(
    private readonly db: Db,
    private readonly communeId: string,
  ) {
    this.valueOf = db.prepare('SELECT value FROM telegram_callback_values WHERE commune_id = ? AND id = ?');
    this.inactive = db.prepare('SELECT 1 FROM telegram_inactive_users WHERE commune_id = ? AND chat_id = ?');
    this.activate = db.prepare('DELETE FROM telegram_inactive_users WHERE commune_id = ? AND chat_id = ?');
  }

  savePoll(p: SentPoll): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO telegram_sent_polls (commune_id, poll_id, telegram_user_id, chat_id, message_id,
           attempt_id, question_index, values_json, explained, sent_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        this.communeId,
        p.pollId,
        p.userId,
        p.chatId,
        p.messageId,
        p.attemptId,
        p.questionIndex,
        JSON.stringify(p.values),
        p.explained ? 1 : 0,
        p.sentAt,
      );
  }

  findPoll(pollId: string): SentPoll | undefined {
    const row = this.db
      .prepare(
        `SELECT poll_id, telegram_user_id, chat_id, message_id, attempt_id, question_index, values_json, explained, sent_at
           FROM telegram_sent_polls WHERE commune_id = ? AND poll_id = ?`,
      )
      .get(this.communeId, pollId) as PollRow | undefined;
    if (!row) return undefined;
    return pollOf(row);
  }

  markInactive(chatId: number, reason: string, at: Date): void {
    this.db
      .prepare(
        `INSERT INTO telegram_inactive_users (commune_id, chat_id, reason, since) VALUES (?, ?, ?, ?)
         ON CONFLICT (commune_id, chat_id) DO UPDATE SET reason = excluded.reason`,
      )
      .run(this.communeId, chatId, reason.slice(0, 200), at.toISOString());
  }

  /** Reads first: almost every chat is active, and a read costs less than an empty write transaction. */
  markActive(chatId: number): void {
    if (this.isInactive(chatId)) this.activate.run(this.communeId, chatId);
  }

  isInactive(chatId: number): boolean {
    return this.inactive.get(this.communeId, chatId) !== undefined;
  }

  putCallbackValue(id: string, value: string, at: Date): void {
    this.db
      .prepare(
        `INSERT INTO telegram_callback_values (commune_id, id, value, used_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (commune_id, id) DO UPDATE SET used_at = excluded.used_at`,
      )
      .run(this.communeId, id, value, at.toISOString());
  }

  callbackValue(id: string): string | undefined {
    return (this.valueOf.get(this.communeId, id) as { value: string } | undefined)?.value;
  }

  prune(updatesBefore: Date, dataBefore: Date): number {
    const run = (sql: string, before: Date): number =>
      this.db.prepare(sql).run(this.communeId, before.toISOString()).changes;
    return this.db.transaction(
      () =>
        run('DELETE FROM telegram_processed_updates WHERE commune_id = ? AND processed_at < ?', updatesBefore) +
        run('DELETE FROM telegram_sent_polls WHERE commune_id = ? AND sent_at < ?', dataBefore) +
        run('DELETE FROM telegram_callback_values WHERE commune_id = ? AND used_at < ?', dataBefore),
    )();
  }
}
