/**
 * @module storage/pg/pgAttemptRepo
 *
 * Quiz attempts and the completion records they produce, on PostgreSQL: the
 * twin of storage/sqlite/attemptRepo. Order and answers stay JSON text, times
 * ISO text, `passed` a 0/1 smallint, as on SQLite.
 *
 * Every answer is one compare-and-set UPDATE (`status = 'active' AND current =
 * expected`). Under READ COMMITTED an UPDATE that meets a row another
 * transaction is changing waits for it, then checks its WHERE again on the
 * committed row: of two processes answering the same question (a double tap,
 * a redelivered update), one moves the attempt and the other finds it moved
 * and writes nothing. That row lock is all an answer that does not finish the
 * attempt needs.
 *
 * A finishing answer also records the pass and maybe the programme
 * completion, which read the citizen's other passes. It first locks the
 * attempt's owner (`FOR NO KEY UPDATE`, storage/pg/pgCitizenLocks): a link
 * that is merging this citizen away or into another holds `FOR UPDATE` on it,
 * so the answer waits, then reads the owner again and records the pass for the
 * citizen the attempt belongs to now, never for a deleted one.
 */
import { sql } from 'kysely';
import type { AttemptRepo } from '../../core/ports.js';
import type { Attempt, CompletionRecord, QuizResult } from '../../core/quiz/types.js';
import { compiledOnce } from './compiledOnce.js';
import type { PgDb } from './db.js';
import { lockCitizens, LOCK_TRIES, type Trx } from './pgCitizenLocks.js';
import { completeIfAllPassed } from './pgProgramme.js';
import { nowIso } from './pgSql.js';
import { withCommune } from './tenant.js';
import { attemptOf } from '../rowForms.js';

const ATTEMPT_COLUMNS = [
  'id',
  'citizen_id',
  'quiz_id',
  'quiz_version',
  'status',
  'current',
  'correct',
  'order_json',
  'answers_json',
  'started_at',
  'finished_at',
  'score',
  'passed',
] as const;

const flagOrNull = (b: boolean | undefined): 0 | 1 | null => (b === undefined ? null : b ? 1 : 0);

const ACTIVE = sql.lit('active' as const);

const activeAttempt = compiledOnce((db, a: { communeId: string; citizenId: string }) =>
  db
    .selectFrom('quiz_attempts')
    .select(ATTEMPT_COLUMNS)
    .where('commune_id', '=', a.communeId)
    .where('citizen_id', '=', a.citizenId)
    .where('status', '=', ACTIVE),
);

const attemptById = compiledOnce((db, a: { communeId: string; attemptId: string }) =>
  db
    .selectFrom('quiz_attempts')
    .select(ATTEMPT_COLUMNS)
    .where('commune_id', '=', a.communeId)
    .where('id', '=', a.attemptId),
);

const attemptOwner = compiledOnce((db, a: { communeId: string; attemptId: string }) =>
  db
    .selectFrom('quiz_attempts')
    .select('citizen_id')
    .where('commune_id', '=', a.communeId)
    .where('id', '=', a.attemptId),
);

/** An answer that does not finish the attempt: the indexed status column is left out of SET. */
const answerAttempt = compiledOnce(
  (
    db,
    a: { communeId: string; id: string; current: number; correct: number; answers: string; expectedCurrent: number },
  ) =>
    db
      .updateTable('quiz_attempts')
      .set({ current: a.current, correct: a.correct, answers_json: a.answers, updated_at: nowIso() })
      .where('commune_id', '=', a.communeId)
      .where('id', '=', a.id)
      .where('status', '=', ACTIVE)
      .where('current', '=', a.expectedCurrent)
      .returning('citizen_id'),
);

const programmeCompletion = compiledOnce((db, a: { communeId: string; citizenId: string }) =>
  db
    .selectFrom('programme_completions')
    .select('completed_at')
    .where('commune_id', '=', a.communeId)
    .where('citizen_id', '=', a.citizenId),
);

export class PgAttemptRepo implements AttemptRepo {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {}

  private tx<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    return withCommune(this.db, this.communeId, fn);
  }

  async active(citizenId: string): Promise<Attempt | undefined> {
    const { rows } = await this.tx((trx) => trx.executeQuery(activeAttempt({ communeId: this.communeId, citizenId })));
    return rows[0] ? attemptOf(rows[0]) : undefined;
  }

  async get(attemptId: string): Promise<Attempt | undefined> {
    const { rows } = await this.tx((trx) => trx.executeQuery(attemptById({ communeId: this.communeId, attemptId })));
    return rows[0] ? attemptOf(rows[0]) : undefined;
  }

  /**
   * The unique partial index (one active attempt per citizen) decides, as the
   * arbiter of ON CONFLICT DO NOTHING: of two processes starting one, the
   * second waits for the first and then inserts nothing (false). Any other
   * conflict (a duplicate id) or an unknown citizen still throws.
   */
  async start(attempt: Attempt): Promise<boolean> {
    const inserted = await this.tx((trx) =>
      trx
        .insertInto('quiz_attempts')
        .values({
          commune_id: this.communeId,
          id: attempt.id,
          citizen_id: attempt.citizenId,
          quiz_id: attempt.quizId,
          quiz_version: attempt.quizVersion,
          status: attempt.status,
          current: attempt.current,
          correct: attempt.correct,
          order_json: JSON.stringify(attempt.order),
          answers_json: JSON.stringify(attempt.answers),
          started_at: attempt.startedAt,
          updated_at: attempt.startedAt,
          finished_at: null,
          score: null,
          passed: null,
        })
        // The index's predicate as a literal: PostgreSQL infers the partial arbiter index only from a
        // constant, and a prepared statement's generic plan has a parameter there (preparedDriver.ts).
        .onConflict((oc) =>
          oc.columns(['commune_id', 'citizen_id']).where('status', '=', sql.lit('active')).doNothing(),
        )
        .returning('id')
        .executeTakeFirst(),
    );
    return inserted !== undefined;
  }

  async commit(attempt: Attempt, expectedCurrent: number, completion?: CompletionRecord): Promise<boolean> {
    if (attempt.status === 'active' && !completion) {
      const { rows } = await this.tx((trx) =>
        trx.executeQuery(
          answerAttempt({
            communeId: this.communeId,
            id: attempt.id,
            current: attempt.current,
            correct: attempt.correct,
            answers: JSON.stringify(attempt.answers),
            expectedCurrent,
          }),
        ),
      );
      return rows.length > 0;
    }
    return this.tx(async (trx) => {
      const owner = await this.lockOwner(trx, attempt.id);
      if (owner === undefined) return false;
      const finishedAt = attempt.finishedAt ?? null;
      const moved = await trx
        .updateTable('quiz_attempts')
        .set({
          status: attempt.status,
          current: attempt.current,
          correct: attempt.correct,
          answers_json: JSON.stringify(attempt.answers),
          finished_at: finishedAt,
          score: attempt.score ?? null,
          passed: flagOrNull(attempt.passed),
          updated_at: finishedAt ?? nowIso(),
        })
        .where('commune_id', '=', this.communeId)
        .where('id', '=', attempt.id)
        .where('status', '=', 'active')
        .where('current', '=', expectedCurrent)
        .returning(['citizen_id', 'quiz_id'])
        .executeTakeFirst();
      if (!moved) return false;
      if (completion?.passed) {
        // The stored owner and quiz, not the caller's copy: a link code may have merged citizens meanwhile.
        await trx
          .insertInto('quiz_passes')
          .values({
            commune_id: this.communeId,
            citizen_id: moved.citizen_id,
            quiz_id: moved.quiz_id,
            attempt_id: attempt.id,
            score: completion.score,
            passed_at: completion.at,
          })
          .onConflict((oc) => oc.columns(['commune_id', 'citizen_id', 'quiz_id']).doNothing())
          .execute();
        await completeIfAllPassed(trx, this.communeId, moved.citizen_id, completion.coreQuizzes);
      }
      return true;
    });
  }

  async abandon(attemptId: string, at: Date): Promise<void> {
    await this.tx((trx) =>
      trx
        .updateTable('quiz_attempts')
        .set({ status: 'abandoned', updated_at: at.toISOString() })
        .where('commune_id', '=', this.communeId)
        .where('id', '=', attemptId)
        .where('status', '=', 'active')
        .execute(),
    );
  }

  async results(citizenId: string): Promise<QuizResult[]> {
    const [finished, passes] = await this.tx(async (trx) => [
      await trx
        .selectFrom('quiz_attempts')
        .select((eb) => ['quiz_id', eb.fn.countAll<number>().as('n'), eb.fn.max('score').as('best')])
        .where('commune_id', '=', this.communeId)
        .where('citizen_id', '=', citizenId)
        .where('status', '=', 'finished')
        .groupBy('quiz_id')
        .execute(),
      await trx
        .selectFrom('quiz_passes')
        .select(['quiz_id', 'score', 'passed_at'])
        .where('commune_id', '=', this.communeId)
        .where('citizen_id', '=', citizenId)
        .execute(),
    ]);
    const byQuiz = new Map<string, { attempts: number; bestScore: number; firstPassedAt?: string }>();
    for (const r of finished) byQuiz.set(r.quiz_id, { attempts: r.n, bestScore: r.best ?? 0 });
    for (const p of passes) {
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

  async programmeCompletedAt(citizenId: string): Promise<string | undefined> {
    const { rows } = await this.tx((trx) =>
      trx.executeQuery(programmeCompletion({ communeId: this.communeId, citizenId })),
    );
    return rows[0]?.completed_at;
  }

  /**
   * Locks the citizen the attempt belongs to and returns its id, reading the
   * owner again after the lock (a link may have moved the attempt while this
   * waited). Undefined when there is no such attempt.
   */
  private async lockOwner(trx: Trx, attemptId: string): Promise<string | undefined> {
    const ownerOf = async (): Promise<string | undefined> =>
      (await trx.executeQuery(attemptOwner({ communeId: this.communeId, attemptId }))).rows[0]?.citizen_id;
    for (let i = 0; i < LOCK_TRIES; i++) {
      const owner = await ownerOf();
      if (owner === undefined) return undefined;
      await lockCitizens(trx, this.communeId, [owner], 'no key update');
      if ((await ownerOf()) === owner) return owner;
    }
    throw new Error('commit: the attempt kept moving between citizens; try again');
  }
}
