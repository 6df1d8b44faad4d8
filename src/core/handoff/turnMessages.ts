/**
 * @module core/handoff/turnMessages
 *
 * What a turn runner does with a message and replies around a handoff, the
 * same on every database (storage/sqlite/turns.ts, storage/pg/pgTurnRunner.ts):
 * how a resident's message is stored in a thread, and the replies as a
 * channel renders them.
 */
import type { IncomingMessage, OutgoingReply } from '../messages.js';
import { redactSensitive, secretKinds } from '../text/sensitive.js';

/**
 * What a resident's message becomes in a thread. A message holding a password
 * or an OTP is stored masked, as the bot never stores those either (its phone
 * or ID numbers are masked with it: the redaction works on the whole text);
 * any other message is kept whole, phone and ID numbers included, since staff
 * may need them to help.
 */
export function threadText(message: IncomingMessage): string {
  const text = message.text?.trim() ?? '';
  const redaction = redactSensitive(text);
  return secretKinds(redaction.kinds).some((k) => k === 'password' || k === 'otp') ? redaction.text : text;
}

/** Replies as channels render them: the thread-opening facts stay with the runner. */
export function forChannel(replies: readonly OutgoingReply[]): OutgoingReply[] {
  return replies.map((r) => {
    if (!r.handoff) return r;
    const { handoff: _opening, ...rest } = r;
    return rest;
  });
}
