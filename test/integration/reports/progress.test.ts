/**
 * The progress report's numbers over a database filled through the real
 * quiz engine (progressFixture.ts), on SQLite or PostgreSQL: completions per hamlet × group, the
 * erased resident's anonymous completion, local-day period filters and week
 * boundaries (UTC+7), attempts and failed questions, and the plan's
 * indicators with their strict "trên 60%".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressReport, type ProgressDeps } from '../../../src/reports/progressData.js';
import type { ProgressQuery, ProgressReport } from '../../../src/reports/progressTypes.js';
import type { ReportSource } from '../../../src/core/stores/reports.js';
import type { Row } from '../../contracts/tables.js';
import {
  buildServiceFixture,
  communeWithHamlets,
  FakePopulation,
  takeQuiz,
  type ServiceFixture,
} from './progressFixture.js';

let fx: ServiceFixture;
let repo: ReportSource;
const population = new FakePopulation(
  [
    { hamletId: 'xom-1', groupId: 'nguoi-dan', people: 5 },
    { hamletId: 'xom-2', groupId: 'nguoi-dan', people: 5 },
    { hamletId: 'xom-1', groupId: 'hoc-sinh-sinh-vien', people: 4 },
  ],
  [
    { hamletId: 'xom-1', certified: 3 },
    { hamletId: 'xom-2', certified: 3 },
  ],
);

function deps(pop = population): ProgressDeps {
  return {
    reports: repo,
    population: pop,
    commune: () => communeWithHamlets(fx.service.commune),
    quizzes: () => fx.service.quizzes.list(),
    clock: fx.clock,
  };
}
const report = (query: Partial<ProgressQuery> = {}, pop = population): Promise<ProgressReport> =>
  progressReport(deps(pop), { year: 2026, ...query });

beforeAll(async () => {
  fx = await buildServiceFixture();
  repo = fx.service.reports;
}, 120_000);

afterAll(async () => {
  await fx?.service.close();
});

const rowsOf = (table: string): Promise<Row[]> => fx.service.tables.rows(table);

/** Counts (or sums of `n`) by the key of each row, without the zero sums, sorted by key. */
function tally(rows: readonly Row[], key: (r: Row) => unknown[], n: (r: Row) => number = () => 1): unknown[][] {
  const sums = new Map<string, { key: unknown[]; n: number }>();
  for (const r of rows) {
    const k = key(r);
    const id = JSON.stringify(k);
    const at = sums.get(id) ?? { key: k, n: 0 };
    at.n += n(r);
    sums.set(id, at);
  }
  return [...sums.entries()]
    .filter(([, v]) => v.n !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, v]) => [...v.key, v.n]);
}

/** The passes (or completions) of live citizens, by the hamlet and group they have now. */
async function liveBy(table: 'quiz_passes' | 'programme_completions', withQuiz: boolean): Promise<unknown[][]> {
  const citizens = new Map((await rowsOf('citizens')).map((c) => [c.id, c]));
  return tally(await rowsOf(table), (p) => {
    const c = citizens.get(p.citizen_id);
    if (!c) throw new Error(`${table} row of no citizen`);
    return withQuiz ? [c.hamlet, c.target_group, p.quiz_id] : [c.hamlet, c.target_group];
  });
}

/** report_daily's summary of one kind, as liveBy reads it. */
async function summaryBy(kind: 'pass' | 'programme', withQuiz: boolean): Promise<unknown[][]> {
  return tally(
    (await rowsOf('report_daily')).filter((r) => r.kind === kind),
    (r) => (withQuiz ? [r.hamlet, r.target_group, r.quiz_id] : [r.hamlet, r.target_group]),
    (r) => Number(r.n),
  );
}

describe('counts in SQL', () => {
  it('completions per hamlet × group include the erased resident, under the hamlet they had', async () => {
    const sorted = (await repo.cohortCompletions({})).sort((a, b) => `${a.hamletId}`.localeCompare(`${b.hamletId}`));
    expect(sorted).toEqual([
      { hamletId: 'xom-1', groupId: 'nguoi-dan', completed: 2 },
      { hamletId: 'xom-2', groupId: 'nguoi-dan', completed: 1 },
    ]);
    // The erased resident's rows are gone; only the anonymous count stays.
    expect(await rowsOf('programme_completions')).toHaveLength(2);
    expect((await rowsOf('anonymous_completions')).reduce((sum, r) => sum + Number(r.completions), 0)).toBe(1);
  });

  it('the summary agrees with a direct count of the live rows after moves and the erasure', async () => {
    const direct = await liveBy('quiz_passes', true);
    expect(await summaryBy('pass', true)).toEqual(direct);
    expect(direct.length).toBeGreaterThan(5);
  });

  it('passes per quiz count the anonymous pass of the erased resident', async () => {
    const passes = Object.fromEntries((await repo.quizPasses({})).map((p) => [p.quizId, p.passed]));
    expect(passes['vneid-co-ban']).toBe(4);
    expect(passes['nhan-dien-lua-dao']).toBe(3);
    expect(passes['phong-trao-bdhvs']).toBe(3);
    expect(Object.fromEntries((await repo.quizPasses({ hamletId: 'xom-2' })).map((p) => [p.quizId, p.passed]))).toEqual(
      {
        'vneid-co-ban': 2,
        'dich-vu-cong-truc-tuyen': 1,
        'nhan-dien-lua-dao': 1,
        'an-toan-tai-khoan': 1,
        'phong-trao-bdhvs': 1,
      },
    );
  });

  it('period filters are inclusive local dates: 16:30Z on 6/12 is Sunday 6/12, 17:30Z is Monday 7/12', async () => {
    const upTo6 = await repo.cohortCompletions({ to: '2026-12-06' });
    expect(upTo6.find((c) => c.hamletId === 'xom-1')?.completed).toBe(1);
    expect(await repo.cohortCompletions({ from: '2026-12-07' })).toEqual([
      { hamletId: 'xom-1', groupId: 'nguoi-dan', completed: 1 },
    ]);
    expect(await repo.cohortCompletions({ from: '2026-12-06', to: '2026-12-06' })).toEqual([
      { hamletId: 'xom-1', groupId: 'nguoi-dan', completed: 1 },
    ]);
    // The anonymous completion is dated 2026-12-02.
    expect(await repo.cohortCompletions({ from: '2026-12-02', to: '2026-12-02' })).toEqual([
      { hamletId: 'xom-2', groupId: 'nguoi-dan', completed: 1 },
    ]);
    expect(await repo.cohortCompletions({ from: '2026-12-03', to: '2026-12-05' })).toEqual([]);
  });

  it('weeks start on Monday in Viet Nam', async () => {
    expect(await repo.weekly({})).toEqual([
      { weekStart: '2026-11-30', completions: 2, passes: 11 },
      { weekStart: '2026-12-07', completions: 1, passes: 5 },
    ]);
    expect(await repo.weekly({ groupId: 'hoc-sinh-sinh-vien' })).toEqual([
      { weekStart: '2026-11-30', completions: 0, passes: 1 },
    ]);
  });

  it('finished attempts per quiz by outcome, moved with the resident to their hamlet', async () => {
    const attempts = await repo.attemptCounts({});
    expect(attempts.find((a) => a.quizId === 'nhan-dien-lua-dao')).toEqual({
      quizId: 'nhan-dien-lua-dao',
      passed: 3,
      failed: 2,
    });
    expect(await repo.attemptCounts({ hamletId: 'xom-2', groupId: 'hoc-sinh-sinh-vien' })).toEqual([
      { quizId: 'nhan-dien-lua-dao', passed: 0, failed: 2 },
      { quizId: 'vneid-co-ban', passed: 1, failed: 0 },
    ]);
    expect((await repo.attemptCounts({ from: '2026-12-07' })).every((a) => a.failed === 0)).toBe(true);
  });
});

describe('the report', () => {
  it('indicators follow III.2 in 2026: d is certified ÷ adults and 60% is not "trên 60%"', async () => {
    const r = await report();
    expect(r.indicators.map((i) => i.letter)).toEqual(['a', 'b', 'c', 'd', 'đ']);
    const by = Object.fromEntries(r.indicators.map((i) => [i.letter, i]));
    expect(by.c).toMatchObject({ groupId: 'nguoi-dan', completed: 3, population: 10, share: 0.3, met: false });
    expect(by.c?.target).toEqual({ share: 1, strict: false });
    expect(by.d).toMatchObject({ groupId: null, completed: 6, population: 10, share: 0.6, met: false });
    expect(by.d?.target).toEqual({ share: 0.6, strict: true });
    expect(by.d?.label).toContain('VNeID');
  });

  it("in 2025 (III.1) the same 60% reaches d's 40%", async () => {
    const d = (await report({ year: 2025 })).indicators.find((i) => i.letter === 'd');
    expect(d).toMatchObject({ share: 0.6, met: true, target: { share: 0.4, strict: false } });
  });

  it('unknown population gives a null share, a null "met" and a note naming the hamlet', async () => {
    const r = await report();
    const b = r.indicators.find((i) => i.letter === 'b');
    expect(b).toMatchObject({ population: null, share: null, met: null });
    expect(r.notes.some((n) => n.includes('Xóm 2') && n.includes('Học sinh, sinh viên'))).toBe(true);
    const empty = await report({}, new FakePopulation());
    expect(empty.indicators.every((i) => i.share === null && i.met === null)).toBe(true);
    expect(empty.notes.join('\n')).toContain('Chưa nhập dân số');
    expect(empty.notes.join('\n')).toContain('VNeID');
  });

  it('cells per hamlet × group and totals', async () => {
    const r = await report();
    const xom1 = r.hamlets.find((h) => h.hamletId === 'xom-1');
    expect(xom1?.completed).toBe(2);
    expect(xom1?.groups.find((g) => g.groupId === 'nguoi-dan')).toMatchObject({
      completed: 2,
      population: 5,
      share: 0.4,
    });
    expect(r.total.completed).toBe(3);
    expect(r.groups.find((g) => g.groupId === 'nguoi-dan')).toMatchObject({ completed: 3, population: 10 });
    expect(r.quizzes.find((q) => q.quizId === 'nhan-dien-lua-dao')).toMatchObject({ passed: 3, failedAttempts: 2 });
  });

  it('the most-failed questions are those of the failed quiz, with their prompts', async () => {
    const r = await report();
    expect(r.failedQuestions.length).toBeGreaterThan(0);
    const quiz = fx.service.quizzes.get('nhan-dien-lua-dao');
    for (const f of r.failedQuestions) {
      expect(f.quizId).toBe('nhan-dien-lua-dao');
      expect(f).toMatchObject({ wrong: 2, answered: 4 });
      expect(quiz?.questions.find((q) => q.id === f.questionId)?.text).toBe(f.prompt);
    }
  });

  it('a hamlet query sees that hamlet only', async () => {
    const r = await report({ hamletId: 'xom-2' });
    expect(r.hamlets.map((h) => h.hamletId)).toEqual(['xom-2']);
    expect(r.total.completed).toBe(1);
    expect(r.indicators.find((i) => i.letter === 'd')).toMatchObject({ completed: 3, population: 5, share: 0.6 });
  });
});

describe('the summary follows a citizen merge', () => {
  it('a resident linking a second channel moves the passes of that channel to their hamlet, once', async () => {
    fx.clock.set('2026-12-08T02:00:00.000Z');
    const citizens = fx.service.citizens;
    await takeQuiz(fx.service, 'em', 'vneid-co-ban', true);
    await takeQuiz(fx.service, 'em', 'kiem-chung-thong-tin', true);
    await citizens.update(await fx.citizenOf('em'), { profile: { hamlet: 'xom-2', group: 'khac' } }, fx.clock.now());
    const an = await fx.citizenOf('an');
    await citizens.createLinkCode(an, 'LINK1234', new Date('2026-12-09T00:00:00.000Z'));
    const result = await citizens.redeemLinkCode('LINK1234', { channel: 'web', userId: 'em' }, fx.clock.now());
    expect(result.ok).toBe(true);
    expect(await summaryBy('pass', false)).toEqual(await liveBy('quiz_passes', false));
    expect(await summaryBy('programme', false)).toEqual(await liveBy('programme_completions', false));
    // an kept their earlier vneid-co-ban pass and gained em's other quiz, in xom-1.
    const passes = Object.fromEntries((await repo.quizPasses({ hamletId: 'xom-1' })).map((p) => [p.quizId, p.passed]));
    expect(passes['vneid-co-ban']).toBe(2);
    expect(passes['kiem-chung-thong-tin']).toBe(1);
    expect(await repo.quizPasses({ hamletId: 'xom-2', groupId: 'khac' })).toEqual([]);
  });
});
