/**
 * The progress report's numbers over a database filled through the real
 * quiz engine (progressFixture.ts): completions per hamlet × group, the
 * erased resident's anonymous completion, local-day period filters and week
 * boundaries (UTC+7), attempts and failed questions, and the plan's
 * indicators with their strict "trên 60%".
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressReport, type ProgressDeps } from '../../../src/reports/progressData.js';
import type { ProgressQuery, ProgressReport } from '../../../src/reports/progressTypes.js';
import { SqliteReportRepo } from '../../../src/storage/sqlite/reportRepo.js';
import { tempDir } from '../../helpers.js';
import { buildFixture, communeWithHamlets, FakePopulation, takeQuiz, type Fixture } from './progressFixture.js';

let tmp: ReturnType<typeof tempDir>;
let fx: Fixture;
let repo: SqliteReportRepo;
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
    commune: () => communeWithHamlets(fx.services.commune),
    quizzes: () => fx.services.quizzes.list(),
    clock: fx.clock,
  };
}
const report = (query: Partial<ProgressQuery> = {}, pop = population): Promise<ProgressReport> =>
  progressReport(deps(pop), { year: 2026, ...query });

beforeAll(async () => {
  tmp = tempDir('hocvuso-progress-');
  fx = await buildFixture(join(tmp.dir, 'hocvuso.db'));
  repo = new SqliteReportRepo(fx.services.db, 'hung-chau');
}, 120_000);

afterAll(() => {
  fx?.services.close();
  tmp?.cleanup();
});

describe('counts in SQL', () => {
  it('completions per hamlet × group include the erased resident, under the hamlet they had', () => {
    const sorted = repo.cohortCompletions({}).sort((a, b) => `${a.hamletId}`.localeCompare(`${b.hamletId}`));
    expect(sorted).toEqual([
      { hamletId: 'xom-1', groupId: 'nguoi-dan', completed: 2 },
      { hamletId: 'xom-2', groupId: 'nguoi-dan', completed: 1 },
    ]);
    // The erased resident's rows are gone; only the anonymous count stays.
    expect(fx.services.db.prepare('SELECT COUNT(*) AS n FROM programme_completions').get()).toEqual({ n: 2 });
    expect(fx.services.db.prepare('SELECT SUM(completions) AS n FROM anonymous_completions').get()).toEqual({ n: 1 });
  });

  it('the summary agrees with a direct count of the live rows after moves and the erasure', () => {
    const direct = fx.services.db
      .prepare(
        `SELECT c.hamlet AS h, c.target_group AS g, p.quiz_id AS q, COUNT(*) AS n FROM quiz_passes p
           JOIN citizens c ON c.commune_id = p.commune_id AND c.id = p.citizen_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      )
      .all();
    const summary = fx.services.db
      .prepare(
        `SELECT hamlet AS h, target_group AS g, quiz_id AS q, SUM(n) AS n FROM report_daily WHERE kind = 'pass'
          GROUP BY 1, 2, 3 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3`,
      )
      .all();
    expect(summary).toEqual(direct);
    expect(direct.length).toBeGreaterThan(5);
  });

  it('passes per quiz count the anonymous pass of the erased resident', () => {
    const passes = Object.fromEntries(repo.quizPasses({}).map((p) => [p.quizId, p.passed]));
    expect(passes['vneid-co-ban']).toBe(4);
    expect(passes['nhan-dien-lua-dao']).toBe(3);
    expect(passes['phong-trao-bdhvs']).toBe(3);
    expect(Object.fromEntries(repo.quizPasses({ hamletId: 'xom-2' }).map((p) => [p.quizId, p.passed]))).toEqual({
      'vneid-co-ban': 2,
      'dich-vu-cong-truc-tuyen': 1,
      'nhan-dien-lua-dao': 1,
      'an-toan-tai-khoan': 1,
      'phong-trao-bdhvs': 1,
    });
  });

  it('period filters are inclusive local dates: 16:30Z on 6/12 is Sunday 6/12, 17:30Z is Monday 7/12', () => {
    const upTo6 = repo.cohortCompletions({ to: '2026-12-06' });
    expect(upTo6.find((c) => c.hamletId === 'xom-1')?.completed).toBe(1);
    expect(repo.cohortCompletions({ from: '2026-12-07' })).toEqual([
      { hamletId: 'xom-1', groupId: 'nguoi-dan', completed: 1 },
    ]);
    expect(repo.cohortCompletions({ from: '2026-12-06', to: '2026-12-06' })).toEqual([
      { hamletId: 'xom-1', groupId: 'nguoi-dan', completed: 1 },
    ]);
    // The anonymous completion is dated 2026-12-02.
    expect(repo.cohortCompletions({ from: '2026-12-02', to: '2026-12-02' })).toEqual([
      { hamletId: 'xom-2', groupId: 'nguoi-dan', completed: 1 },
    ]);
    expect(repo.cohortCompletions({ from: '2026-12-03', to: '2026-12-05' })).toEqual([]);
  });

  it('weeks start on Monday in Viet Nam', () => {
    expect(repo.weekly({})).toEqual([
      { weekStart: '2026-11-30', completions: 2, passes: 11 },
      { weekStart: '2026-12-07', completions: 1, passes: 5 },
    ]);
    expect(repo.weekly({ groupId: 'hoc-sinh-sinh-vien' })).toEqual([
      { weekStart: '2026-11-30', completions: 0, passes: 1 },
    ]);
  });

  it('finished attempts per quiz by outcome, moved with the resident to their hamlet', () => {
    const attempts = repo.attemptCounts({});
    expect(attempts.find((a) => a.quizId === 'nhan-dien-lua-dao')).toEqual({
      quizId: 'nhan-dien-lua-dao',
      passed: 3,
      failed: 2,
    });
    expect(repo.attemptCounts({ hamletId: 'xom-2', groupId: 'hoc-sinh-sinh-vien' })).toEqual([
      { quizId: 'nhan-dien-lua-dao', passed: 0, failed: 2 },
      { quizId: 'vneid-co-ban', passed: 1, failed: 0 },
    ]);
    expect(repo.attemptCounts({ from: '2026-12-07' }).every((a) => a.failed === 0)).toBe(true);
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
    const quiz = fx.services.quizzes.get('nhan-dien-lua-dao');
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
  const live = (table: 'quiz_passes' | 'programme_completions') =>
    fx.services.db
      .prepare(
        `SELECT c.hamlet AS h, c.target_group AS g, COUNT(*) AS n FROM ${table} p
           JOIN citizens c ON c.commune_id = p.commune_id AND c.id = p.citizen_id GROUP BY 1, 2 ORDER BY 1, 2`,
      )
      .all();
  const summary = (kind: 'pass' | 'programme') =>
    fx.services.db
      .prepare(
        `SELECT hamlet AS h, target_group AS g, SUM(n) AS n FROM report_daily WHERE kind = ?
          GROUP BY 1, 2 HAVING SUM(n) <> 0 ORDER BY 1, 2`,
      )
      .all(kind);

  it('a resident linking a second channel moves the passes of that channel to their hamlet, once', async () => {
    fx.clock.set('2026-12-08T02:00:00.000Z');
    await takeQuiz(fx.services, 'em', 'vneid-co-ban', true);
    await takeQuiz(fx.services, 'em', 'kiem-chung-thong-tin', true);
    fx.services.citizens.update(fx.citizenOf('em'), { profile: { hamlet: 'xom-2', group: 'khac' } }, fx.clock.now());
    const an = fx.citizenOf('an');
    fx.services.citizens.createLinkCode(an, 'LINK1234', new Date('2026-12-09T00:00:00.000Z'));
    const result = fx.services.citizens.redeemLinkCode('LINK1234', { channel: 'web', userId: 'em' }, fx.clock.now());
    expect(result.ok).toBe(true);
    expect(summary('pass')).toEqual(live('quiz_passes'));
    expect(summary('programme')).toEqual(live('programme_completions'));
    // an kept their earlier vneid-co-ban pass and gained em's other quiz, in xom-1.
    const passes = Object.fromEntries(repo.quizPasses({ hamletId: 'xom-1' }).map((p) => [p.quizId, p.passed]));
    expect(passes['vneid-co-ban']).toBe(2);
    expect(passes['kiem-chung-thong-tin']).toBe(1);
    expect(repo.quizPasses({ hamletId: 'xom-2', groupId: 'khac' })).toEqual([]);
  });
});
