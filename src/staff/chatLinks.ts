/**
 * @module staff/chatLinks
 *
 * The staff side of `/canbo CODE`: the console issues the one-time code, the
 * engine redeems it through the core's `StaffChatLinks` port, and the
 * `StaffDirectory` the engine asks before answering `/thongke` is the set of
 * chat identities linked to an active account. Codes are drawn from the
 * residents' link-code alphabet (no 0/O, 1/I/L) with the OS CSPRNG and stored
 * only as their SHA-256: they live 10 minutes and are spent once, so a copy
 * of the database is worth nothing a quarter of an hour later.
 */
import { randomInt } from 'node:crypto';
import type { Clock, Random } from '../core/ports.js';
import { newLinkCode } from '../core/random.js';
import { STAFF_CODE_MINUTES } from '../core/stats/staffLink.js';
import type { StaffChatLinks, StaffDirectory } from '../core/stats/types.js';
import { hashToken } from './signing.js';
import { STAFF_CHAT_CHANNELS, type AuditLog, type StaffChatChannel, type StaffChatLinkStore } from './types.js';

const osRandom: Random = { next: () => randomInt(0, 2 ** 47) / 2 ** 47 };

/** What the database keeps of a code; the prefix keeps it apart from every other token's hash. */
export function hashStaffCode(code: string): string {
  return hashToken(`staff-chat-code:${code}`);
}

export function isStaffChatChannel(channel: string): channel is StaffChatChannel {
  return (STAFF_CHAT_CHANNELS as readonly string[]).includes(channel);
}

export interface IssuedStaffCode {
  readonly code: string;
  readonly expiresAt: Date;
}

/**
 * A fresh code for an active account (its unused earlier code stops working);
 * undefined for a missing or disabled account. A drawn code whose hash is
 * already stored (about one chance in 10^11) is simply drawn again.
 */
export async function issueStaffChatCode(
  repo: StaffChatLinkStore,
  staffId: string,
  clock: Clock,
  random: Random = osRandom,
): Promise<IssuedStaffCode | undefined> {
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + STAFF_CODE_MINUTES * 60_000);
  for (let attempt = 0; attempt < 3; attempt++) {
    const code = newLinkCode(random);
    if (await repo.addCode(staffId, hashStaffCode(code), now, expiresAt)) return { code, expiresAt };
  }
  return undefined;
}

/**
 * The engine's view of staff in chat. A link made here is audited as the
 * staff member's own act (`staff.chat.link`), with the channel and never the
 * chat id: the audit log is read by every admin.
 */
export function createStaffChatDirectory(repo: StaffChatLinkStore, audit?: AuditLog): StaffDirectory & StaffChatLinks {
  return {
    isStaff: (channel, userId) => isStaffChatChannel(channel) && repo.isLinkedStaff(channel, userId),
    async redeem(code, identity, now) {
      if (!isStaffChatChannel(identity.channel)) return { ok: false, reason: 'unknown' };
      const outcome = await repo.redeem(hashStaffCode(code), identity.channel, identity.userId, now);
      if (!outcome.ok) return outcome;
      await audit?.record({
        actorId: outcome.staffId,
        action: 'staff.chat.link',
        target: outcome.staffId,
        details: { channel: identity.channel },
      });
      return { ok: true };
    },
  };
}
