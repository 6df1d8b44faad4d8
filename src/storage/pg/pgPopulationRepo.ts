/**
 * @module storage/pg/pgPopulationRepo
 *
 * The denominators staff enter, on PostgreSQL: the twin of
 * storage/sqlite/populationRepo.ts. A save is one `withCommune` transaction
 * and says what it changed, old and new, for the audit log; a failed import
 * leaves nothing half written. Each cell is read and written under a row lock
 * (`FOR UPDATE`, or the upsert's own), so two staff saving at once each see
 * the value the other left and the audit log's "before" is true.
 */
import { sql } from 'kysely';
import type { CertifiedCount, PopulationCount, PopulationSource } from '../../core/stores/reports.js';
import type { PopulationChange, PopulationEdit, PopulationStore } from '../../core/stores/populationEdit.js';
import type { PgDb } from './db.js';
import { bytewise } from './pgSql.js';
import { withCommune } from './tenant.js';

export class PgPopulationRepo implements PopulationSource, PopulationStore {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {}

  population(): Promise<PopulationCount[]> {
    return withCommune(this.db, this.communeId, (trx) =>
      trx
        .selectFrom('population')
        .select(['hamlet_id as hamletId', 'group_id as groupId', 'people'])
        .where('commune_id', '=', this.communeId)
        .orderBy(bytewise('hamlet_id'))
        .orderBy(bytewise('group_id'))
        .execute(),
    );
  }

  vneidCertified(): Promise<CertifiedCount[]> {
    return withCommune(this.db, this.communeId, (trx) =>
      trx
        .selectFrom('vneid_certified')
        .select(['hamlet_id as hamletId', 'certified'])
        .where('commune_id', '=', this.communeId)
        .orderBy(bytewise('hamlet_id'))
        .execute(),
    );
  }

  /** Applies every cell in one transaction; returns the cells whose value actually changed. */
  save(edit: PopulationEdit, by: string, now: Date): Promise<PopulationChange[]> {
    const at = now.toISOString();
    const c = this.communeId;
    return withCommune(this.db, c, async (trx) => {
      const changes: PopulationChange[] = [];
      for (const cell of edit.population) {
        const row = await trx
          .selectFrom('population')
          .select('people')
          .where('commune_id', '=', c)
          .where('hamlet_id', '=', cell.hamletId)
          .where('group_id', '=', cell.groupId)
          .forUpdate()
          .executeTakeFirst();
        const before = row?.people ?? null;
        if (before === cell.people) continue;
        if (cell.people === null) {
          await trx
            .deleteFrom('population')
            .where('commune_id', '=', c)
            .where('hamlet_id', '=', cell.hamletId)
            .where('group_id', '=', cell.groupId)
            .execute();
        } else {
          await trx
            .insertInto('population')
            .values({
              commune_id: c,
              hamlet_id: cell.hamletId,
              group_id: cell.groupId,
              people: cell.people,
              updated_at: at,
              updated_by: by,
            })
            .onConflict((oc) =>
              oc.columns(['commune_id', 'hamlet_id', 'group_id']).doUpdateSet({
                people: sql.ref('excluded.people'),
                updated_at: sql.ref('excluded.updated_at'),
                updated_by: sql.ref('excluded.updated_by'),
              }),
            )
            .execute();
        }
        changes.push({ hamletId: cell.hamletId, groupId: cell.groupId, before, after: cell.people });
      }
      for (const cell of edit.certified) {
        const row = await trx
          .selectFrom('vneid_certified')
          .select('certified')
          .where('commune_id', '=', c)
          .where('hamlet_id', '=', cell.hamletId)
          .forUpdate()
          .executeTakeFirst();
        const before = row?.certified ?? null;
        if (before === cell.certified) continue;
        if (cell.certified === null) {
          await trx
            .deleteFrom('vneid_certified')
            .where('commune_id', '=', c)
            .where('hamlet_id', '=', cell.hamletId)
            .execute();
        } else {
          await trx
            .insertInto('vneid_certified')
            .values({
              commune_id: c,
              hamlet_id: cell.hamletId,
              certified: cell.certified,
              updated_at: at,
              updated_by: by,
            })
            .onConflict((oc) =>
              oc.columns(['commune_id', 'hamlet_id']).doUpdateSet({
                certified: sql.ref('excluded.certified'),
                updated_at: sql.ref('excluded.updated_at'),
                updated_by: sql.ref('excluded.updated_by'),
              }),
            )
            .execute();
        }
        changes.push({ hamletId: cell.hamletId, before, after: cell.certified });
      }
      return changes;
    });
  }
}
