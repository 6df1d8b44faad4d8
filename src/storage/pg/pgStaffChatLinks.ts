/**
 * @module storage/pg/pgStaffChatLinks
 *
 * Staff accounts joined to their own Telegram or Zalo chat, on PostgreSQL:
 * the twin of storage/sqlite/staffChatLinkRepo.ts (staff/types.ts
 * `StaffChatLinkStore`). Each method is one `withCommune` transaction. What
 * SQLite's single writer gave for free is asked for here: a code being
 * redeemed is read `FOR UPDATE`, so two processes handed the same code (a
 * redelivered `/canbo`) spend it once, the second one hearing "expired"; and
 * a new code locks its account's row, so two clicks on "Tạo mã" leave one
 * live code. Two accounts' codes redeemed from one chat at once end as one
 * after the other would: the chat is the later account's. Reads that decide
 * something join the account and skip a disabled one, as on SQLite.
 */
import type { Transaction } from 'kysely';
import {
  KEEP_SPENT_MS,
  type StaffChatChannel,
  type StaffChatLink,
  type StaffChatLinkStore,
  type StaffCodeRedemption,
} from '../../staff/types.js';
import type { PgDb } from './db.js';
import { bytewise } from './pgSql.js';
import type { Database } from './schema.js';
import { withCommune } from './tenant.js';

export class PgStaffChatLinks implements StaffChatLinkStore {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {}

  private tx<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return withCommune(this.db, this.communeId, fn);
  }

  addCode(staffId: string, codeHash: string, at: Date, expiresAt: Date): Promise<boolean> {
    return this.tx(async (trx) => {
      const active = await trx
        .selectFrom('staff_accounts')
        .select('id')
        .where('commune_id', '=', this.communeId)
        .where('id', '=', staffId)
        .where('disabled_at', 'is', null)
        // Two codes asked at once for one account: the second waits, then replaces the first.
        .forUpdate()
        .executeTakeFirst();
      if (!active) return false;
      await trx
        .deleteFrom('staff_chat_codes')
        .where('commune_id', '=', this.communeId)
        .where(bytewise('expires_at'), '<=', new Date(at.getTime() - KEEP_SPENT_MS).toISOString())
        .execute();
      await trx
        .deleteFrom('staff_chat_codes')
        .where('commune_id', '=', this.communeId)
        .where('staff_id', '=', staffId)
        .where('used_at', 'is', null)
        .execute();
      const inserted = await trx
        .insertInto('staff_chat_codes')
        .values({
          commune_id: this.communeId,
          code_hash: codeHash,
          staff_id: staffId,
          created_at: at.toISOString(),
          expires_at: expiresAt.toISOString(),
        })
        .onConflict((oc) => oc.column('code_hash').doNothing())
        .returning('code_hash')
        .executeTakeFirst();
      return inserted !== undefined;
    });
  }

  async liveCodeExpiry(staffId: string, now: Date): Promise<Date | undefined> {
    const row = await this.tx((trx) =>
      trx
        .selectFrom('staff_chat_codes')
        .select('expires_at')
        .where('commune_id', '=', this.communeId)
        .where('staff_id', '=', staffId)
        .where('used_at', 'is', null)
        .where(bytewise('expires_at'), '>', now.toISOString())
        .orderBy(bytewise('expires_at'), 'desc')
        .limit(1)
        .executeTakeFirst(),
    );
    return row ? new Date(row.expires_at) : undefined;
  }

  redeem(codeHash: string, channel: StaffChatChannel, userId: string, now: Date): Promise<StaffCodeRedemption> {
    return this.tx(async (trx): Promise<StaffCodeRedemption> => {
      const row = await trx
        .selectFrom('staff_chat_codes as c')
        .innerJoin('staff_accounts as a', (join) =>
          join.onRef('a.commune_id', '=', 'c.commune_id').onRef('a.id', '=', 'c.staff_id'),
        )
        .select(['c.staff_id', 'c.expires_at', 'c.used_at', 'a.disabled_at'])
        .where('c.commune_id', '=', this.communeId)
        .where('c.code_hash', '=', codeHash)
        // The same code redeemed twice at once: the second waits here and finds it spent.
        .forUpdate('c')
        .executeTakeFirst();
      if (!row) return { ok: false, reason: 'unknown' };
      const at = now.toISOString();
      if (row.used_at !== null || row.disabled_at !== null || row.expires_at <= at) {
        return { ok: false, reason: 'expired' };
      }
      await trx
        .updateTable('staff_chat_codes')
        .set({ used_at: at })
        .where('commune_id', '=', this.communeId)
        .where('code_hash', '=', codeHash)
        .execute();
      await trx
        .deleteFrom('staff_chat_links')
        .where('commune_id', '=', this.communeId)
        .where('channel', '=', channel)
        .where((eb) => eb.or([eb('user_id', '=', userId), eb('staff_id', '=', row.staff_id)]))
        .execute();
      await trx
        .insertInto('staff_chat_links')
        .values({ commune_id: this.communeId, staff_id: row.staff_id, channel, user_id: userId, linked_at: at })
        // Another account's code redeemed from the same chat at once: its link, not yet committed,
        // escaped the delete above. Waiting for it and taking the chat over is what one redeem
        // after the other does (the chat is the later account's), where a plain insert would throw.
        .onConflict((oc) =>
          oc.columns(['commune_id', 'channel', 'user_id']).doUpdateSet((eb) => ({
            staff_id: eb.ref('excluded.staff_id'),
            linked_at: eb.ref('excluded.linked_at'),
          })),
        )
        .execute();
      return { ok: true, staffId: row.staff_id };
    });
  }

  async isLinkedStaff(channel: string, userId: string): Promise<boolean> {
    const row = await this.tx((trx) =>
      trx
        .selectFrom('staff_chat_links as l')
        .innerJoin('staff_accounts as a', (join) =>
          join.onRef('a.commune_id', '=', 'l.commune_id').onRef('a.id', '=', 'l.staff_id'),
        )
        .select('l.staff_id')
        .where('l.commune_id', '=', this.communeId)
        .where('l.channel', '=', channel as StaffChatChannel)
        .where('l.user_id', '=', userId)
        .where('a.disabled_at', 'is', null)
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  async linksOf(staffId: string): Promise<StaffChatLink[]> {
    const rows = await this.tx((trx) =>
      trx
        .selectFrom('staff_chat_links')
        .select(['channel', 'linked_at'])
        .where('commune_id', '=', this.communeId)
        .where('staff_id', '=', staffId)
        .orderBy(bytewise('channel'))
        .execute(),
    );
    return rows.map((r) => ({ channel: r.channel, linkedAt: r.linked_at }));
  }

  async channelsByStaff(): Promise<Map<string, StaffChatChannel[]>> {
    const rows = await this.tx((trx) =>
      trx
        .selectFrom('staff_chat_links')
        .select(['staff_id', 'channel'])
        .where('commune_id', '=', this.communeId)
        .orderBy(bytewise('staff_id'))
        .orderBy(bytewise('channel'))
        .execute(),
    );
    const out = new Map<string, StaffChatChannel[]>();
    for (const r of rows) out.set(r.staff_id, [...(out.get(r.staff_id) ?? []), r.channel]);
    return out;
  }

  async unlink(staffId: string, channel: StaffChatChannel): Promise<boolean> {
    const r = await this.tx((trx) =>
      trx
        .deleteFrom('staff_chat_links')
        .where('commune_id', '=', this.communeId)
        .where('staff_id', '=', staffId)
        .where('channel', '=', channel)
        .executeTakeFirst(),
    );
    return Number(r.numDeletedRows) === 1;
  }
}
