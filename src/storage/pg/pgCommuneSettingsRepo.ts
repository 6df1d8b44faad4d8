/**
 * @module storage/pg/pgCommuneSettingsRepo
 *
 * The hamlet list and contacts staff save in the console, on PostgreSQL: the
 * twin of storage/sqlite/communeSettingsRepo. Every method is one
 * `withCommune` transaction.
 *
 * A save starts by bumping the commune's `commune_settings` row (an upsert
 * with `revision = revision + 1`), which locks that row until the save
 * commits: two staff saving at once take turns, each revision counts one
 * save, and the second save's check of "is a removed hamlet id used?" runs
 * after the first one committed (READ COMMITTED reads what is committed at
 * each statement). SQLite gets the same from its whole-file write lock. What
 * this lock does not cover is a resident registering under a hamlet at the
 * very moment staff remove it; the console's own check before the save and
 * the registration form (which offers only listed hamlets) keep that narrow.
 *
 * Readers see the revision and the rows of one committed save: `overrides()`
 * reads the settings row and the hamlets in one transaction.
 */
import { sql } from 'kysely';
import type { NamedItem } from '../../core/registry/types.js';
import {
  contactsWithoutGoneHamlets,
  HamletInUseError,
  NO_HAMLET_USAGE,
  usedOnly,
  type CommuneOverrides,
  type CommuneSettingsStore,
  type HamletUsage,
} from '../../core/stores/communeSettings.js';
import type { PgDb } from './db.js';
import type { Trx } from './pgCitizenLocks.js';
import { bytewise } from './pgSql.js';
import { withCommune } from './tenant.js';

interface UsageRow {
  hamlet: string;
  citizens: number;
  anonymous: number;
  population: number;
  staff: number;
}

export class PgCommuneSettingsRepo implements CommuneSettingsStore {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {}

  async revision(): Promise<number> {
    const row = await withCommune(this.db, this.communeId, (trx) =>
      trx.selectFrom('commune_settings').select('revision').where('commune_id', '=', this.communeId).executeTakeFirst(),
    );
    return row?.revision ?? 0;
  }

  async overrides(): Promise<CommuneOverrides> {
    return withCommune(this.db, this.communeId, async (trx) => {
      const row = await trx
        .selectFrom('commune_settings')
        .select(['hamlets_saved', 'contacts'])
        .where('commune_id', '=', this.communeId)
        .executeTakeFirst();
      if (!row) return {};
      const hamlets =
        row.hamlets_saved === 1
          ? await trx
              .selectFrom('commune_hamlets')
              .select(['id', 'name'])
              .where('commune_id', '=', this.communeId)
              .orderBy('position')
              .orderBy(bytewise('id'))
              .execute()
          : undefined;
      const contacts = row.contacts === null ? undefined : (JSON.parse(row.contacts) as Record<string, unknown>);
      return { ...(hamlets && { hamlets }), ...(contacts && { contacts }) };
    });
  }

  async usage(hamletIds: readonly string[]): Promise<Map<string, HamletUsage>> {
    return withCommune(this.db, this.communeId, (trx) => this.usageIn(trx, hamletIds));
  }

  async usedAmong(hamletIds: readonly string[]): Promise<Map<string, HamletUsage>> {
    return usedOnly(await this.usage(hamletIds));
  }

  /** One query for every id: counts per table, zero for an id nothing uses. */
  private async usageIn(trx: Trx, hamletIds: readonly string[]): Promise<Map<string, HamletUsage>> {
    const ids = [...new Set(hamletIds)];
    const out = new Map<string, HamletUsage>();
    if (ids.length === 0) return out;
    const c = this.communeId;
    const { rows } = await sql<UsageRow>`
      SELECT h.hamlet,
        (SELECT COUNT(*) FROM citizens WHERE commune_id = ${c} AND hamlet = h.hamlet) AS citizens,
        (SELECT COUNT(*) FROM anonymous_passes WHERE commune_id = ${c} AND hamlet = h.hamlet)
          + (SELECT COUNT(*) FROM anonymous_completions WHERE commune_id = ${c} AND hamlet = h.hamlet) AS anonymous,
        (SELECT COUNT(*) FROM population WHERE commune_id = ${c} AND hamlet_id = h.hamlet)
          + (SELECT COUNT(*) FROM vneid_certified WHERE commune_id = ${c} AND hamlet_id = h.hamlet) AS population,
        (SELECT COUNT(*) FROM staff_accounts WHERE commune_id = ${c} AND hamlet_id = h.hamlet) AS staff
      FROM unnest(${ids}::text[]) AS h(hamlet)`.execute(trx);
    for (const r of rows) {
      out.set(r.hamlet, {
        ...NO_HAMLET_USAGE,
        citizens: Number(r.citizens),
        anonymous: Number(r.anonymous),
        population: Number(r.population),
        staff: Number(r.staff),
      });
    }
    return out;
  }

  async saveHamlets(hamlets: readonly NamedItem[], takenAway: readonly string[], by: string, now: Date): Promise<void> {
    const at = now.toISOString();
    await withCommune(this.db, this.communeId, async (trx) => {
      // First: it locks the settings row, so a second save waits here and then sees this one.
      await this.bump(trx, by, at, { hamlets: true });
      const used = usedOnly(await this.usageIn(trx, takenAway));
      if (used.size > 0) throw new HamletInUseError(used);
      const kept = hamlets.map((h) => h.id);
      let gone = trx.deleteFrom('commune_hamlets').where('commune_id', '=', this.communeId);
      if (kept.length > 0) gone = gone.where('id', 'not in', kept);
      await gone.execute();
      if (hamlets.length > 0) {
        await trx
          .insertInto('commune_hamlets')
          .values(
            hamlets.map((h, i) => ({
              commune_id: this.communeId,
              id: h.id,
              name: h.name,
              position: i,
              created_at: at,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['commune_id', 'id']).doUpdateSet((eb) => ({
              name: eb.ref('excluded.name'),
              position: eb.ref('excluded.position'),
            })),
          )
          .execute();
      }
      const row = await trx
        .selectFrom('commune_settings')
        .select('contacts')
        .where('commune_id', '=', this.communeId)
        .executeTakeFirst();
      const contacts = contactsWithoutGoneHamlets(row?.contacts, new Set(kept));
      if (contacts !== undefined) {
        await trx.updateTable('commune_settings').set({ contacts }).where('commune_id', '=', this.communeId).execute();
      }
    });
  }

  async saveContacts(contacts: Readonly<Record<string, unknown>>, by: string, now: Date): Promise<void> {
    await withCommune(this.db, this.communeId, async (trx) => {
      await this.bump(trx, by, now.toISOString(), {});
      await trx
        .updateTable('commune_settings')
        .set({ contacts: JSON.stringify(contacts) })
        .where('commune_id', '=', this.communeId)
        .execute();
    });
  }

  /** One more revision; holds the settings row's lock until the transaction ends. */
  private async bump(trx: Trx, by: string, at: string, what: { hamlets?: boolean }): Promise<void> {
    await trx
      .insertInto('commune_settings')
      .values({
        commune_id: this.communeId,
        revision: 1,
        hamlets_saved: what.hamlets ? 1 : 0,
        updated_at: at,
        updated_by: by,
      })
      .onConflict((oc) =>
        oc.column('commune_id').doUpdateSet((eb) => ({
          revision: eb('commune_settings.revision', '+', 1),
          hamlets_saved: sql<0 | 1>`GREATEST(commune_settings.hamlets_saved, excluded.hamlets_saved)`,
          updated_at: eb.ref('excluded.updated_at'),
          updated_by: eb.ref('excluded.updated_by'),
        })),
      )
      .execute();
  }
}
