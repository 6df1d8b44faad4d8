/**
 * The staff reports' data side as one contract, run on SQLite
 * (test/integration/reportSourceContract.test.ts) and PostgreSQL
 * (test/pg/reportSource.test.ts): ReportSource, CompletionStats,
 * PopulationSource/Store and ProvinceSource. The rows are written only through
 * the citizen and attempt repositories (and erasure), so what is counted is
 * what each database's report triggers made of them. The history straddles a
 * commune day boundary (17:00 UTC is midnight in Asia/Ho_Chi_Minh) and an
 * ISO week (Monday 2026-12-07), has a resident with no hamlet, a failed
 * attempt, an attempt on an older quiz version and an erased resident whose
 * passes remain as anonymous counts. Named *.contract.ts so no vitest config
 * collects it.
 */
import { describe, expect, it } from 'vitest';
import type { AttemptRepo, CitizenRepo, MaybePromise } from '../../src/core/ports.js';
import type { Attempt } from '../../src/core/quiz/types.js';
import type { CompletionStats } from '../../src/core/stats/types.js';
import type { PopulationStore } from '../../src/core/stores/populationEdit.js';
import type { ProvinceSource } from '../../src/core/stores/province.js';
import type { AnswerKey, PopulationSource, ReportSource } from '../../src/core/stores/reports.js';
import { provinceReport, type ProvinceDeps } from '../../src/reports/provinceData.js';

/** One commune of the database under test, through the repositories of that database. */
export interface ReportCommune {
  readonly communeId: string;
  readonly citizens: CitizenRepo;
  readonly attempts: AttemptRepo;
  readonly reports: ReportSource;
  readonly stats: CompletionStats;
  readonly population: PopulationSource & PopulationStore;
}

export interface ReportWorld {
  /** A new, empty commune in the same database. */
  commune(): Promise<ReportCommune>;
  /** The province's reads for an install whose own commune is `homeId`, its clock at `now`. */
  province(homeId: string, now: Date): { source: ProvinceSource; deps: ProvinceDeps };
}

export type ReportWorldFactory = () => MaybePromise<ReportWorld>;

const CORE = ['q1', 'q2'];
const KEY_Q1: AnswerKey = { quizId: 'q1', version: 'sha-1', answers: [0, 1, 2] };

/** A finished attempt with its answers (q1's key is [0, 1, 2]); passed at 2 of 3 right or more. */
async function finish(
  c: ReportCommune,
  id: string,
  citizenId: string,
  quizId: string,
  answers: number[],
  at: string,
  version = 'sha-1',
): Promise<void> {
  const startedAt = new Date(Date.parse(at) - 60_000).toISOString();
  const start: Attempt = {
    id,
    citizenId,
    quizId,
    quizVersion: version,
    status: 'active',
    current: 0,
    correct: 0,
    order: [
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
    ],
    answers: [],
    startedAt,
  };
  expect(await c.attempts.start(start)).toBe(true);
  const correct = answers.filter((a, i) => a === KEY_Q1.answers[i]).length;
  const score = correct / 3;
  const passed = score >= 0.6;
  const done: Attempt = { ...start, status: 'finished', current: 3, correct, answers, finishedAt: at, score, passed };
  const completion = { citizenId, quizId, attemptId: id, score, passed, at, coreQuizzes: CORE };
  expect(await c.attempts.commit(done, 0, completion)).toBe(true);
}

async function resident(c: ReportCommune, id: string, hamlet: string | undefined, group: string): Promise<void> {
  await c.citizens.ensure({ channel: 'web', userId: `u-${id}` }, id, new Date('2026-11-01T00:00:00.000Z'));
  await c.citizens.update(
    id,
    { profile: { ...(hamlet !== undefined && { hamlet }), group } },
    new Date('2026-11-01T00:00:00.000Z'),
  );
}

/**
 * The history. Local days are UTC+7: 16:59:59.999Z is still 2026-12-06
 * (Sunday, week of 2026-11-30), 17:00Z is 2026-12-07 (Monday, a new week).
 */
export async function seedHistory(c: ReportCommune): Promise<void> {
  // c1, xom-1 / nguoi-dan: q1 the last millisecond of 6 Dec, q2 the first of 7 Dec: completes on 7 Dec.
  await resident(c, 'c1', 'xom-1', 'nguoi-dan');
  await finish(c, 'a1', 'c1', 'q1', [0, 1, 2], '2026-12-06T16:59:59.999Z');
  await finish(c, 'a2', 'c1', 'q2', [0, 1, 2], '2026-12-06T17:00:00.000Z');
  // c2, xom-2 / thanh-nien: fails q1 on 5 Dec, passes it on 7 Dec (local 08:00) with the last answer wrong.
  await resident(c, 'c2', 'xom-2', 'thanh-nien');
  await finish(c, 'a3', 'c2', 'q1', [1, 0, 2], '2026-12-05T10:00:00.000Z');
  await finish(c, 'a4', 'c2', 'q1', [0, 1, 0], '2026-12-07T01:00:00.000Z');
  // c3, no hamlet / nguoi-dan: a failed attempt on an old version (not in the key), then passes q1 on 1 Dec.
  await resident(c, 'c3', undefined, 'nguoi-dan');
  await finish(c, 'a5', 'c3', 'q1', [2, 2, 0], '2026-12-01T04:00:00.000Z', 'old');
  await finish(c, 'a6', 'c3', 'q1', [0, 1, 2], '2026-12-01T05:00:00.000Z');
  // c4, xom-1 / thanh-nien: completes on 2 Dec, then erases their data: anonymous counts remain.
  await resident(c, 'c4', 'xom-1', 'thanh-nien');
  await finish(c, 'a7', 'c4', 'q1', [0, 1, 2], '2026-12-02T03:00:00.000Z');
  await finish(c, 'a8', 'c4', 'q2', [0, 1, 2], '2026-12-02T04:00:00.000Z');
  await c.citizens.erase({ channel: 'web', userId: 'u-c4' });
}

type Keyed = { hamletId: string | null; groupId: string | null };
/** Rows in hamlet, group, quiz order (unknown first): the ports promise no order for these. */
const byCohort = <T extends Keyed>(rows: readonly T[]): T[] => {
  const key = (r: T): string => [r.hamletId ?? '', r.groupId ?? '', 'quizId' in r ? String(r.quizId) : ''].join('\t');
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
};

export function describeReportSourceContract(name: string, makeWorld: ReportWorldFactory): void {
  describe(`staff reports' data contract (${name})`, () => {
    it('counts people per hamlet × group × quiz and programme completions, erased residents included', async () => {
      const c = await (await makeWorld()).commune();
      await seedHistory(c);
      expect(byCohort(await c.reports.completionCounts())).toEqual([
        { hamletId: null, groupId: 'nguoi-dan', quizId: 'q1', passed: 1 },
        { hamletId: 'xom-1', groupId: 'nguoi-dan', quizId: 'q1', passed: 1 },
        { hamletId: 'xom-1', groupId: 'nguoi-dan', quizId: 'q2', passed: 1 },
        { hamletId: 'xom-1', groupId: 'thanh-nien', quizId: 'q1', passed: 1 },
        { hamletId: 'xom-1', groupId: 'thanh-nien', quizId: 'q2', passed: 1 },
        { hamletId: 'xom-2', groupId: 'thanh-nien', quizId: 'q1', passed: 1 },
      ]);
      const programme = [
        { hamletId: 'xom-1', groupId: 'nguoi-dan', completed: 1 },
        { hamletId: 'xom-1', groupId: 'thanh-nien', completed: 1 },
      ];
      expect(byCohort(await c.reports.programmeCounts())).toEqual(programme);
      expect(byCohort(await c.reports.cohortCompletions({}))).toEqual(programme);
    });

    it('puts 16:59:59.999Z on one commune day and 17:00Z on the next, in every view', async () => {
      const c = await (await makeWorld()).commune();
      await seedHistory(c);
      const r = c.reports;
      expect(await r.cohortCompletions({ from: '2026-12-07', to: '2026-12-07' })).toEqual([
        { hamletId: 'xom-1', groupId: 'nguoi-dan', completed: 1 },
      ]);
      expect(await r.cohortCompletions({ to: '2026-12-06' })).toEqual([
        { hamletId: 'xom-1', groupId: 'thanh-nien', completed: 1 },
      ]);
      expect(await r.quizPasses({})).toEqual([
        { quizId: 'q1', passed: 4 },
        { quizId: 'q2', passed: 2 },
      ]);
      expect(await r.quizPasses({ from: '2026-12-07' })).toEqual([
        { quizId: 'q1', passed: 1 },
        { quizId: 'q2', passed: 1 },
      ]);
      expect(await r.quizPasses({ from: '2026-12-06', to: '2026-12-06' })).toEqual([{ quizId: 'q1', passed: 1 }]);
      expect(await r.quizPasses({ to: '2026-12-06' })).toEqual([
        { quizId: 'q1', passed: 3 },
        { quizId: 'q2', passed: 1 },
      ]);
      // The erased resident's finished attempts still count: report_daily keeps a deleted attempt as a
      // count without a person (SQLite migration 014, PostgreSQL 019b).
      expect(await r.attemptCounts({})).toEqual([
        { quizId: 'q1', passed: 4, failed: 2 },
        { quizId: 'q2', passed: 2, failed: 0 },
      ]);
      expect(await r.attemptCounts({ from: '2026-12-07' })).toEqual([
        { quizId: 'q1', passed: 1, failed: 0 },
        { quizId: 'q2', passed: 1, failed: 0 },
      ]);
      expect(await r.attemptCounts({ to: '2026-12-06' })).toEqual([
        { quizId: 'q1', passed: 3, failed: 2 },
        { quizId: 'q2', passed: 1, failed: 0 },
      ]);
    });

    it('counts per local week (Monday), and narrows to a hamlet, a group, or both', async () => {
      const c = await (await makeWorld()).commune();
      await seedHistory(c);
      const r = c.reports;
      expect(await r.weekly({})).toEqual([
        { weekStart: '2026-11-30', completions: 1, passes: 4 },
        { weekStart: '2026-12-07', completions: 1, passes: 2 },
      ]);
      expect(await r.weekly({ from: '2026-12-07' })).toEqual([{ weekStart: '2026-12-07', completions: 1, passes: 2 }]);
      expect(await r.weekly({ hamletId: 'xom-1' })).toEqual([
        { weekStart: '2026-11-30', completions: 1, passes: 3 },
        { weekStart: '2026-12-07', completions: 1, passes: 1 },
      ]);
      expect(await r.quizPasses({ hamletId: 'xom-1' })).toEqual([
        { quizId: 'q1', passed: 2 },
        { quizId: 'q2', passed: 2 },
      ]);
      expect(await r.quizPasses({ groupId: 'thanh-nien' })).toEqual([
        { quizId: 'q1', passed: 2 },
        { quizId: 'q2', passed: 1 },
      ]);
      expect(await r.quizPasses({ hamletId: 'xom-1', groupId: 'thanh-nien' })).toEqual([
        { quizId: 'q1', passed: 1 },
        { quizId: 'q2', passed: 1 },
      ]);
      expect(await r.attemptCounts({ hamletId: 'xom-2' })).toEqual([{ quizId: 'q1', passed: 1, failed: 1 }]);
      expect(await r.cohortCompletions({ groupId: 'thanh-nien' })).toEqual([
        { hamletId: 'xom-1', groupId: 'thanh-nien', completed: 1 },
      ]);
      expect(await r.weekly({ hamletId: 'xom-9' })).toEqual([]);
    });

    it('counts wrong answers over the latest attempts on the catalog version, by scope and day', async () => {
      const c = await (await makeWorld()).commune();
      await seedHistory(c);
      const r = c.reports;
      expect(await r.questionMisses({}, [KEY_Q1], 100, 10)).toEqual([
        { quizId: 'q1', index: 0, wrong: 1, answered: 4 },
        { quizId: 'q1', index: 1, wrong: 1, answered: 4 },
        { quizId: 'q1', index: 2, wrong: 1, answered: 4 },
      ]);
      // The window keeps the newest attempt of the key's quiz and version only.
      expect(await r.questionMisses({}, [KEY_Q1], 1, 10)).toEqual([{ quizId: 'q1', index: 2, wrong: 1, answered: 1 }]);
      expect(await r.questionMisses({ hamletId: 'xom-2' }, [KEY_Q1], 100, 10)).toEqual([
        { quizId: 'q1', index: 0, wrong: 1, answered: 2 },
        { quizId: 'q1', index: 1, wrong: 1, answered: 2 },
        { quizId: 'q1', index: 2, wrong: 1, answered: 2 },
      ]);
      expect(await r.questionMisses({ groupId: 'nguoi-dan' }, [KEY_Q1], 100, 10)).toEqual([]);
      expect(await r.questionMisses({ to: '2026-12-06' }, [KEY_Q1], 100, 10)).toEqual([
        { quizId: 'q1', index: 0, wrong: 1, answered: 3 },
        { quizId: 'q1', index: 1, wrong: 1, answered: 3 },
      ]);
      expect(await r.questionMisses({ from: '2026-12-07' }, [KEY_Q1], 100, 1)).toEqual([
        { quizId: 'q1', index: 2, wrong: 1, answered: 1 },
      ]);
      expect(await r.questionMisses({}, [], 100, 10)).toEqual([]);
    });

    it('board and summary counts: per hamlet, today and this week from the commune day', async () => {
      const c = await (await makeWorld()).commune();
      await seedHistory(c);
      const perHamlet = [...(await c.stats.completionsPerHamlet())].sort((a, b) =>
        (a.hamletId ?? '') < (b.hamletId ?? '') ? -1 : 1,
      );
      expect(perHamlet).toEqual([{ hamletId: 'xom-1', completed: 2 }]);
      // 7 Dec starts at 6 Dec 17:00Z; the week of 30 Nov at 29 Nov 17:00Z.
      expect(
        await c.stats.tally({ dayStart: '2026-12-06T17:00:00.000Z', weekStart: '2026-11-29T17:00:00.000Z' }),
      ).toEqual({ today: 1, week: 2, total: 2 });
      expect(
        await c.stats.tally({ dayStart: '2026-12-07T17:00:00.000Z', weekStart: '2026-12-06T17:00:00.000Z' }),
      ).toEqual({ today: 0, week: 1, total: 2 });
    });

    it('population: a save says what changed, clears with null, and a bad cell saves nothing', async () => {
      const c = await (await makeWorld()).commune();
      const now = new Date('2026-12-07T02:00:00.000Z');
      expect(await c.population.population()).toEqual([]);
      const first = await c.population.save(
        {
          population: [
            { hamletId: 'xom-2', groupId: 'nguoi-dan', people: 800 },
            { hamletId: 'xom-1', groupId: 'thanh-nien', people: 120 },
            { hamletId: 'xom-1', groupId: 'nguoi-dan', people: 1200 },
          ],
          certified: [{ hamletId: 'xom-1', certified: 300 }],
        },
        'admin',
        now,
      );
      expect(first).toHaveLength(4);
      const second = await c.population.save(
        {
          population: [
            { hamletId: 'xom-1', groupId: 'nguoi-dan', people: 1250 },
            { hamletId: 'xom-1', groupId: 'thanh-nien', people: 120 },
            { hamletId: 'xom-2', groupId: 'nguoi-dan', people: null },
          ],
          certified: [{ hamletId: 'xom-1', certified: null }],
        },
        'admin',
        now,
      );
      expect(second).toEqual([
        { hamletId: 'xom-1', groupId: 'nguoi-dan', before: 1200, after: 1250 },
        { hamletId: 'xom-2', groupId: 'nguoi-dan', before: 800, after: null },
        { hamletId: 'xom-1', before: 300, after: null },
      ]);
      expect(await c.population.population()).toEqual([
        { hamletId: 'xom-1', groupId: 'nguoi-dan', people: 1250 },
        { hamletId: 'xom-1', groupId: 'thanh-nien', people: 120 },
      ]);
      expect(await c.population.vneidCertified()).toEqual([]);
      await expect(
        (async () =>
          c.population.save(
            {
              population: [
                { hamletId: 'xom-3', groupId: 'khac', people: 5 },
                { hamletId: 'xom-4', groupId: 'khac', people: -1 },
              ],
              certified: [],
            },
            'admin',
            now,
          ))(),
      ).rejects.toThrow();
      expect(await c.population.population()).toHaveLength(2);
    });

    it("the province sees every commune's figures; a commune's own reads see only its own", async () => {
      const world = await makeWorld();
      const home = await world.commune();
      const other = await world.commune();
      const empty = await world.commune();
      await seedHistory(home);
      await resident(other, 'b1', 'xom-1', 'nguoi-dan');
      await finish(other, 'b-a1', 'b1', 'q1', [0, 1, 2], '2026-12-07T03:00:00.000Z');
      await finish(other, 'b-a2', 'b1', 'q2', [0, 1, 0], '2026-12-07T04:00:00.000Z');
      await other.population.save(
        { population: [{ hamletId: 'xom-1', groupId: 'nguoi-dan', people: 10 }], certified: [] },
        'admin',
        new Date('2026-12-07T02:00:00.000Z'),
      );
      // A commune's own reads: nothing of the other.
      expect(await other.reports.quizPasses({})).toEqual([
        { quizId: 'q1', passed: 1 },
        { quizId: 'q2', passed: 1 },
      ]);
      expect(await other.reports.programmeCounts()).toEqual([
        { hamletId: 'xom-1', groupId: 'nguoi-dan', completed: 1 },
      ]);
      expect(await home.population.population()).toEqual([]);
      expect(await empty.reports.completionCounts()).toEqual([]);
      expect(
        await empty.stats.tally({ dayStart: '2000-01-01T00:00:00.000Z', weekStart: '2000-01-01T00:00:00.000Z' }),
      ).toEqual({ today: 0, week: 0, total: 0 });

      const { source, deps } = world.province(home.communeId, new Date('2026-12-07T05:00:00.000Z'));
      const ids = (await source.communes()).map((k) => k.id);
      expect(ids).toContain(home.communeId);
      expect(ids).toContain(other.communeId);
      expect(ids).not.toContain(empty.communeId);
      const communes = (await deps.communes()).filter((k) => k.id === home.communeId || k.id === other.communeId);
      const cohorts = await Promise.all(communes.map(async (k) => [k.id, await k.reports.cohortCompletions({})]));
      expect(Object.fromEntries(cohorts)).toEqual({
        [home.communeId]: expect.arrayContaining([
          { hamletId: 'xom-1', groupId: 'nguoi-dan', completed: 1 },
          { hamletId: 'xom-1', groupId: 'thanh-nien', completed: 1 },
        ]),
        [other.communeId]: [{ hamletId: 'xom-1', groupId: 'nguoi-dan', completed: 1 }],
      });
      const report = await provinceReport(deps, 2026);
      const rows = Object.fromEntries(report.communes.map((r) => [r.communeId, r.passesThisWeek]));
      expect(rows[home.communeId]).toBe(2);
      expect(rows[other.communeId]).toBe(2);
      expect(rows[empty.communeId]).toBeUndefined();
    });
  });
}
