/**
 * @module core/conversation/privateOnly
 *
 * What is never done where a group reads along. One's results, stored data,
 * deletion, a link code (asked for or typed; a staff member's `/canbo` code
 * too) and the profile form show or take one person's own data, or link an
 * account, so in a group chat the engine answers them
 * with one polite pointer to the private chat and changes nothing. Decided
 * here, once, so a channel with groups only says where a message was written
 * and never has to recognise the core's commands or texts.
 */
import type { OutgoingReply } from '../messages.js';
import type { ConversationState } from '../ports.js';
import { intentOf, linkCodeIn } from '../registry/feature.js';
import { staffCodeIn } from '../stats/staffLink.js';
import { privateOnly } from './texts.js';

/**
 * Declining the consent notice stores nothing about the person beyond the
 * refusal, and lets someone who started a quiz in a group go on with it.
 */
const DECLINE_CONSENT = 'reg:no';

/**
 * Choices that show or change one person's own data: every `me:` choice
 * (results, data, deletion, link code, profile) and the profile form's
 * answers (`reg:`), except declining it; and asking for a person (`handoff:`).
 */
export function isPersonalChoice(choice: string): boolean {
  // A person from the commune answers one resident in their own chat, never in a group.
  if (choice.startsWith('handoff:')) return true;
  return choice.startsWith('me:') || (choice.startsWith('reg:') && choice !== DECLINE_CONSENT);
}

/**
 * Whether a message asks for something personal: its choice (pressed, or a
 * typed number picking one), else its text ("xem kết quả của tôi", "liên kết
 * K7P2QX9M").
 */
export function asksForPersonal(text: string, choice: string | undefined, state: ConversationState): boolean {
  if (choice) return isPersonalChoice(choice);
  if (linkCodeIn(text) !== undefined || staffCodeIn(text) !== undefined) return true;
  const intent = intentOf(text, state);
  return intent !== undefined && isPersonalChoice(intent);
}

/** The engine's answer to a personal request made in a group. */
export function privateOnlyReply(): OutgoingReply {
  return { kind: 'private-only', text: privateOnly() };
}
