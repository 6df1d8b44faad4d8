/**
 * @module storage/pg/pgCommuneRegistry
 *
 * The `communes` rows on PostgreSQL (core/stores/communes.ts). Writing and
 * reading one commune's row runs in that commune's own `withCommune`
 * transaction, under its fence. Listing every row opens `communes` for
 * reading only, the way the province view does (migration 023_province_read):
 * names and ids, nothing else of any commune.
 */
import { sql } from 'kysely';
import type { CommuneRegistry } from '../../core/stores/communes.js';
import type { KnownCommune } from '../../core/stores/province.js';
import type { PgDb } from './db.js';
import { PROVINCE_SETTING } from './migrations/023_province_read.js';
import { withCommune } from './tenant.js';

export class PgCommuneRegistry implements CommuneRegistry {
  constructor(
    private readonly db: PgDb,
    /** The install's own commune (COMMUNE_ID): the commune the listing transaction is set to. */
    private readonly homeId: string,
  ) {}

  add(id: string, name: string): Promise<boolean> {
    return withCommune(this.db, id, async (trx) => {
      const added = await trx
        .insertInto('communes')
        .values({ id, name })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .execute();
      return added.length === 1;
    });
  }

  get(id: string): Promise<KnownCommune | undefined> {
    return withCommune(this.db, id, (trx) =>
      trx.selectFrom('communes').select(['id', 'name']).where('id', '=', id).executeTakeFirst(),
    );
  }

  list(): Promise<KnownCommune[]> {
    return withCommune(this.db, this.homeId, async (trx) => {
      await sql`SELECT set_config(${PROVINCE_SETTING}, 'on', true)`.execute(trx);
      return trx
        .selectFrom('communes')
        .select(['id', 'name'])
        .orderBy(sql`id COLLATE "C"`)
        .execute();
    });
  }
}
