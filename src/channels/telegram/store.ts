/**
 * @module channels/telegram/store
 *
 * What the Telegram adapter must remember across restarts, behind a small
 * port (a redelivered update is recognised by the turn's claim, see
 * storage/sqlite/turns.ts): the quiz polls it sent (a `poll_answer` carries no chat, only the
 * poll id), chats that blocked the bot (so nothing is retried into a wall),
 * and button values too long for Telegram's 64-byte `callback_data`. The
 * port is in the core (`core/stores/telegram.ts`, re-exported here); the
 * SQLite version lives in `storage/sqlite/telegramRepo.ts`; the memory one
 * below backs unit tests.
 */
import type { SentPoll, TelegramStore } from '../../core/stores/telegram.js';

export type { SentPoll, TelegramStore } from '../../core/stores/telegram.js';

/** The in-memory store: tests, and a bot run without a database. */
export class MemoryTelegramStore implements TelegramStore {
  private readonly polls = new Map<string, SentPoll>();
  private readonly inactive = new Map<number, string>();
  private readonly values = new Map<string, { value: string; at: number }>();

  savePoll(poll: SentPoll): void {
    this.polls.set(poll.pollId, poll);
  }

  findPoll(pollId: string): SentPoll | undefined {
    return this.polls.get(pollId);
  }

  markInactive(chatId: number, reason: string): void {
    this.inactive.set(chatId, reason);
  }

  markActive(chatId: number): void {
    this.inactive.delete(chatId);
  }

  isInactive(chatId: number): boolean {
    return this.inactive.has(chatId);
  }

  putCallbackValue(id: string, value: string, at: Date): void {
    this.values.set(id, { value, at: at.getTime() });
  }

  callbackValue(id: string): string | undefined {
    return this.values.get(id)?.value;
  }

  prune(updatesBefore: Date, dataBefore: Date): number {
    let n = 0;
    for (const [id, p] of this.polls) if (Date.parse(p.sentAt) < dataBefore.getTime() && this.polls.delete(id)) n++;
    for (const [id, v] of this.values) if (v.at < dataBefore.getTime() && this.values.delete(id)) n++;
    return n;
  }
}
