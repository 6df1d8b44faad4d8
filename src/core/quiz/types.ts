/**
 * @module core/quiz/types
 *
 * Quizzes as the core sees them (already validated by the loader), and the
 * state of one learner's attempt. An attempt stores the option order it showed,
 * so grading follows the shuffle and a restart resumes the same screen.
 */

export const QUIZ_DOMAINS = [
  'thiet-bi',
  'du-lieu-thong-tin',
  'giao-tiep-hop-tac',
  'sang-tao-noi-dung',
  'an-toan',
  'giai-quyet-van-de',
  'tri-tue-nhan-tao',
] as const;

export type QuizDomain = (typeof QUIZ_DOMAINS)[number];

export interface QuizQuestion {
  readonly id: string;
  readonly text: string;
  readonly options: readonly string[];
  /** 0-based index into `options` (as written in the bank, before shuffling). */
  readonly answer: number;
  readonly explanation: string;
  readonly source: string;
}

export interface Quiz {
  readonly id: string;
  readonly title: string;
  readonly domain: QuizDomain;
  /** Share of correct answers needed to pass, 0..1. */
  readonly passScore: number;
  readonly questions: readonly QuizQuestion[];
  /** Content hash of the bank: an attempt started on another version is not resumed. */
  readonly version: string;
}

export type AttemptStatus = 'active' | 'finished' | 'abandoned';

export interface Attempt {
  readonly id: string;
  readonly citizenId: string;
  readonly quizId: string;
  readonly quizVersion: string;
  readonly status: AttemptStatus;
  /** Index of the question now shown (equals the number answered). */
  readonly current: number;
  readonly correct: number;
  /** For each question, the bank indexes of its options in the order shown. */
  readonly order: readonly (readonly number[])[];
  /** For each answered question, the bank index chosen. */
  readonly answers: readonly number[];
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly score?: number;
  readonly passed?: boolean;
}

/** What finishing an attempt adds to the completion records. */
export interface CompletionRecord {
  readonly citizenId: string;
  readonly quizId: string;
  readonly attemptId: string;
  readonly score: number;
  readonly passed: boolean;
  readonly at: string;
  /** Quiz ids that together make up "completed the programme". */
  readonly coreQuizzes: readonly string[];
}

export interface QuizResult {
  readonly quizId: string;
  readonly attempts: number;
  readonly bestScore: number;
  readonly firstPassedAt?: string;
}
