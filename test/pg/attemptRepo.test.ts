/**
 * The AttemptRepo contract (test/contracts) on PostgreSQL, as the app role,
 * a fresh commune per case; then what only several connections can show: two
 * processes starting or answering at once end as one start and one answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAttemptRepo } from '../../src/storage/pg/pgAttemptRepo.js';
import { PgCitizenRepo } from '../../src/storage/pg/pgCitizenRepo.js';
import { answered, describeAttemptRepoContract, finished, fresh, T0 } from '../contracts/attemptRepo.contract.js';
import { later } from '../contracts/citizenRepo.contract.js';
import { openPgContractDb, type PgContractDb } from './pgContractDb.js';

let pg: PgContractDb;
beforeAll(async () => {
  pg = await openPgContractDb();
});
afterAll(async () => {
  await pg?.close();
});

describeAttemptRepoContract('postgresql', async () => {
  const { communeId, tables } = await pg.commune();
  return {
    citizens: new PgCitizenRepo(pg.app, communeId),
    attempts: new PgAttemptRepo(pg.app, communeId),
    records: async () => ({
      passes: (await tables.rows('quiz_passes')).length,
      completions: (await tables.rows('programme_completions')).length,
    }),
    close: () => undefined,
  };
});

describe('PgAttemptRepo across connections', () => {
  it('two processes starting an attempt for one citizen: one starts, the other gets false; a duplicate id throws', async () => {
    const { communeId } = await pg.commune();
    const citizens = new PgCitizenRepo(pg.app, communeId);
    const attempts = new PgAttemptRepo(pg.app, communeId);
    await citizens.ensure({ channel: 'web', userId: 'w' }, 'cit-1', T0);
    const started = await Promise.all([
      attempts.start(fresh('att-1', 'cit-1')),
      attempts.start(fresh('att-2', 'cit-1', 'q2')),
    ]);
    expect(started.sort()).toEqual([false, true]);
    await expect(
      later(() => attempts.start({ ...fresh('att-1', 'cit-1'), status: 'abandoned' })),
    ).rejects.toMatchObject({ code: '23505' });
  });

  it('the same final answer committed by two processes at once records one pass and one completion', async () => {
    const { communeId, tables } = await pg.commune();
    const citizens = new PgCitizenRepo(pg.app, communeId);
    const attempts = new PgAttemptRepo(pg.app, communeId);
    await citizens.ensure({ channel: 'web', userId: 'w' }, 'cit-1', T0);
    const a0 = fresh('att-1', 'cit-1');
    await attempts.start(a0);
    const a2 = answered(answered(a0, 0, true), 1, true);
    expect(await attempts.commit(answered(a0, 0, true), 0)).toBe(true);
    expect(await attempts.commit(a2, 1)).toBe(true);
    const [done, completion] = finished(answered(a2, 2, true), 10, 0.6, ['q1']);
    const results = await Promise.all([attempts.commit(done, 2, completion), attempts.commit(done, 2, completion)]);
    expect(results.sort()).toEqual([false, true]);
    expect((await tables.rows('quiz_passes')).length).toBe(1);
    expect((await tables.rows('programme_completions')).length).toBe(1);
  });
});
