/**
 * @module storage/pg/pgReportRepo
 *
 * Completion counts for staff reports on PostgreSQL: the twin of
 * storage/sqlite/reportRepo.ts (read its notes for what each count means).
 * The counting stays inside the database; each method is one read in its own
 * `withCommune` transaction, so row-level security shows it this commune's
 * rows only. The summaries it reads are kept by the triggers of migration
 * 019b; the SQL of the progress views is in pgReportSql.ts, and the failed
 * questions are counted by the same JavaScript as on SQLite (reportMisses.ts),
 * so the two databases cannot disagree on a figure.
 */
import { sql, type RawBuilder } from 'kysely';
import type {
  AnswerKey,
  AttemptCount,
  CompletionCount,
  ProgrammeCount,
  QuestionMiss,
  QuizPassCount,
  ReportFilter,
  ReportSource,
  WeekCount,
} from '../../core/stores/reports.js';
import { countMisses, type RecentAttempt } from '../reportMisses.js';
import type { PgDb } from './db.js';
import { attemptsSql, cohortsSql, quizPassesSql, recentAttemptsSql, weeklySql } from './pgReportSql.js';
import { withCommune } from './tenant.js';

export class PgReportRepo implements ReportSource {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {}

  /**
   * One row per hamlet × group × quiz with at least one pass; `quiz_passes`
   * holds one row per citizen and quiz, so COUNT(*) counts people. Blank
   * profile values count as unknown, like missing ones.
   */
  completionCounts(): Promise<CompletionCount[]> {
    const c = this.communeId;
    return this.all<CompletionCount>(sql`
SELECT "hamletId", "groupId", "quizId", SUM(passed)::bigint AS passed FROM (
  SELECT NULLIF(TRIM(x.hamlet), '') AS "hamletId", NULLIF(TRIM(x.target_group), '') AS "groupId",
         p.quiz_id AS "quizId", COUNT(*) AS passed
    FROM quiz_passes p JOIN citizens x ON x.commune_id = p.commune_id AND x.id = p.citizen_id
   WHERE p.commune_id = ${c}
   GROUP BY 1, 2, 3
  UNION ALL
  SELECT NULLIF(hamlet, ''), NULLIF(target_group, ''), quiz_id, SUM(passes)::bigint
    FROM anonymous_passes WHERE commune_id = ${c}
   GROUP BY 1, 2, 3) AS u
 GROUP BY 1, 2, 3`);
  }

  /** One row per hamlet × group with at least one citizen who completed the programme. */
  programmeCounts(): Promise<ProgrammeCount[]> {
    const c = this.communeId;
    return this.all<ProgrammeCount>(sql`
SELECT "hamletId", "groupId", SUM(completed)::bigint AS completed FROM (
  SELECT NULLIF(TRIM(x.hamlet), '') AS "hamletId", NULLIF(TRIM(x.target_group), '') AS "groupId", COUNT(*) AS completed
    FROM programme_completions pc JOIN citizens x ON x.commune_id = pc.commune_id AND x.id = pc.citizen_id
   WHERE pc.commune_id = ${c}
   GROUP BY 1, 2
  UNION ALL
  SELECT NULLIF(hamlet, ''), NULLIF(target_group, ''), SUM(completions)::bigint
    FROM anonymous_completions WHERE commune_id = ${c}
   GROUP BY 1, 2) AS u
 GROUP BY 1, 2`);
  }

  cohortCompletions(filter: ReportFilter): Promise<ProgrammeCount[]> {
    return this.all<ProgrammeCount>(cohortsSql(this.communeId, filter));
  }

  quizPasses(filter: ReportFilter): Promise<QuizPassCount[]> {
    return this.all<QuizPassCount>(quizPassesSql(this.communeId, filter));
  }

  weekly(filter: ReportFilter): Promise<WeekCount[]> {
    return this.all<WeekCount>(weeklySql(this.communeId, filter));
  }

  attemptCounts(filter: ReportFilter): Promise<AttemptCount[]> {
    return this.all<AttemptCount>(attemptsSql(this.communeId, filter));
  }

  /** The recent attempts are chosen in SQL; their answers counted in JavaScript, as on SQLite. */
  async questionMisses(
    filter: ReportFilter,
    keys: readonly AnswerKey[],
    window: number,
    limit: number,
  ): Promise<QuestionMiss[]> {
    if (keys.length === 0 || window <= 0 || limit <= 0) return [];
    const recent = await this.all<RecentAttempt>(
      recentAttemptsSql(
        this.communeId,
        filter,
        keys.map((k) => k.quizId),
        keys.map((k) => k.version),
        Math.floor(window),
      ),
    );
    return countMisses(recent, keys, limit);
  }

  private all<T>(query: RawBuilder<unknown>): Promise<T[]> {
    return withCommune(this.db, this.communeId, async (trx) => (await query.execute(trx)).rows as T[]);
  }
}
