/**
 * @module channels/telegram/handoff
 *
 * Telegram's part in the handoff to staff (issue 18 item 6): a staff reply is
 * a row of Telegram's outbox like any bot reply (a private chat's id is the
 * resident's user id), delivered by the same dispatcher; and a new thread is
 * announced in the optional staff group (TELEGRAM_STAFF_CHAT_ID) through the
 * same outbox, with where it came from and never who.
 */
import type { ReplyRoute, StaffNotice, StaffNoticeRows } from '../../core/handoff/routes.js';
import type { OutgoingReply } from '../../core/messages.js';
import type { OutboxStore } from '../../core/stores/outbox.js';
import type { Dispatcher } from '../outbox.js';
import { replyRows, type TelegramPayload } from './send.js';

/** A staff reply's rows: a private chat's id is the resident's user id. */
export function staffReplyRows(userId: string, replies: readonly OutgoingReply[]): TelegramPayload[] {
  return replyRows({ chatId: Number(userId), userId, isPrivate: true }, replies);
}

export function telegramReplyRoute(
  outbox: OutboxStore<TelegramPayload>,
  dispatcher: Pick<Dispatcher<TelegramPayload>, 'flush'>,
): ReplyRoute {
  const render = staffReplyRows;
  return {
    queue: (userId, replies, at) => outbox.enqueue(userId, render(userId, replies), at),
    render,
    flush: (userId) => dispatcher.flush(userId),
  };
}

interface TelegramNoticeRows extends StaffNoticeRows {
  render(text: string): TelegramPayload[];
}

/** The staff group's notice as Telegram outbox rows (PostgreSQL inserts them in the turn's own commit). */
export function telegramStaffNoticeRows(chatId: number): TelegramNoticeRows {
  const render = (text: string): TelegramPayload[] => [{ op: 'reply', chatId, reply: { kind: 'notice', text } }];
  return {
    channel: 'telegram',
    userId: String(chatId),
    render,
  };
}

/** Queues the notice for the staff group; the outbox timer sends it once the opening is committed. */
export function telegramStaffNotice(outbox: OutboxStore<TelegramPayload>, chatId: number): StaffNotice {
  const rows = telegramStaffNoticeRows(chatId);
  return (text, at) => {
    outbox.enqueue(rows.userId, rows.render(text), at);
  };
}
