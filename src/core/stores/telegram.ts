/**
 * @module core/stores/telegram
 *
 * The port through which the Telegram adapter remembers what it must across
 * restarts: update ids already handled (Telegram redelivers after a timeout
 * or a crash), the quiz polls it sent (a `poll_answer` carries no chat, only
 * the poll id), chats that blocked the bot, and button values too long for
 * Telegram's 64-byte `callback_data`. It lives in the core so storage
 * implements it without importing a channel; the channel re-exports it.
 */
import type { MaybePromise } from '../ports.js';

export interface SentPoll {
  readonly pollId: string;
  /** The learner's Telegram user id (the engine identity), as a string. */
  readonly userId: string;
  readonly chatId: number;
  readonly messageId: number;
  readonly attemptId: string;
  readonly questionIndex: number;
  /** The engine choice behind each poll option, in option order. */
  readonly values: readonly string[];
  /** True when the poll showed the whole explanation, so the engine's feedback text need not be sent again. */
  readonly explained: boolean;
  readonly sentAt: string;
}

export interface TelegramStore {
  savePoll(poll: SentPoll): MaybePromise<void>;
  findPoll(pollId: string): MaybePromise<SentPoll | undefined>;
  /** A chat (a private chat id is the user's id) that blocked or removed the bot. */
  markInactive(chatId: number, reason: string, at: Date): MaybePromise<void>;
  markActive(chatId: number): MaybePromise<void>;
  isInactive(chatId: number): MaybePromise<boolean>;
  /** Stores (or refreshes the age of) a long button value under its short id. */
  putCallbackValue(id: string, value: string, at: Date): MaybePromise<void>;
  callbackValue(id: string): MaybePromise<string | undefined>;
  /** Forgets update ids seen before `updatesBefore`, polls and long values older than `dataBefore`. */
  prune(updatesBefore: Date, dataBefore: Date): MaybePromise<number>;
}
