/**
 * The staff role CHECK on PostgreSQL after 021_province_role (the twin of
 * SQLite 021): a province account is accepted without a hamlet, a province
 * account with a hamlet and an unknown role are refused, as on SQLite.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const COMMUNE = 'hung-chau';
const AT = '2026-12-06T00:00:00.000Z';

describe('staff_accounts role on PostgreSQL', () => {
  let t: TestDatabase;
  let app: Kysely<Database>;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    app = connect<Database>(t.appUrl, 1);
  });
  afterAll(async () => {
    await app?.destroy();
    await t?.drop();
  });

  const add = (id: string, role: string, hamlet: string | null) =>
    withCommune(app, COMMUNE, (trx) =>
      trx
        .insertInto('staff_accounts')
        .values({
          commune_id: COMMUNE,
          id,
          name: id,
          role: role as Database['staff_accounts']['role'],
          hamlet_id: hamlet,
          created_at: AT,
        })
        .execute(),
    );

  it('accepts admin, hamlet and province accounts; refuses a province with a hamlet and an unknown role', async () => {
    await add('admin', 'admin', null);
    await add('xom1', 'hamlet', 'xom-1');
    await add('tinh', 'province', null);
    await expect(add('tinh2', 'province', 'xom-1')).rejects.toMatchObject({ code: '23514' });
    await expect(add('root', 'root', null)).rejects.toMatchObject({ code: '23514' });
    const roles = await withCommune(app, COMMUNE, (trx) =>
      trx.selectFrom('staff_accounts').select(['id', 'role']).orderBy('id').execute(),
    );
    expect(roles).toEqual([
      { id: 'admin', role: 'admin' },
      { id: 'tinh', role: 'province' },
      { id: 'xom1', role: 'hamlet' },
    ]);
  });
});
