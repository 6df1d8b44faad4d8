/**
 * @module core/quiz/grading
 *
 * Pure steps of an attempt: create one with its shuffles, apply an answer
 * (given as the position the learner pressed), and score it. No I/O: the
 * caller persists the returned attempt with an optimistic check.
 */
import type { Random } from '../ports.js';
import { permutation } from '../random.js';
import type { Attempt, Quiz } from './types.js';

export function newAttempt(quiz: Quiz, citizenId: string, id: string, random: Random, at: Date): Attempt {
  return {
    id,
    citizenId,
    quizId: quiz.id,
    quizVersion: quiz.version,
    status: 'active',
    current: 0,
    correct: 0,
    order: quiz.questions.map((q) => permutation(random, q.options.length)),
    answers: [],
    startedAt: at.toISOString(),
  };
}

export interface AnswerOutcome {
  readonly attempt: Attempt;
  readonly correct: boolean;
  /** Bank index of the right option of the question just answered. */
  readonly rightOption: number;
  readonly finished: boolean;
}

/**
 * Applies the learner's pick (position `shown` in the displayed order) to the
 * current question. Returns undefined when `shown` is not a valid position.
 */
export function applyAnswer(quiz: Quiz, attempt: Attempt, shown: number, at: Date): AnswerOutcome | undefined {
  const q = quiz.questions[attempt.current];
  const order = attempt.order[attempt.current];
  if (!q || !order || !Number.isInteger(shown) || shown < 0 || shown >= order.length) return undefined;
  const chosen = order[shown] as number;
  const correct = chosen === q.answer;
  const current = attempt.current + 1;
  const finished = current >= quiz.questions.length;
  const correctCount = attempt.correct + (correct ? 1 : 0);
  const score = finished ? correctCount / quiz.questions.length : undefined;
  return {
    correct,
    rightOption: q.answer,
    finished,
    attempt: {
      ...attempt,
      current,
      correct: correctCount,
      answers: [...attempt.answers, chosen],
      ...(finished
        ? {
            status: 'finished' as const,
            finishedAt: at.toISOString(),
            score,
            passed: (score ?? 0) >= quiz.passScore - 1e-9,
          }
        : {}),
    },
  };
}
