/**
 * @module channels/telegram/privacy
 *
 * The last line of defence for groups. The engine itself refuses personal
 * requests made in a group (core/conversation/privateOnly) with a reply of
 * kind `private-only`, which gets the link to the bot's private chat here.
 * Should a reply of kind `personal` (results, stored data, a link code) reach
 * a group anyway, through a path added later, it is withheld and the same
 * pointer is posted instead. Decided by the kind the engine gave each reply,
 * never by its text.
 */
import type { OutgoingReply } from '../../core/messages.js';
import * as T from './texts.js';

const withheld = (reply: OutgoingReply): boolean => reply.kind === 'personal' || reply.kind === 'private-only';

/** The replies safe to post in a group: personal ones become one pointer to the private chat. */
export function groupSafe(replies: readonly OutgoingReply[], username: string | undefined): OutgoingReply[] {
  const shown = replies.filter((r) => !withheld(r));
  if (shown.length === replies.length) return shown;
  return [...shown, { kind: 'private-only', text: T.privateOnly(username) }];
}
