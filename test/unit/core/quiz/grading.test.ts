import { describe, expect, it } from 'vitest';
import { applyAnswer, newAttempt } from '../../../../src/core/quiz/grading.js';
import type { Attempt, Quiz } from '../../../../src/core/quiz/types.js';
import { permutation } from '../../../../src/core/random.js';
import { seededRandom, sequenceRandom } from '../../../fakes/random.js';
import { QUIZ_A, QUIZ_B, question } from '../../../fixtures/learning.js';

const AT = new Date('2026-12-01T08:00:00.000Z');
const LATER = new Date('2026-12-01T08:05:00.000Z');

/** Position (in the shown order) of the question's right option. */
const rightPosition = (quiz: Quiz, a: Attempt): number =>
  (a.order[a.current] ?? []).indexOf(quiz.questions[a.current]?.answer ?? -1);

const isPermutationOf = (order: readonly number[], n: number): boolean =>
  order.length === n && [...order].sort((x, y) => x - y).every((v, i) => v === i);

describe('permutation', () => {
  it('is a permutation of 0..n-1 for every n a quiz allows', () => {
    const random = seededRandom(1);
    for (let n = 1; n <= 4; n++)
      for (let k = 0; k < 50; k++) expect(isPermutationOf(permutation(random, n), n)).toBe(true);
  });

  it('follows the random sequence (Fisher–Yates): all-high keeps the order, all-zero rotates it', () => {
    expect(permutation(sequenceRandom([0.999]), 4)).toEqual([0, 1, 2, 3]);
    expect(permutation(sequenceRandom([0]), 3)).toEqual([1, 2, 0]);
  });

  it('reaches every order of three options', () => {
    const random = seededRandom(2);
    const seen = new Set<string>();
    for (let k = 0; k < 200; k++) seen.add(permutation(random, 3).join(''));
    expect(seen.size).toBe(6);
  });
});

describe('newAttempt', () => {
  it('starts active at question 0 with one shuffle per question, stamped with the quiz version', () => {
    const a = newAttempt(QUIZ_A, 'cit-1', 'att-1', seededRandom(3), AT);
    expect(a).toMatchObject({
      id: 'att-1',
      citizenId: 'cit-1',
      quizId: QUIZ_A.id,
      quizVersion: 'a-v1',
      status: 'active',
      current: 0,
      correct: 0,
      answers: [],
      startedAt: AT.toISOString(),
    });
    expect(a.finishedAt).toBeUndefined();
    expect(a.order).toHaveLength(QUIZ_A.questions.length);
    a.order.forEach((order, i) => expect(isPermutationOf(order, QUIZ_A.questions[i]?.options.length ?? 0)).toBe(true));
  });

  it('shuffles the options per attempt: two attempts of one quiz show them in different orders', () => {
    const random = seededRandom(4);
    const orders = Array.from({ length: 5 }, (_, k) => newAttempt(QUIZ_A, 'c', `a${k}`, random, AT).order);
    const distinct = new Set(orders.map((o) => JSON.stringify(o)));
    expect(distinct.size).toBeGreaterThan(1);
  });
});

describe('applyAnswer', () => {
  // With all-zero draws a 4-option question shows bank options [1, 2, 3, 0] and a 3-option one [1, 2, 0].
  const rotated = (): Attempt => newAttempt(QUIZ_A, 'cit-1', 'att-1', sequenceRandom([0]), AT);

  it('grades the position that shows the right option as correct, and stores the bank index', () => {
    const a = rotated();
    expect(a.order[0]).toEqual([1, 2, 3, 0]);
    // Bank option 0 ("Công an xã") is the right one; it is shown last, at position 3.
    const out = applyAnswer(QUIZ_A, a, 3, LATER);
    expect(out).toMatchObject({ correct: true, rightOption: 0, finished: false });
    expect(out?.attempt).toMatchObject({ current: 1, correct: 1, answers: [0], status: 'active' });
  });

  it('grades the position that was the right one before the shuffle as wrong', () => {
    const out = applyAnswer(QUIZ_A, rotated(), 0, LATER);
    expect(out).toMatchObject({ correct: false, rightOption: 0 });
    // Position 0 shows bank option 1, and that is what is stored.
    expect(out?.attempt).toMatchObject({ current: 1, correct: 0, answers: [1] });
  });

  it('follows the shuffle on every question of many seeded attempts', () => {
    const random = seededRandom(5);
    for (let k = 0; k < 100; k++) {
      let a = newAttempt(QUIZ_A, 'c', `a${k}`, random, AT);
      for (let i = 0; i < QUIZ_A.questions.length; i++) {
        const right = rightPosition(QUIZ_A, a);
        const n = a.order[i]?.length ?? 0;
        for (let p = 0; p < n; p++) expect(applyAnswer(QUIZ_A, a, p, LATER)?.correct).toBe(p === right);
        a = applyAnswer(QUIZ_A, a, right, LATER)?.attempt ?? a;
      }
      expect(a).toMatchObject({ status: 'finished', correct: 3, score: 1, passed: true });
    }
  });

  it('finishes on the last answer with score, pass and time', () => {
    let a = newAttempt(QUIZ_A, 'c', 'a', seededRandom(6), AT);
    a = applyAnswer(QUIZ_A, a, rightPosition(QUIZ_A, a), AT)!.attempt;
    a = applyAnswer(QUIZ_A, a, (rightPosition(QUIZ_A, a) + 1) % 3, AT)!.attempt;
    const out = applyAnswer(QUIZ_A, a, rightPosition(QUIZ_A, a), LATER)!;
    expect(out.finished).toBe(true);
    expect(out.attempt).toMatchObject({
      status: 'finished',
      current: 3,
      correct: 2,
      finishedAt: LATER.toISOString(),
      passed: true,
    });
    expect(out.attempt.score).toBeCloseTo(2 / 3, 10);
    expect(out.attempt.answers).toHaveLength(3);
  });

  it.each([
    // [questions, correct answers, pass score, passed]
    [5, 4, 0.8, true],
    [5, 3, 0.8, false],
    [10, 7, 0.7, true],
    [5, 3, 0.6, true],
    [3, 2, 0.67, false],
    [2, 2, 1, true],
    [2, 1, 1, false],
  ])(
    '%i questions, %i right, pass score %f → passed %s (exact shares are not lost to rounding)',
    (n, right, pass, passed) => {
      const quiz: Quiz = {
        ...QUIZ_B,
        passScore: pass,
        questions: Array.from({ length: n }, (_, i) => question(`q${i}`, `Câu ${i}`, ['Đúng', 'Sai'], 0)),
      };
      let a = newAttempt(quiz, 'c', 'a', seededRandom(n * 10 + right), AT);
      for (let i = 0; i < n; i++) {
        const r = rightPosition(quiz, a);
        a = applyAnswer(quiz, a, i < right ? r : 1 - r, AT)!.attempt;
      }
      expect(a.score).toBeCloseTo(right / n, 10);
      expect(a.passed).toBe(passed);
    },
  );

  it.each([-1, 4, 9, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses position %s and changes nothing', (p) => {
    const a = rotated();
    const before = JSON.stringify(a);
    expect(applyAnswer(QUIZ_A, a, p, LATER)).toBeUndefined();
    expect(JSON.stringify(a)).toBe(before);
  });

  it('refuses a position that exists on another question but not on this one', () => {
    let a = rotated();
    a = applyAnswer(QUIZ_A, a, 0, AT)!.attempt; // now on q2, three options
    expect(applyAnswer(QUIZ_A, a, 3, AT)).toBeUndefined();
  });

  it('refuses an answer to an attempt that has no question left', () => {
    let a = newAttempt(QUIZ_B, 'c', 'a', seededRandom(8), AT);
    a = applyAnswer(QUIZ_B, a, 0, AT)!.attempt;
    a = applyAnswer(QUIZ_B, a, 0, AT)!.attempt;
    expect(a.status).toBe('finished');
    expect(applyAnswer(QUIZ_B, a, 0, AT)).toBeUndefined();
  });

  it('is pure: the attempt passed in is not modified', () => {
    const a = rotated();
    const before = JSON.stringify(a);
    applyAnswer(QUIZ_A, a, 3, LATER);
    expect(JSON.stringify(a)).toBe(before);
  });
});
