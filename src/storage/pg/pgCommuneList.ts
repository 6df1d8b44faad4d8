/**
 * @module storage/pg/pgCommuneList
 *
 * Every commune the database holds, for the server to serve (`/x/<id>/`) and
 * its jobs to cover. `communes` is fenced by row-level security; the list
 * opens it for reading in one transaction through the read-only policy of
 * migration 023 (ids and names only, as the province view does).
 */
import { sql } from 'kysely';
import type { PgDb } from './db.js';
import { PROVINCE_SETTING } from './migrations/023_province_read.js';
import { withCommune } from './tenant.js';

export interface CommuneRow {
  readonly id: string;
  readonly name: string;
}

/** The communes in id order; `homeId` is the transaction's own commune (any served one). */
export function allCommunes(db: PgDb, homeId: string): Promise<CommuneRow[]> {
  return withCommune(db, homeId, async (trx) => {
    await sql`SELECT set_config(${PROVINCE_SETTING}, 'on', true)`.execute(trx);
    return trx
      .selectFrom('communes')
      .select(['id', 'name'])
      .orderBy(sql`id COLLATE "C"`)
      .execute();
  });
}
