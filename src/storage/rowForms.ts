/**
 * @module storage/rowForms
 *
 * Rows as the core reads them, for both databases. The PostgreSQL schema
 * keeps SQLite's forms on purpose (ISO text times, 0/1 flags, JSON as text;
 * see storage/pg/migrations/019a_baseline), so a row of `quiz_attempts` or
 * `handoff_threads` becomes an `Attempt` or a `HandoffThread` the same way
 * whichever database it came from. One mapper each, so the two stores cannot
 * drift apart on, say, which NULL means an absent field.
 */
import type { HandoffStatus, HandoffThread } from '../core/stores/handoff.js';
import type { Attempt, AttemptStatus } from '../core/quiz/types.js';

/** The `quiz_attempts` columns an `Attempt` is read from. */
export interface AttemptRow {
  readonly id: string;
  readonly citizen_id: string;
  readonly quiz_id: string;
  readonly quiz_version: string;
  readonly status: AttemptStatus;
  readonly current: number;
  readonly correct: number;
  readonly order_json: string;
  readonly answers_json: string;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly score: number | null;
  readonly passed: number | null;
}

export function attemptOf(row: AttemptRow): Attempt {
  return {
    id: row.id,
    citizenId: row.citizen_id,
    quizId: row.quiz_id,
    quizVersion: row.quiz_version,
    status: row.status,
    current: row.current,
    correct: row.correct,
    order: JSON.parse(row.order_json) as number[][],
    answers: JSON.parse(row.answers_json) as number[],
    startedAt: row.started_at,
    ...(row.finished_at !== null && { finishedAt: row.finished_at }),
    ...(row.score !== null && { score: row.score }),
    ...(row.passed !== null && { passed: row.passed === 1 }),
  };
}

/** The `handoff_threads` columns a `HandoffThread` is read from. */
export interface ThreadRow {
  readonly id: number;
  readonly channel: string;
  readonly user_id: string;
  readonly citizen_id: string | null;
  readonly hamlet_id: string | null;
  readonly status: HandoffStatus;
  readonly reason: 'asked' | 'offered';
  readonly opened_at: string;
  readonly closed_at: string | null;
  readonly assignee_id: string | null;
  readonly last_at: string;
  readonly unread: number;
  readonly suspended_quiz: string | null;
}

export function threadOf(r: ThreadRow): HandoffThread {
  return {
    id: r.id,
    channel: r.channel,
    userId: r.user_id,
    ...(r.citizen_id !== null && { citizenId: r.citizen_id }),
    ...(r.hamlet_id !== null && { hamletId: r.hamlet_id }),
    status: r.status,
    reason: r.reason,
    openedAt: r.opened_at,
    ...(r.closed_at !== null && { closedAt: r.closed_at }),
    ...(r.assignee_id !== null && { assigneeId: r.assignee_id }),
    lastAt: r.last_at,
    unread: r.unread,
    ...(r.suspended_quiz !== null && { suspendedQuiz: r.suspended_quiz }),
  };
}
