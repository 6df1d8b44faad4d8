/**
 * @module storage/pg/pgProvinceRepo
 *
 * The communes a PostgreSQL install knows (core/stores/province.ts), the twin
 * of storage/sqlite/provinceRepo.ts: its own, and any other with saved
 * settings, residents, anonymous completions or population.
 *
 * One transaction does it. It opens the list of communes for reading
 * (`app.province_read`, migration 023_province_read, which says why this and
 * not a SECURITY DEFINER function or a BYPASSRLS role); then, for each other
 * commune, it names that commune (`app.commune_id`, as `withCommune` does)
 * and asks whether anything is filed under it, so each EXISTS runs under that
 * commune's own fence and no statement reads two communes' rows. Each test
 * is an index probe (every table's key starts with commune_id).
 */
import { sql } from 'kysely';
import type { KnownCommune, ProvinceSource } from '../../core/stores/province.js';
import type { PgDb } from './db.js';
import { PROVINCE_SETTING } from './migrations/023_province_read.js';
import { COMMUNE_SETTING, withCommune } from './tenant.js';

const HAS_SOMETHING = sql<{ known: boolean }>`SELECT
     EXISTS (SELECT 1 FROM commune_settings WHERE commune_id = current_setting(${COMMUNE_SETTING}, true))
  OR EXISTS (SELECT 1 FROM citizens WHERE commune_id = current_setting(${COMMUNE_SETTING}, true))
  OR EXISTS (SELECT 1 FROM anonymous_completions WHERE commune_id = current_setting(${COMMUNE_SETTING}, true))
  OR EXISTS (SELECT 1 FROM population WHERE commune_id = current_setting(${COMMUNE_SETTING}, true)) AS known`;

export class PgProvinceRepo implements ProvinceSource {
  constructor(
    private readonly db: PgDb,
    /** The install's own commune (COMMUNE_ID), listed even before anything is filed under it. */
    private readonly homeId: string,
  ) {}

  communes(): Promise<KnownCommune[]> {
    return withCommune(this.db, this.homeId, async (trx) => {
      await sql`SELECT set_config(${PROVINCE_SETTING}, 'on', true)`.execute(trx);
      const all = await trx
        .selectFrom('communes')
        .select(['id', 'name'])
        .orderBy(sql`id COLLATE "C"`)
        .execute();
      await sql`SELECT set_config(${PROVINCE_SETTING}, 'off', true)`.execute(trx);
      const known: KnownCommune[] = [];
      for (const commune of all) {
        if (commune.id !== this.homeId) {
          await sql`SELECT set_config(${COMMUNE_SETTING}, ${commune.id}, true)`.execute(trx);
          const { rows } = await HAS_SOMETHING.execute(trx);
          if (rows[0]?.known !== true) continue;
        }
        known.push({ id: commune.id, name: commune.name });
      }
      return known;
    });
  }
}
