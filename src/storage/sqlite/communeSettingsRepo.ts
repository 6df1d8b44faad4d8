/**
 * @module storage/sqlite/communeSettingsRepo
 *
 * The hamlet list and contacts staff save in the console (migration 012), and
 * the answer to "is this hamlet id used?". Every save bumps the revision in
 * the same transaction, so a reader that saw the new revision sees the new
 * rows. Removing a used id is refused here too, inside the transaction, so
 * two staff saving at once cannot slip one past the check the console made.
 */
import type { NamedItem } from '../../core/registry/types.js';
import {
  contactsWithoutGoneHamlets,
  HamletInUseError,
  NO_HAMLET_USAGE,
  usedOnly,
  type CommuneOverrides,
  type CommuneSettingsStore,
  type HamletUsage,
  type SyncCommuneSettingsSource,
} from '../../core/stores/communeSettings.js';
import type { Db } from './db.js';

export { HamletInUseError };

interface SettingsRow {
  revision: number;
  hamlets_saved: number;
  contacts: string | null;
}

const USAGE_SQL = `SELECT
   (SELECT COUNT(*) FROM citizens WHERE commune_id = @commune AND hamlet = @hamlet) AS citizens,
   (SELECT COUNT(*) FROM anonymous_passes WHERE commune_id = @commune AND hamlet = @hamlet)
     + (SELECT COUNT(*) FROM anonymous_completions WHERE commune_id = @commune AND hamlet = @hamlet) AS anonymous,
   (SELECT COUNT(*) FROM population WHERE commune_id = @commune AND hamlet_id = @hamlet)
     + (SELECT COUNT(*) FROM vneid_certified WHERE commune_id = @commune AND hamlet_id = @hamlet) AS population`;

export class SqliteCommuneSettingsRepo implements CommuneSettingsStore, SyncCommuneSettingsSource {
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
  ) {}

  private row(): SettingsRow | undefined {
    return this.db
      .prepare('SELECT revision, hamlets_saved, contacts FROM commune_settings WHERE commune_id = ?')
      .get(this.communeId) as SettingsRow | undefined;
  }

  revision(): number {
    return this.row()?.revision ?? 0;
  }

  overrides(): CommuneOverrides {
    const row = this.row();
    if (!row) return {};
    const hamlets =
      row.hamlets_saved === 1
        ? (this.db
            .prepare('SELECT id, name FROM commune_hamlets WHERE commune_id = ? ORDER BY position, id')
            .all(this.communeId) as NamedItem[])
        : undefined;
    const contacts = row.contacts === null ? undefined : (JSON.parse(row.contacts) as Record<string, unknown>);
    return { ...(hamlets && { hamlets }), ...(contacts && { contacts }) };
  }

  /** How many records are filed under each id (ids used by nothing come back with zeros). */
  usage(hamletIds: readonly string[]): Map<string, HamletUsage> {
    const out = new Map<string, HamletUsage>();
    const usage = this.db.prepare(USAGE_SQL);
    const staff = this.hasStaffAccounts()
      ? this.db.prepare('SELECT COUNT(*) AS n FROM staff_accounts WHERE commune_id = ? AND hamlet_id = ?')
      : undefined;
    for (const hamlet of new Set(hamletIds)) {
      const counts = usage.get({ commune: this.communeId, hamlet }) as Omit<HamletUsage, 'staff'>;
      const accounts = staff ? (staff.get(this.communeId, hamlet) as { n: number }).n : 0;
      out.set(hamlet, { ...NO_HAMLET_USAGE, ...counts, staff: accounts });
    }
    return out;
  }

  /** Ids among `hamletIds` that some record uses, with what uses them. */
  usedAmong(hamletIds: readonly string[]): Map<string, HamletUsage> {
    return usedOnly(this.usage(hamletIds));
  }

  /** Staff accounts live in another migration's table; before it exists, no account can use an id. */
  private hasStaffAccounts(): boolean {
    return (
      this.db.prepare("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'staff_accounts'").get() !==
      undefined
    );
  }

  /**
   * Replaces the hamlet list. `takenAway` are the ids the caller computed as
   * leaving the list in force (which may come from commune.yaml); when any is
   * used now, nothing is written and HamletInUseError names them. Digital
   * teams saved for hamlets no longer listed are dropped with them.
   */
  saveHamlets(hamlets: readonly NamedItem[], takenAway: readonly string[], by: string, now: Date): void {
    const at = now.toISOString();
    this.db.transaction(() => {
      const used = this.usedAmong(takenAway);
      if (used.size > 0) throw new HamletInUseError(used);
      const kept = new Set(hamlets.map((h) => h.id));
      const existing = this.db.prepare('SELECT id FROM commune_hamlets WHERE commune_id = ?').all(this.communeId) as {
        id: string;
      }[];
      const remove = this.db.prepare('DELETE FROM commune_hamlets WHERE commune_id = ? AND id = ?');
      for (const { id } of existing) if (!kept.has(id)) remove.run(this.communeId, id);
      const upsert = this.db.prepare(
        `INSERT INTO commune_hamlets (commune_id, id, name, position, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (commune_id, id) DO UPDATE SET name = excluded.name, position = excluded.position`,
      );
      hamlets.forEach((h, i) => upsert.run(this.communeId, h.id, h.name, i, at));
      this.bump(by, at, { hamlets: true });
      const contacts = contactsWithoutGoneHamlets(this.row()?.contacts, kept);
      if (contacts !== undefined) {
        this.db.prepare('UPDATE commune_settings SET contacts = ? WHERE commune_id = ?').run(contacts, this.communeId);
      }
    })();
  }

  /** Stores the contacts (already checked, in commune.yaml's shape). */
  saveContacts(contacts: Readonly<Record<string, unknown>>, by: string, now: Date): void {
    const at = now.toISOString();
    this.db.transaction(() => {
      this.bump(by, at, {});
      this.db
        .prepare('UPDATE commune_settings SET contacts = ? WHERE commune_id = ?')
        .run(JSON.stringify(contacts), this.communeId);
    })();
  }

  private bump(by: string, at: string, what: { hamlets?: boolean }): void {
    this.db
      .prepare(
        `INSERT INTO commune_settings (commune_id, revision, hamlets_saved, updated_at, updated_by)
         VALUES (@commune, 1, @hamlets, @at, @by)
         ON CONFLICT (commune_id) DO UPDATE SET revision = revision + 1,
           hamlets_saved = MAX(hamlets_saved, excluded.hamlets_saved), updated_at = excluded.updated_at,
           updated_by = excluded.updated_by`,
      )
      .run({ commune: this.communeId, hamlets: what.hamlets ? 1 : 0, at, by });
  }
}
