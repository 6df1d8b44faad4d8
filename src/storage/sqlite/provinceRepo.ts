/**
 * @module storage/sqlite/provinceRepo
 *
 * The communes a SQLite install knows (core/stores/province.ts): its own,
 * and any other with saved settings, residents, anonymous completions or
 * population. Each test is an EXISTS on a table whose primary key starts
 * with commune_id, so the answer costs one index probe per commune and
 * table, however many residents there are.
 */
import type { KnownCommune, ProvinceSource } from '../../core/stores/province.js';
import type { Db } from './db.js';

const KNOWN = `SELECT c.id, c.name FROM communes c
 WHERE c.id = ?
    OR EXISTS (SELECT 1 FROM commune_settings s WHERE s.commune_id = c.id)
    OR EXISTS (SELECT 1 FROM citizens x WHERE x.commune_id = c.id)
    OR EXISTS (SELECT 1 FROM anonymous_completions a WHERE a.commune_id = c.id)
    OR EXISTS (SELECT 1 FROM population p WHERE p.commune_id = c.id)
 ORDER BY c.id`;

export class SqliteProvinceRepo implements ProvinceSource {
  constructor(
    private readonly db: Db,
    /** The install's own commune (COMMUNE_ID), listed even before anything is filed under it. */
    private readonly homeId: string,
  ) {}

  communes(): KnownCommune[] {
    return this.db.prepare(KNOWN).all(this.homeId) as KnownCommune[];
  }
}
