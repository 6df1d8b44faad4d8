/**
 * @module storage/sqlite/staffChatLinkRepo
 *
 * Staff accounts joined to their own Telegram or Zalo chat (migration 018).
 * Codes arrive here already hashed (staff/chatLinks.ts). Every read that
 * decides something joins the account and skips a disabled one, so disabling
 * an account ends its chat links and its unused code at once, without a
 * second write to forget.
 */
import type { StaffChatChannel, StaffChatLink, StaffChatLinkStore, StaffCodeRedemption } from '../../staff/types.js';
import { KEEP_SPENT_MS } from '../../staff/types.js';
import type { Db } from './db.js';

export {
  STAFF_CHAT_CHANNELS,
  type StaffChatChannel,
  type StaffChatLink,
  type StaffCodeRedemption,
} from '../../staff/types.js';

interface CodeRow {
  staff_id: string;
  expires_at: string;
  used_at: string | null;
  disabled_at: string | null;
}

export class SqliteStaffChatLinks implements StaffChatLinkStore {
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
  ) {}

  /**
   * Stores a new code for an active account; its unused earlier code stops
   * working (one live code per account). False when the account is missing or
   * disabled, or the hash is taken (the caller draws another code).
   */
  addCode(staffId: string, codeHash: string, at: Date, expiresAt: Date): boolean {
    return this.db.transaction(() => {
      const active = this.db
        .prepare('SELECT 1 AS x FROM staff_accounts WHERE commune_id = ? AND id = ? AND disabled_at IS NULL')
        .get(this.communeId, staffId);
      if (active === undefined) return false;
      this.db
        .prepare('DELETE FROM staff_chat_codes WHERE expires_at <= ?')
        .run(new Date(at.getTime() - KEEP_SPENT_MS).toISOString());
      this.db
        .prepare('DELETE FROM staff_chat_codes WHERE commune_id = ? AND staff_id = ? AND used_at IS NULL')
        .run(this.communeId, staffId);
      const r = this.db
        .prepare(
          `INSERT OR IGNORE INTO staff_chat_codes (commune_id, code_hash, staff_id, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?)`,
        )
        .run(this.communeId, codeHash, staffId, at.toISOString(), expiresAt.toISOString());
      return r.changes === 1;
    })();
  }

  /** When the account's unused code stops working, if it has one that still works. */
  liveCodeExpiry(staffId: string, now: Date): Date | undefined {
    const row = this.db
      .prepare(
        `SELECT expires_at FROM staff_chat_codes
         WHERE commune_id = ? AND staff_id = ? AND used_at IS NULL AND expires_at > ?
         ORDER BY expires_at DESC LIMIT 1`,
      )
      .get(this.communeId, staffId, now.toISOString()) as { expires_at: string } | undefined;
    return row ? new Date(row.expires_at) : undefined;
  }

  /**
   * Spends the code and links the chat identity to its account, in one
   * transaction. The identity leaves any other account it was linked to, and
   * the account's earlier identity on that channel is replaced.
   */
  redeem(codeHash: string, channel: StaffChatChannel, userId: string, now: Date): StaffCodeRedemption {
    return this.db.transaction((): StaffCodeRedemption => {
      const row = this.db
        .prepare(
          `SELECT c.staff_id, c.expires_at, c.used_at, a.disabled_at
           FROM staff_chat_codes c JOIN staff_accounts a ON a.commune_id = c.commune_id AND a.id = c.staff_id
           WHERE c.commune_id = ? AND c.code_hash = ?`,
        )
        .get(this.communeId, codeHash) as CodeRow | undefined;
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.used_at !== null || row.disabled_at !== null || row.expires_at <= now.toISOString()) {
        return { ok: false, reason: 'expired' };
      }
      const at = now.toISOString();
      this.db
        .prepare('UPDATE staff_chat_codes SET used_at = ? WHERE commune_id = ? AND code_hash = ?')
        .run(at, this.communeId, codeHash);
      this.db
        .prepare(
          `DELETE FROM staff_chat_links WHERE commune_id = ? AND channel = ?
           AND (user_id = ? OR staff_id = ?)`,
        )
        .run(this.communeId, channel, userId, row.staff_id);
      this.db
        .prepare(
          `INSERT INTO staff_chat_links (commune_id, staff_id, channel, user_id, linked_at) VALUES (?, ?, ?, ?, ?)`,
        )
        .run(this.communeId, row.staff_id, channel, userId, at);
      return { ok: true, staffId: row.staff_id };
    })();
  }

  /** Whether this chat identity belongs to an active staff account. */
  isLinkedStaff(channel: string, userId: string): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 AS x FROM staff_chat_links l
           JOIN staff_accounts a ON a.commune_id = l.commune_id AND a.id = l.staff_id
           WHERE l.commune_id = ? AND l.channel = ? AND l.user_id = ? AND a.disabled_at IS NULL`,
        )
        .get(this.communeId, channel, userId) !== undefined
    );
  }

  /** The channels an account is linked on (never the chat ids: nobody needs to read them). */
  linksOf(staffId: string): StaffChatLink[] {
    const rows = this.db
      .prepare('SELECT channel, linked_at FROM staff_chat_links WHERE commune_id = ? AND staff_id = ? ORDER BY channel')
      .all(this.communeId, staffId) as { channel: StaffChatChannel; linked_at: string }[];
    return rows.map((r) => ({ channel: r.channel, linkedAt: r.linked_at }));
  }

  /** Linked channels of every account, for `cli staff list`. */
  channelsByStaff(): Map<string, StaffChatChannel[]> {
    const rows = this.db
      .prepare('SELECT staff_id, channel FROM staff_chat_links WHERE commune_id = ? ORDER BY staff_id, channel')
      .all(this.communeId) as { staff_id: string; channel: StaffChatChannel }[];
    const out = new Map<string, StaffChatChannel[]>();
    for (const r of rows) out.set(r.staff_id, [...(out.get(r.staff_id) ?? []), r.channel]);
    return out;
  }

  /** Removes the account's link on that channel. False when there was none. */
  unlink(staffId: string, channel: StaffChatChannel): boolean {
    return (
      this.db
        .prepare('DELETE FROM staff_chat_links WHERE commune_id = ? AND staff_id = ? AND channel = ?')
        .run(this.communeId, staffId, channel).changes === 1
    );
  }
}
