/**
 * @module channels/telegram/privacy
 *
 * The last line of defence for groups. Commands and typed intents that show
 * personal data are already turned away in `inbound.ts`, but the engine can
 * also reach them through a typed number that picks a button offered earlier
 * in a private chat. Before anything is posted in a group, a reply that shows
 * one person's results, stored data or link code is replaced by a pointer to
 * the private chat.
 */
import type { OutgoingReply } from '../../core/messages.js';
import { RESULTS_EMPTY } from '../../core/quiz/texts.js';
import { dataView, linkCode } from '../../core/registry/texts.js';
import * as T from './texts.js';

/** How the core's personal replies begin (checked against the core's own texts in the tests). */
export const PERSONAL_HEADINGS: readonly string[] = [
  'Kết quả của bà con:',
  RESULTS_EMPTY,
  dataView({ channels: [], passed: 0, consent: '' }).split('\n')[0] ?? 'Dữ liệu trợ lý đang lưu về bà con:',
  linkCode('XXXXXX', 1).split(':')[0] ?? 'Mã liên kết của bà con',
];

export function isPersonalReply(reply: OutgoingReply): boolean {
  return PERSONAL_HEADINGS.some((h) => reply.text.startsWith(h));
}

/** The replies safe to post in a group: personal ones become one pointer to the private chat. */
export function groupSafe(replies: readonly OutgoingReply[], username: string | undefined): OutgoingReply[] {
  if (!replies.some(isPersonalReply)) return [...replies];
  return [...replies.filter((r) => !isPersonalReply(r)), { text: T.privateOnly(username) }];
}
