/**
 * @module storage/sqlite/attemptRepo
 *
 * Quiz attempts and the completion records they produce. Every answer is one
 * compare-and-set on the attempt row (`status = 'active' AND current = ?`), so
 * a double tap or a redelivered Telegram update is recognised by the database
 * itself and a pass is never recorded twice.
 */
import Database from 'better-sqlite3';
import type { AttemptRepo } from '../../core/ports.js';
import type { Attempt, AttemptStatus, CompletionRecord, QuizResult } from '../../core/quiz/types.js';
import type { Db } from './db.js';
import { COMPLETE_IF_ALL_PASSED_SQL } from './programmeSql.js';
import { attemptOf, type AttemptRow } from '../rowForms.js';

const ATTEMPT_COLUMNS =
  'id, citizen_id, quiz_id, quiz_version, status, current, correct, order_json, answers_json, started_at, finished_at, score, passed';

const boolOrNull = (b: boolean | undefined): number | null => (b === undefined ? null : b ? 1 : 0);

/** True for the one constraint `start` turns into `false`: a second active attempt. */
function isSecondActive(err: unknown): boolean {
  return err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

interface CommitParams {
  commune: string;
  id: string;
  expected: number;
  status: AttemptStatus;
  current: number;
  correct: number;
  answers: string;
  finishedAt: string | null;
  score: number | null;
  passed: number | null;
}

/** Every statement the repo runs, prepared once: the answer path runs thousands of times a second. */
function statements(db: Db) {
  return {
    active: db.prepare<[string, string], AttemptRow>(
      `SELECT ${ATTEMPT_COLUMNS} FROM quiz_attempts WHERE commune_id = ? AND citizen_id = ? AND status = 'active'`,
    ),
    get: db.prepare<[string, string], AttemptRow>(
      `SELECT ${ATTEMPT_COLUMNS} FROM quiz_attempts WHERE commune_id = ? AND id = ?`,
    ),
    insert: db.prepare<
      [string, string, string, string, string, AttemptStatus, number, number, string, string, string, string]
    >(
      `INSERT INTO quiz_attempts (commune_id, id, citizen_id, quiz_id, quiz_version, status, current, correct,
                                  order_json, answers_json, started_at, updated_at, finished_at, score, passed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)`,
    ),
    // An answer that does not finish the attempt: the indexed status column is left out of SET, so
    // SQLite skips the three indexes on it (rewriting them on every answer doubled the commit's cost).
    advance: db.prepare<Omit<CommitParams, 'status' | 'finishedAt' | 'score' | 'passed'>, { citizen_id: string }>(
      `UPDATE quiz_attempts SET current = @current, correct = @correct, answers_json = @answers,
              updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        WHERE commune_id = @commune AND id = @id AND status = 'active' AND current = @expected
       RETURNING citizen_id`,
    ),
    // RETURNING gives the citizen the attempt belongs to now (a link may have moved it).
    commit: db.prepare<CommitParams, { citizen_id: string; quiz_id: string }>(
      `UPDATE quiz_attempts SET status = @status, current = @current, correct = @correct, answers_json = @answers,
              finished_at = @finishedAt, score = @score, passed = @passed,
              updated_at = COALESCE(@finishedAt, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        WHERE commune_id = @commune AND id = @id AND status = 'active' AND current = @expected
       RETURNING citizen_id, quiz_id`,
    ),
    recordPass: db.prepare<[string, string, string, string, number, string]>(
      `INSERT OR IGNORE INTO quiz_passes (commune_id, citizen_id, quiz_id, attempt_id, score, passed_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    completeIfAllPassed: db.prepare<{ commune: string; citizen: string; core: string }>(COMPLETE_IF_ALL_PASSED_SQL),
    abandon: db.prepare<[string, string, string]>(
      `UPDATE quiz_attempts SET status = 'abandoned', updated_at = ?
        WHERE commune_id = ? AND id = ? AND status = 'active'`,
    ),
    finishedByQuiz: db.prepare<[string, string], { quiz_id: string; n: number; best: number | null }>(
      `SELECT quiz_id, COUNT(*) AS n, MAX(score) AS best FROM quiz_attempts
        WHERE commune_id = ? AND citizen_id = ? AND status = 'finished' GROUP BY quiz_id`,
    ),
    passes: db.prepare<[string, string], { quiz_id: string; score: number; passed_at: string }>(
      'SELECT quiz_id, score, passed_at FROM quiz_passes WHERE commune_id = ? AND citizen_id = ?',
    ),
    completedAt: db.prepare<[string, string], { completed_at: string }>(
      'SELECT completed_at FROM programme_completions WHERE commune_id = ? AND citizen_id = ?',
    ),
  };
}

/**
 * Attempts on the commune's SQLite file. `commit` is the only write on the
 * answer path and decides, inside one transaction, whether this answer is the
 * one that moves the attempt on; the pass and the programme completion ride in
 * the same transaction, so they exist exactly when the finishing answer does.
 */
export class SqliteAttemptRepo implements AttemptRepo {
  private readonly s: ReturnType<typeof statements>;
  private readonly commitTx: Database.Transaction<
    (attempt: Attempt, expectedCurrent: number, completion?: CompletionRecord) => boolean
  >;

  constructor(
    db: Db,
    private readonly communeId: string,
  ) {
    this.s = statements(db);
    this.commitTx = db.transaction(
      (attempt: Attempt, expectedCurrent: number, completion?: CompletionRecord): boolean => {
        if (attempt.status === 'active' && !completion) {
          return (
            this.s.advance.get({
              commune: communeId,
              id: attempt.id,
              expected: expectedCurrent,
              current: attempt.current,
              correct: attempt.correct,
              answers: JSON.stringify(attempt.answers),
            }) !== undefined
          );
        }
        const moved = this.s.commit.get({
          commune: communeId,
          id: attempt.id,
          expected: expectedCurrent,
          status: attempt.status,
          current: attempt.current,
          correct: attempt.correct,
          answers: JSON.stringify(attempt.answers),
          finishedAt: attempt.finishedAt ?? null,
          score: attempt.score ?? null,
          passed: boolOrNull(attempt.passed),
        });
        if (!moved) return false;
        if (completion?.passed) {
          // The stored owner and quiz, not the caller's copy: a link code may have merged citizens meanwhile.
          const citizen = moved.citizen_id;
          this.s.recordPass.run(communeId, citizen, moved.quiz_id, attempt.id, completion.score, completion.at);
          const core = JSON.stringify([...new Set(completion.coreQuizzes)]);
          this.s.completeIfAllPassed.run({ commune: communeId, citizen, core });
        }
        return true;
      },
    );
  }

  active(citizenId: string): Attempt | undefined {
    const row = this.s.active.get(this.communeId, citizenId);
    return row ? attemptOf(row) : undefined;
  }

  get(attemptId: string): Attempt | undefined {
    const row = this.s.get.get(this.communeId, attemptId);
    return row ? attemptOf(row) : undefined;
  }

  /** The unique partial index decides, so two processes cannot both start one. */
  start(attempt: Attempt): boolean {
    try {
      this.s.insert.run(
        this.communeId,
        attempt.id,
        attempt.citizenId,
        attempt.quizId,
        attempt.quizVersion,
        attempt.status,
        attempt.current,
        attempt.correct,
        JSON.stringify(attempt.order),
        JSON.stringify(attempt.answers),
        attempt.startedAt,
        attempt.startedAt,
      );
      return true;
    } catch (err) {
      if (isSecondActive(err)) return false;
      throw err;
    }
  }

  commit(attempt: Attempt, expectedCurrent: number, completion?: CompletionRecord): boolean {
    return this.commitTx.immediate(attempt, expectedCurrent, completion);
  }

  abandon(attemptId: string, at: Date): void {
    this.s.abandon.run(at.toISOString(), this.communeId, attemptId);
  }

  results(citizenId: string): QuizResult[] {
    const byQuiz = new Map<string, { attempts: number; bestScore: number; firstPassedAt?: string }>();
    for (const r of this.s.finishedByQuiz.all(this.communeId, citizenId)) {
      byQuiz.set(r.quiz_id, { attempts: r.n, bestScore: r.best ?? 0 });
    }
    for (const p of this.s.passes.all(this.communeId, citizenId)) {
      const seen = byQuiz.get(p.quiz_id);
      byQuiz.set(p.quiz_id, {
        attempts: seen?.attempts ?? 0,
        bestScore: Math.max(seen?.bestScore ?? 0, p.score),
        firstPassedAt: p.passed_at,
      });
    }
    return [...byQuiz.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([quizId, r]) => ({ quizId, ...r }));
  }

  programmeCompletedAt(citizenId: string): string | undefined {
    return this.s.completedAt.get(this.communeId, citizenId)?.completed_at;
  }
}
