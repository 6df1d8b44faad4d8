/**
 * The CitizenRepo contract (test/contracts) on PostgreSQL, as the app role
 * (row-level security on), a fresh commune per case; then what only several
 * communes and several connections can show: a commune's repo cannot read or
 * change another commune's citizen, and two links racing on one code or one
 * identity end as one link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAttemptRepo } from '../../src/storage/pg/pgAttemptRepo.js';
import { PgCitizenRepo } from '../../src/storage/pg/pgCitizenRepo.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import {
  attempt,
  at,
  CITIZEN_TABLES,
  describeCitizenRepoContract,
  finish,
  later,
  T0,
} from '../contracts/citizenRepo.contract.js';
import { openPgContractDb, type PgContractDb } from './pgContractDb.js';

let pg: PgContractDb;
beforeAll(async () => {
  pg = await openPgContractDb();
});
afterAll(async () => {
  await pg?.close();
});

describeCitizenRepoContract('postgresql', async (opts = {}) => {
  const { communeId, tables } = await pg.commune();
  return {
    citizens: new PgCitizenRepo(pg.app, communeId, opts),
    attempts: new PgAttemptRepo(pg.app, communeId),
    counts: async (): Promise<Record<string, number>> => {
      const out: Record<string, number> = {};
      for (const t of CITIZEN_TABLES) out[t] = (await tables.rows(t)).length;
      return out;
    },
    close: () => undefined,
  };
});

describe('PgCitizenRepo across communes and connections', () => {
  it("a commune's repo cannot read or change another commune's citizen", async () => {
    const a = (await pg.commune()).communeId;
    const { communeId: b, tables: bTables } = await pg.commune();
    const citizensA = new PgCitizenRepo(pg.app, a);
    const attemptsA = new PgAttemptRepo(pg.app, a);
    const citizensB = new PgCitizenRepo(pg.app, b);
    const attemptsB = new PgAttemptRepo(pg.app, b);
    const who = { channel: 'zalo' as const, userId: 'z-1' };
    const theirs = await citizensB.ensure(who, 'cit-1', T0);
    await citizensB.update('cit-1', { profile: { hamlet: 'xom-b' } }, T0);
    await citizensB.createLinkCode('cit-1', 'B-CODE', at(60));
    await attemptsB.start(attempt('att-b', 'cit-1', 'q1'));

    expect(await citizensA.get('cit-1')).toBeUndefined();
    expect(await citizensA.findByIdentity(who)).toBeUndefined();
    expect(await citizensA.identities('cit-1')).toEqual([]);
    expect(await attemptsA.get('att-b')).toBeUndefined();
    expect(await attemptsA.active('cit-1')).toBeUndefined();
    expect(await citizensA.redeemLinkCode('B-CODE', { channel: 'web', userId: 'w' }, at(1))).toEqual({
      ok: false,
      reason: 'unknown',
    });
    await citizensA.update('cit-1', { consent: 'declined', profile: { hamlet: 'xom-a' } }, at(2));
    await citizensA.delete('cit-1');
    await citizensA.erase(who);
    // A code, an attempt or an identity cannot be hung on another commune's citizen either.
    await expect(later(() => citizensA.createLinkCode('cit-1', 'A-CODE', at(60)))).rejects.toThrow();
    await expect(later(() => attemptsA.start(attempt('att-a', 'cit-1', 'q1')))).rejects.toThrow();
    expect(await attemptsA.commit({ ...attempt('att-b', 'cit-1', 'q1'), current: 1 }, 0)).toBe(false);

    expect(await citizensB.get('cit-1')).toEqual({ ...theirs, profile: { hamlet: 'xom-b' } });
    expect(await citizensB.findByIdentity(who)).toMatchObject({ id: 'cit-1' });
    expect(await attemptsB.get('att-b')).toMatchObject({ status: 'active', current: 0 });
    expect((await bTables.rows('link_codes')).map((r) => r['code'])).toEqual(['B-CODE']);
    // The same ids in commune A are another person, with rows of A's own.
    const mine = await citizensA.ensure(who, 'cit-1', at(3));
    expect(mine.createdAt).toBe(at(3).toISOString());
    expect((await citizensB.get('cit-1'))?.createdAt).toBe(T0.toISOString());
    // Row-level security, not only the repos' filters: a query of A that names no commune sees A's rows only.
    const seen = await withCommune(pg.app, a, (trx) => trx.selectFrom('citizens').select('commune_id').execute());
    expect(seen).toEqual([{ commune_id: a }]);
  });

  it('two connections redeeming one code at once: one links, the other finds it used', async () => {
    const { communeId, tables } = await pg.commune();
    const one = new PgCitizenRepo(pg.app, communeId);
    const two = new PgCitizenRepo(pg.app, communeId);
    await one.ensure({ channel: 'web', userId: 'maker' }, 'cit-maker', T0);
    await one.ensure({ channel: 'zalo', userId: 'z' }, 'cit-z', T0);
    await one.ensure({ channel: 'telegram', userId: 't' }, 'cit-t', T0);
    await one.createLinkCode('cit-maker', 'RACE-1', at(60));
    const results = await Promise.all([
      one.redeemLinkCode('RACE-1', { channel: 'zalo', userId: 'z' }, at(1)),
      two.redeemLinkCode('RACE-1', { channel: 'telegram', userId: 't' }, at(1)),
    ]);
    expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: 'expired' });
    expect((await tables.rows('citizens')).length).toBe(2);
    expect((await one.identities('cit-maker')).length).toBe(2);
  });

  it('a finishing answer racing a link lands its pass on the citizen the attempt ends up with', async () => {
    const { communeId, tables } = await pg.commune();
    const citizens = new PgCitizenRepo(pg.app, communeId, { coreQuizzes: ['q1', 'q2'] });
    const attempts = new PgAttemptRepo(pg.app, communeId);
    await citizens.ensure({ channel: 'web', userId: 'a' }, 'cit-a', T0);
    await citizens.ensure({ channel: 'telegram', userId: 'b' }, 'cit-b', T0);
    await attempts.start(attempt('a-q1', 'cit-a', 'q1'));
    expect(await finish(attempts, attempt('a-q1', 'cit-a', 'q1'), 1, 5, ['q1', 'q2'])).toBe(true);
    const running = attempt('b-q2', 'cit-b', 'q2');
    await attempts.start(running);
    await citizens.createLinkCode('cit-a', 'RACE-2', at(60));
    const [linked, finished] = await Promise.all([
      citizens.redeemLinkCode('RACE-2', { channel: 'telegram', userId: 'b' }, at(10)),
      finish(attempts, running, 1, 10, ['q1', 'q2']),
    ]);
    expect(linked).toMatchObject({ ok: true });
    expect(finished).toBe(true);
    // Whichever went first, both passes are cit-a's and the programme is complete, once.
    expect((await tables.rows('quiz_passes')).map((r) => [r['citizen_id'], r['quiz_id']]).sort()).toEqual([
      ['cit-a', 'q1'],
      ['cit-a', 'q2'],
    ]);
    expect(await tables.rows('programme_completions')).toEqual([
      { commune_id: communeId, citizen_id: 'cit-a', completed_at: at(10).toISOString() },
    ]);
  });

  it('an erasure racing a finishing answer: the pass is either counted anonymously or never made, never kept', async () => {
    const { communeId, tables } = await pg.commune();
    const citizens = new PgCitizenRepo(pg.app, communeId);
    const attempts = new PgAttemptRepo(pg.app, communeId);
    const who = { channel: 'zalo' as const, userId: 'z-race' };
    await citizens.ensure(who, 'cit-r', T0);
    await citizens.update('cit-r', { profile: { hamlet: 'xom-1', group: 'nguoi-dan' } }, T0);
    const a = { ...attempt('att-r', 'cit-r', 'q1'), current: 1, correct: 1, answers: [0] };
    expect(await attempts.start(a)).toBe(true);
    const done = {
      ...a,
      status: 'finished' as const,
      current: 2,
      correct: 2,
      answers: [0, 1],
      finishedAt: at(5).toISOString(),
      score: 1,
      passed: true,
    };
    const completion = {
      citizenId: 'cit-r',
      quizId: 'q1',
      attemptId: 'att-r',
      score: 1,
      passed: true,
      at: at(5).toISOString(),
      coreQuizzes: ['q1'],
    };
    const [, committed] = await Promise.all([citizens.erase(who), attempts.commit(done, 1, completion)]);
    expect(await tables.rows('quiz_passes')).toEqual([]);
    expect(await tables.rows('citizens')).toEqual([]);
    const anonymous = (await tables.rows('anonymous_passes')).reduce((n, r) => n + Number(r['passes']), 0);
    expect(anonymous).toBe(committed ? 1 : 0);
  });
});
