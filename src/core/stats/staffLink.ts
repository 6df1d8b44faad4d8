/**
 * @module core/stats/staffLink
 *
 * A staff member joins their own Telegram or Zalo chat to their console
 * account by sending the bot the one-time code the console gave them
 * (`/canbo K7P2QX9M`, or typed "cán bộ K7P2QX9M"); from then on `/thongke`
 * answers them. A guessed code would make a stranger "staff", so failures
 * count against the same limits as the residents' link codes (one guard for
 * both, shared by the engine), and only channels whose identity the server
 * verifies can be linked.
 */
import type { OutgoingReply } from '../messages.js';
import type { Clock } from '../ports.js';
import { LINK_CODE_PATTERN } from '../random.js';
import { linkGuardKeys, type LinkGuard } from '../registry/linkGuard.js';
import type { Identity } from '../registry/types.js';
import { cleanText, foldMarks } from '../text/normalize.js';
import * as T from './staffLinkTexts.js';
import type { StaffChatLinks } from './types.js';

/** How long a code from the console works. */
export const STAFF_CODE_MINUTES = 10;

/** What a staff link message carried: the code, or none when `/canbo` came without a well-formed one. */
export interface StaffCodeAttempt {
  readonly code?: string;
}

/** A code as people copy it: in two halves ("K7P2 QX9M", "k7p2-qx9m") is still the code. */
const CODE = '([a-z0-9](?:[\\s.-]{0,2}[a-z0-9]){7})';
const SLASH = new RegExp(`^\\/can ?bo(?:@[a-z0-9_]+)?(?:[\\s:]+(.*))?$`);
const TYPED = new RegExp(`^can ?bo\\s*:?\\s*${CODE}$`);

function asCode(raw: string): string | undefined {
  const code = raw.replace(/[\s.-]/g, '').toUpperCase();
  return LINK_CODE_PATTERN.test(code) ? code : undefined;
}

/**
 * The staff link a message asks for, if any. `/canbo` is always one (without
 * a usable code it gets the how-to); a typed "cán bộ …" only when a code
 * follows, so "cán bộ xã làm việc mấy giờ" stays a question.
 */
export function staffCodeIn(text: string): StaffCodeAttempt | undefined {
  const t = foldMarks(cleanText(text)).trim();
  const slash = SLASH.exec(t);
  if (slash) {
    const rest = (slash[1] ?? '').trim();
    const code = new RegExp(`^${CODE}$`).test(rest) ? asCode(rest) : undefined;
    return code ? { code } : {};
  }
  const typed = TYPED.exec(t)?.[1];
  const code = typed === undefined ? undefined : asCode(typed);
  return code ? { code } : undefined;
}

export interface StaffLinkFeature {
  /** `network`: the sender's address when the channel knows it, counted like the residents' link codes. */
  redeem(identity: Identity, attempt: StaffCodeAttempt, network?: string): Promise<OutgoingReply[]>;
}

export function createStaffLinkFeature(deps: {
  readonly links: StaffChatLinks;
  readonly clock: Clock;
  readonly guard: LinkGuard;
}): StaffLinkFeature {
  const say = (text: string): OutgoingReply[] => [{ kind: 'personal', text }];
  return {
    async redeem(identity, attempt, network) {
      if (attempt.code === undefined) return say(T.STAFF_CODE_HINT);
      if (identity.channel !== 'telegram' && identity.channel !== 'zalo') return say(T.STAFF_CHANNEL_ONLY);
      const keys = linkGuardKeys(identity, network);
      if (!deps.guard.allows(keys)) return say(T.STAFF_CODE_LOCKED);
      const outcome = await deps.links.redeem(attempt.code, identity, deps.clock.now());
      if (outcome.ok) return say(T.staffLinked(identity.channel));
      deps.guard.failed(keys);
      return say(outcome.reason === 'expired' ? T.STAFF_CODE_EXPIRED : T.STAFF_CODE_UNKNOWN);
    },
  };
}
