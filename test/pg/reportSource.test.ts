/**
 * The staff reports' data contract (test/contracts/reportSource.contract.ts)
 * on PostgreSQL, as the app role (row-level security applies), a fresh
 * commune per case on one database; then what only PostgreSQL has: the
 * province's read-only opening of `communes` (migration 023_province_read)
 * lasts one transaction and opens nothing else.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMMUNE } from '../../src/content/loadCommune.js';
import { pgProvinceDeps } from '../../src/staff/pgProvinceCompose.js';
import { PgAttemptRepo } from '../../src/storage/pg/pgAttemptRepo.js';
import { PgCitizenRepo } from '../../src/storage/pg/pgCitizenRepo.js';
import { PgPopulationRepo } from '../../src/storage/pg/pgPopulationRepo.js';
import { PgProvinceRepo } from '../../src/storage/pg/pgProvinceRepo.js';
import { PgReportRepo } from '../../src/storage/pg/pgReportRepo.js';
import { PgCompletionStats } from '../../src/storage/pg/pgStatsRepo.js';
import { PROVINCE_SETTING } from '../../src/storage/pg/migrations/023_province_read.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { describeReportSourceContract, type ReportCommune } from '../contracts/reportSource.contract.js';
import { openPgContractDb, type PgContractDb } from './pgContractDb.js';

let pg: PgContractDb;
beforeAll(async () => {
  pg = await openPgContractDb();
});
afterAll(async () => {
  await pg?.close();
});

async function commune(): Promise<ReportCommune> {
  const { communeId } = await pg.commune();
  return {
    communeId,
    citizens: new PgCitizenRepo(pg.app, communeId),
    attempts: new PgAttemptRepo(pg.app, communeId),
    reports: new PgReportRepo(pg.app, communeId),
    stats: new PgCompletionStats(pg.app, communeId),
    population: new PgPopulationRepo(pg.app, communeId),
  };
}

describeReportSourceContract('postgresql', () => ({
  commune,
  province: (homeId, now) => ({
    source: new PgProvinceRepo(pg.app, homeId),
    deps: pgProvinceDeps({ db: pg.app, homeId, home: () => DEFAULT_COMMUNE, clock: { now: () => now } }),
  }),
}));

describe('the province read on PostgreSQL', () => {
  it('opens the names of communes for reading, in its own transaction only, and no other table', async () => {
    const a = await commune();
    const b = await commune();
    await b.population.save(
      { population: [{ hamletId: 'x', groupId: 'g', people: 3 }], certified: [] },
      'admin',
      new Date('2026-12-07T00:00:00.000Z'),
    );
    const known = (await new PgProvinceRepo(pg.app, a.communeId).communes()).map((k) => k.id);
    expect(known).toEqual(expect.arrayContaining([a.communeId, b.communeId]));
    // Without the setting, a commune's transaction sees its own row of `communes` only.
    const plain = await withCommune(pg.app, a.communeId, (trx) => trx.selectFrom('communes').select('id').execute());
    expect(plain.map((r) => r.id)).toEqual([a.communeId]);
    // With it: every commune's name, but still none of another commune's population, and no write.
    await withCommune(pg.app, a.communeId, async (trx) => {
      await sql`SELECT set_config(${PROVINCE_SETTING}, 'on', true)`.execute(trx);
      const names = await trx.selectFrom('communes').select('id').execute();
      expect(names.map((r) => r.id)).toEqual(expect.arrayContaining([a.communeId, b.communeId]));
      expect(await trx.selectFrom('population').selectAll().execute()).toEqual([]);
      const renamed = await trx
        .updateTable('communes')
        .set({ name: 'đổi tên' })
        .where('id', '=', b.communeId)
        .executeTakeFirst();
      expect(renamed.numUpdatedRows).toBe(0n);
    });
    expect(await b.population.population()).toEqual([{ hamletId: 'x', groupId: 'g', people: 3 }]);
  });
});

describe('ISO days and times in a linguistic collation', () => {
  it('order as bytes do, which is why pgReportSql.ts leaves them in the column collation', async () => {
    const times = [
      '2026-12-06T16:59:59.999Z',
      '2026-12-06T17:00:00.000Z',
      '2026-12-06T07:00:00.000Z',
      '2025-12-31T23:59:59.999Z',
      '2026-01-10T00:00:00.000Z',
      '2026-10-01T09:09:09.009Z',
      '2026-12-07T00:00:00.001Z',
      '2026-12-07',
      '2026-11-30',
      '2026-12-10',
      '2025-02-28',
    ];
    const bytes = [...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const { rows } = await sql<{ x: string }>`
      SELECT x FROM unnest(${times}::text[]) AS t(x) ORDER BY x COLLATE "und-x-icu"`.execute(pg.app);
    // Days and times are never compared with each other; each shape alone must sort as bytes.
    const shape = (x: string): boolean => x.length === 10;
    expect(rows.map((r) => r.x).filter(shape)).toEqual(bytes.filter(shape));
    expect(rows.map((r) => r.x).filter((x) => !shape(x))).toEqual(bytes.filter((x) => !shape(x)));
  });
});
