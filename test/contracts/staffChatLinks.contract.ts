/**
 * The StaffChatLinkStore contract (staff/types.ts), run on SQLite
 * (test/integration/staffChatLinksContract.test.ts) and PostgreSQL
 * (test/pg/staffChatLinks.test.ts): one live code per account, a code spent
 * once and refused after its time, a chat identity linked to one account at
 * a time, and a disabled account neither getting codes nor counting as
 * staff. Named *.contract.ts so no vitest config collects it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MaybePromise } from '../../src/core/ports.js';
import type { StaffChatLinkStore } from '../../src/staff/types.js';
import type { TableAccess } from './tables.js';

export interface StaffChatLinksSubject {
  readonly links: StaffChatLinkStore;
  readonly communeId: string;
  readonly tables: TableAccess;
  /** Disables an account (the console's "Khóa tài khoản"). */
  readonly disable: (staffId: string, at: Date) => Promise<void>;
  readonly close: () => MaybePromise<void>;
}

/**
 * A code's hash, unique to the subject's commune: hashes are one key for all
 * communes (a code is typed without saying which commune), and the
 * PostgreSQL suite runs every case in one database.
 */
let h: (name: string) => string = (name) => name;

const T0 = new Date('2026-12-01T01:00:00.000Z');
const minutes = (n: number): Date => new Date(T0.getTime() + n * 60_000);

export function describeStaffChatLinksContract(name: string, make: () => MaybePromise<StaffChatLinksSubject>): void {
  describe(`StaffChatLinkStore contract (${name})`, () => {
    let subject: StaffChatLinksSubject | undefined;
    const start = async (): Promise<StaffChatLinksSubject> => {
      const s = await make();
      subject = s;
      h = (name) => `${s.communeId}:${name}`;
      for (const id of ['lan', 'binh']) {
        await s.tables.insert('staff_accounts', {
          commune_id: s.communeId,
          id,
          name: `Cán bộ ${id}`,
          role: 'admin',
          created_at: T0.toISOString(),
        });
      }
      return s;
    };
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    it('keeps one live code per active account, and none for a missing or disabled one', async () => {
      const { links, disable } = await start();
      expect(await links.addCode('lan', h('h-1'), T0, minutes(10))).toBe(true);
      expect(await links.liveCodeExpiry('lan', minutes(1))).toEqual(minutes(10));
      expect(await links.liveCodeExpiry('lan', minutes(10))).toBeUndefined();
      // A hash already stored is refused: the caller draws again.
      expect(await links.addCode('binh', h('h-1'), T0, minutes(10))).toBe(false);
      expect(await links.addCode('nobody', h('h-2'), T0, minutes(10))).toBe(false);
      // A new code ends the earlier unused one.
      expect(await links.addCode('lan', h('h-3'), minutes(2), minutes(12))).toBe(true);
      expect(await links.redeem(h('h-1'), 'telegram', '111', minutes(3))).toEqual({ ok: false, reason: 'unknown' });
      expect(await links.liveCodeExpiry('lan', minutes(3))).toEqual(minutes(12));
      await disable('binh', minutes(4));
      expect(await links.addCode('binh', h('h-4'), minutes(4), minutes(14))).toBe(false);
    });

    it('spends a code once, refuses it after its time, and links the chat to the account', async () => {
      const { links, tables } = await start();
      await links.addCode('lan', h('h-1'), T0, minutes(10));
      expect(await links.redeem(h('h-x'), 'telegram', '111', minutes(1))).toEqual({ ok: false, reason: 'unknown' });
      expect(await links.isLinkedStaff('telegram', '111')).toBe(false);
      expect(await links.redeem(h('h-1'), 'telegram', '111', minutes(1))).toEqual({ ok: true, staffId: 'lan' });
      expect(await links.redeem(h('h-1'), 'telegram', '222', minutes(2))).toEqual({ ok: false, reason: 'expired' });
      expect(await links.liveCodeExpiry('lan', minutes(2))).toBeUndefined();
      expect(await links.isLinkedStaff('telegram', '111')).toBe(true);
      expect(await links.isLinkedStaff('zalo', '111')).toBe(false);
      expect(await links.isLinkedStaff('telegram', '222')).toBe(false);
      expect(await links.linksOf('lan')).toEqual([{ channel: 'telegram', linkedAt: minutes(1).toISOString() }]);

      await links.addCode('binh', h('h-2'), minutes(3), minutes(13));
      expect(await links.redeem(h('h-2'), 'zalo', 'z-1', minutes(13))).toEqual({ ok: false, reason: 'expired' });

      // Spent and expired codes go a day later, when a new code is made.
      await links.addCode('binh', h('h-3'), minutes(24 * 60 + 20), minutes(24 * 60 + 30));
      expect((await tables.rows('staff_chat_codes')).map((r) => r['code_hash'])).toEqual([h('h-3')]);
    });

    it('moves a chat to the account that redeemed last, replaces an account’s earlier chat, and unlinks', async () => {
      const { links } = await start();
      await links.addCode('lan', h('h-1'), T0, minutes(10));
      await links.redeem(h('h-1'), 'telegram', '111', minutes(1));
      await links.addCode('lan', h('h-2'), minutes(1), minutes(11));
      await links.redeem(h('h-2'), 'zalo', 'z-1', minutes(2));
      await links.addCode('binh', h('h-3'), minutes(2), minutes(12));
      await links.redeem(h('h-3'), 'telegram', '111', minutes(3));
      expect(await links.linksOf('lan')).toEqual([{ channel: 'zalo', linkedAt: minutes(2).toISOString() }]);
      expect(await links.linksOf('binh')).toEqual([{ channel: 'telegram', linkedAt: minutes(3).toISOString() }]);

      await links.addCode('binh', h('h-4'), minutes(4), minutes(14));
      await links.redeem(h('h-4'), 'telegram', '333', minutes(5));
      expect(await links.isLinkedStaff('telegram', '111')).toBe(false);
      expect(await links.isLinkedStaff('telegram', '333')).toBe(true);
      expect(await links.channelsByStaff()).toEqual(
        new Map([
          ['binh', ['telegram']],
          ['lan', ['zalo']],
        ]),
      );

      expect(await links.unlink('lan', 'zalo')).toBe(true);
      expect(await links.unlink('lan', 'zalo')).toBe(false);
      expect(await links.unlink('lan', 'telegram')).toBe(false);
      expect(await links.linksOf('lan')).toEqual([]);
      expect(await links.isLinkedStaff('zalo', 'z-1')).toBe(false);
    });

    it('stops counting a disabled account’s chat as staff, and refuses its unused code', async () => {
      const { links, disable } = await start();
      await links.addCode('lan', h('h-1'), T0, minutes(10));
      await links.redeem(h('h-1'), 'telegram', '111', minutes(1));
      await links.addCode('lan', h('h-2'), minutes(2), minutes(12));
      await disable('lan', minutes(3));
      expect(await links.isLinkedStaff('telegram', '111')).toBe(false);
      expect(await links.redeem(h('h-2'), 'zalo', 'z-1', minutes(4))).toEqual({ ok: false, reason: 'expired' });
      expect(await links.isLinkedStaff('zalo', 'z-1')).toBe(false);
    });
  });
}
