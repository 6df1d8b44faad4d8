/**
 * The AttemptRepo contract: one behaviour suite that every implementation runs
 * (SQLite and the memory fake in test/integration/attemptRepo.test.ts,
 * PostgreSQL in test/pg/attemptRepo.test.ts): one active attempt per citizen,
 * the compare-and-set commit that makes a double tap or a redelivered update
 * harmless, first passes and the programme completion recorded exactly once,
 * and a pass landing on the citizen an attempt was merged into. The cases were
 * the SQLite/memory suite's. Named *.contract.ts so no vitest config collects it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptRepo, CitizenRepo, MaybePromise } from '../../src/core/ports.js';
import type { Attempt, CompletionRecord } from '../../src/core/quiz/types.js';
import { later } from './citizenRepo.contract.js';

export interface AttemptSubject {
  readonly citizens: CitizenRepo;
  readonly attempts: AttemptRepo;
  /** Rows in quiz_passes and programme_completions (of this subject's commune). */
  readonly records: () => MaybePromise<{ passes: number; completions: number }>;
  readonly close: () => MaybePromise<void>;
}

export type AttemptSubjectFactory = () => MaybePromise<AttemptSubject>;

export const T0 = new Date('2026-12-01T08:00:00.000Z');
export const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
export const iso = (minutes: number): string => at(minutes).toISOString();

/** A fresh three-question attempt, its option order already shuffled. */
export function fresh(id: string, citizenId: string, quizId = 'q1', startedMin = 0): Attempt {
  return {
    id,
    citizenId,
    quizId,
    quizVersion: 'sha-1',
    status: 'active',
    current: 0,
    correct: 0,
    order: [
      [2, 0, 1],
      [0, 1, 2],
      [1, 2, 0],
    ],
    answers: [],
    startedAt: iso(startedMin),
  };
}

/** The attempt after one more answer (what the engine would compute). */
export function answered(a: Attempt, choice: number, right: boolean): Attempt {
  return { ...a, current: a.current + 1, correct: a.correct + (right ? 1 : 0), answers: [...a.answers, choice] };
}

/** The attempt after its last answer, with the completion record that goes with it. */
export function finished(
  a: Attempt,
  minute: number,
  passScore = 0.6,
  coreQuizzes: readonly string[] = [],
): [Attempt, CompletionRecord] {
  const score = a.correct / a.order.length;
  const passed = score >= passScore;
  return [
    { ...a, status: 'finished', finishedAt: iso(minute), score, passed },
    { citizenId: a.citizenId, quizId: a.quizId, attemptId: a.id, score, passed, at: iso(minute), coreQuizzes },
  ];
}

/** Plays a whole attempt; `rights` says which answers were right. */
export async function play(
  repo: AttemptRepo,
  start: Attempt,
  rights: readonly boolean[],
  minute: number,
  coreQuizzes: readonly string[] = [],
): Promise<Attempt> {
  expect(await repo.start(start)).toBe(true);
  let a = start;
  for (const [i, right] of rights.slice(0, -1).entries()) {
    const next = answered(a, i, right);
    expect(await repo.commit(next, a.current)).toBe(true);
    a = next;
  }
  const [done, completion] = finished(answered(a, 0, rights.at(-1) ?? false), minute, 0.6, coreQuizzes);
  expect(await repo.commit(done, a.current, completion)).toBe(true);
  return done;
}

export function describeAttemptRepoContract(name: string, make: AttemptSubjectFactory): void {
  describe(`AttemptRepo contract (${name})`, () => {
    let subject: AttemptSubject | undefined;
    const open = async (...citizenIds: string[]): Promise<AttemptSubject> => {
      const s = (subject = await make());
      for (const id of citizenIds) await s.citizens.ensure({ channel: 'telegram', userId: `tg-${id}` }, id, T0);
      return s;
    };
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    it('starts an attempt and reads it back, by id and as the active one', async () => {
      const { attempts } = await open('cit-1');
      const a = fresh('att-1', 'cit-1');
      expect(await attempts.active('cit-1')).toBeUndefined();
      expect(await attempts.start(a)).toBe(true);
      expect(await attempts.get('att-1')).toEqual(a);
      expect(await attempts.active('cit-1')).toEqual(a);
      expect(await attempts.get('nope')).toBeUndefined();
    });

    it('allows one active attempt per citizen, and a new one once it finished or was abandoned', async () => {
      const { attempts } = await open('cit-1', 'cit-2');
      expect(await attempts.start(fresh('att-1', 'cit-1', 'q1'))).toBe(true);
      expect(await attempts.start(fresh('att-2', 'cit-1', 'q2'))).toBe(false);
      expect(await attempts.get('att-2')).toBeUndefined();
      expect(await attempts.start(fresh('att-3', 'cit-2', 'q1'))).toBe(true);

      await attempts.abandon('att-1', at(1));
      expect(await attempts.get('att-1')).toMatchObject({ status: 'abandoned' });
      expect(await attempts.active('cit-1')).toBeUndefined();
      await play(attempts, fresh('att-4', 'cit-1', 'q2'), [true, true, true], 5);
      expect(await attempts.start(fresh('att-5', 'cit-1', 'q1'))).toBe(true);
      expect((await attempts.active('cit-1'))?.id).toBe('att-5');
    });

    it('refuses to start an attempt for an unknown citizen', async () => {
      const { attempts } = await open();
      await expect(later(() => attempts.start(fresh('att-1', 'ghost')))).rejects.toThrow();
    });

    it('commits an answer only at the expected question; a stale commit returns false and writes nothing', async () => {
      const { attempts, records } = await open('cit-1');
      const a0 = fresh('att-1', 'cit-1');
      await attempts.start(a0);
      const a1 = answered(a0, 2, true);
      expect(await attempts.commit(a1, 0)).toBe(true);
      expect(await attempts.get('att-1')).toEqual(a1);

      // A double tap computed from the old screen: a different answer for question 0.
      const stale = answered(a0, 1, false);
      expect(await attempts.commit(stale, 0)).toBe(false);
      // Even a finishing commit with a completion record is refused whole.
      const [staleDone, staleCompletion] = finished(answered(answered(a0, 0, true), 0, true), 9, 0.5);
      expect(await attempts.commit(staleDone, 0, staleCompletion)).toBe(false);
      expect(await attempts.get('att-1')).toEqual(a1);
      expect(await records()).toEqual({ passes: 0, completions: 0 });
      expect(await attempts.results('cit-1')).toEqual([]);
      expect(await attempts.commit(answered(a0, 0, true), 7)).toBe(false);
      expect(await attempts.commit(fresh('unknown', 'cit-1'), 0)).toBe(false);
    });

    it('records the pass of a redelivered final answer exactly once', async () => {
      const { attempts, records } = await open('cit-1');
      const a = answered(answered(fresh('att-1', 'cit-1'), 2, true), 0, true);
      await attempts.start(fresh('att-1', 'cit-1'));
      expect(await attempts.commit(answered(fresh('att-1', 'cit-1'), 2, true), 0)).toBe(true);
      expect(await attempts.commit(a, 1)).toBe(true);
      const [done, completion] = finished(answered(a, 1, true), 10, 0.6, ['q1']);
      expect(await attempts.commit(done, 2, completion)).toBe(true);
      expect(await attempts.commit(done, 2, completion)).toBe(false);
      expect(await attempts.commit(done, 3, completion)).toBe(false);

      expect(await attempts.get('att-1')).toEqual(done);
      expect(await attempts.active('cit-1')).toBeUndefined();
      expect(await records()).toEqual({ passes: 1, completions: 1 });
      expect(await attempts.results('cit-1')).toEqual([
        { quizId: 'q1', attempts: 1, bestScore: 1, firstPassedAt: iso(10) },
      ]);
      // A commit on a finished attempt never reopens it.
      expect(await attempts.commit({ ...done, status: 'active' }, 3)).toBe(false);
    });

    it('keeps the first pass, counts finished attempts and the best score; a fail records no pass', async () => {
      const { attempts, records } = await open('cit-1');
      await play(attempts, fresh('att-1', 'cit-1'), [true, false, false], 1);
      expect(await attempts.results('cit-1')).toEqual([{ quizId: 'q1', attempts: 1, bestScore: 1 / 3 }]);
      expect((await records()).passes).toBe(0);

      await play(attempts, fresh('att-2', 'cit-1'), [true, true, false], 2);
      await play(attempts, fresh('att-3', 'cit-1'), [true, true, true], 3);
      await attempts.start(fresh('att-4', 'cit-1'));
      await attempts.abandon('att-4', at(4));
      await play(attempts, fresh('att-5', 'cit-1', 'q2'), [false, false, false], 5);
      expect(await attempts.results('cit-1')).toEqual([
        { quizId: 'q1', attempts: 3, bestScore: 1, firstPassedAt: iso(2) },
        { quizId: 'q2', attempts: 1, bestScore: 0 },
      ]);
      expect(await records()).toEqual({ passes: 1, completions: 0 });
    });

    it('records the programme completion once every core quiz is passed, dated by the last of them', async () => {
      const core = ['q1', 'q2', 'q3'];
      const { attempts, records } = await open('cit-1', 'cit-2');
      await play(attempts, fresh('att-1', 'cit-1', 'q1'), [true, true, true], 10, core);
      await play(attempts, fresh('att-2', 'cit-1', 'q2'), [true, true, true], 20, core);
      await play(attempts, fresh('att-3', 'cit-1', 'extra'), [true, true, true], 25, core);
      expect(await attempts.programmeCompletedAt('cit-1')).toBeUndefined();
      await play(attempts, fresh('att-4', 'cit-1', 'q3'), [true, true, false], 30, core);
      expect(await attempts.programmeCompletedAt('cit-1')).toBe(iso(30));
      // Passing a core quiz again later changes nothing.
      await play(attempts, fresh('att-5', 'cit-1', 'q1'), [true, true, true], 40, core);
      expect(await attempts.programmeCompletedAt('cit-1')).toBe(iso(30));
      expect(await records()).toEqual({ passes: 4, completions: 1 });
      expect(await attempts.programmeCompletedAt('cit-2')).toBeUndefined();
      // No core quizzes defined means no programme to complete.
      await play(attempts, fresh('att-6', 'cit-2', 'q1'), [true, true, true], 50, []);
      expect(await attempts.programmeCompletedAt('cit-2')).toBeUndefined();
    });

    it('records a pass against the citizen an attempt was merged into while it was running', async () => {
      const { citizens, attempts } = await open('cit-a', 'cit-b');
      const a = fresh('att-b', 'cit-b');
      await attempts.start(a);
      await citizens.createLinkCode('cit-a', '424242', at(60));
      expect(await citizens.redeemLinkCode('424242', { channel: 'telegram', userId: 'tg-cit-b' }, at(1))).toMatchObject(
        {
          ok: true,
        },
      );
      // The engine still holds the attempt it loaded before the link, with the old owner.
      const a1 = answered(answered(a, 2, true), 0, true);
      expect(await attempts.commit(answered(a, 2, true), 0)).toBe(true);
      expect(await attempts.commit(a1, 1)).toBe(true);
      const [done, completion] = finished(answered(a1, 1, true), 5, 0.6, ['q1']);
      expect(await attempts.commit(done, 2, completion)).toBe(true);
      expect(await attempts.results('cit-a')).toEqual([
        { quizId: 'q1', attempts: 1, bestScore: 1, firstPassedAt: iso(5) },
      ]);
      expect(await attempts.programmeCompletedAt('cit-a')).toBe(iso(5));
      expect(await attempts.get('att-b')).toMatchObject({ citizenId: 'cit-a', status: 'finished' });
    });
  });
}
