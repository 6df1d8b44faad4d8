/**
 * @module storage/sqlite/reportRepo
 *
 * Completion counts for staff reports, aggregated inside SQLite: a commune's
 * million pass records never cross into JavaScript, only one row per
 * hamlet × group × quiz does. Hamlet and group come from the citizen's
 * current profile, so a resident who fills in their hamlet later moves their
 * past completions with them. A citizen who deleted their data is counted
 * from the anonymous counts their passes left (migration 007), under the
 * hamlet and group they had then.
 *
 * The progress report's counts (issue 17) read `report_daily`, the per-day
 * summary the triggers of migration 014 keep (or its commune-wide sum,
 * `report_commune_daily`, migration 019), plus the anonymous counts; its
 * failed questions read the latest attempts (through `report_attempts` for
 * a hamlet or group, migration 019). The SQL is in reportSql.ts.
 */
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
import type { Db } from './db.js';
import { countMisses, type RecentAttempt } from '../reportMisses.js';
import { filterParams, progressSql, recentAttemptsSql } from './reportSql.js';

export type { CompletionCount, ProgrammeCount } from '../../core/stores/reports.js';

/**
 * Page cache (KiB, as SQLite's negative `cache_size`) used while a report
 * runs: the citizens' and passes' indexes then stay in memory for the whole
 * scan, which makes a million-row count about a third faster. The
 * connection's own setting is restored afterwards so the server stays small.
 */
const REPORT_CACHE_KIB = 64 * 1024;

export class SqliteReportRepo implements ReportSource {
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
  ) {}

  /**
   * One row per hamlet × group × quiz with at least one pass. `quiz_passes`
   * keeps one row per citizen and quiz, so COUNT(*) counts people, not
   * attempts. Blank profile values count as unknown, like missing ones.
   *
   * The citizens are read once, in table order, and each one's passes by
   * primary-key range; looking a citizen up for every pass instead costs a
   * million index searches on a large commune. Passes always have their
   * citizen (foreign key, cascading delete), so the inner join drops nothing.
   */
  completionCounts(): CompletionCount[] {
    return this.withReportCache(
      () =>
        this.db
          .prepare(
            `WITH people AS MATERIALIZED (
               SELECT id, NULLIF(TRIM(hamlet), '') AS hamletId, NULLIF(TRIM(target_group), '') AS groupId
                 FROM citizens WHERE commune_id = :commune),
             live AS (
               SELECT people.hamletId, people.groupId, p.quiz_id AS quizId, COUNT(*) AS passed
                 FROM people CROSS JOIN quiz_passes p ON p.commune_id = :commune AND p.citizen_id = people.id
                GROUP BY 1, 2, 3),
             erased AS (
               SELECT NULLIF(hamlet, '') AS hamletId, NULLIF(target_group, '') AS groupId, quiz_id AS quizId,
                      SUM(passes) AS passed
                 FROM anonymous_passes WHERE commune_id = :commune
                GROUP BY 1, 2, 3)
             SELECT hamletId, groupId, quizId, SUM(passed) AS passed
               FROM (SELECT * FROM live UNION ALL SELECT * FROM erased)
              GROUP BY 1, 2, 3`,
          )
          .all({ commune: this.communeId }) as CompletionCount[],
    );
  }

  /** One row per hamlet × group with at least one citizen who completed the programme. */
  programmeCounts(): ProgrammeCount[] {
    return this.withReportCache(
      () =>
        this.db
          .prepare(
            `SELECT hamletId, groupId, SUM(completed) AS completed FROM (
               SELECT NULLIF(TRIM(c.hamlet), '') AS hamletId,
                      NULLIF(TRIM(c.target_group), '') AS groupId,
                      COUNT(*) AS completed
                 FROM programme_completions pc
                 JOIN citizens c ON c.commune_id = pc.commune_id AND c.id = pc.citizen_id
                WHERE pc.commune_id = :commune
                GROUP BY 1, 2
               UNION ALL
               SELECT NULLIF(hamlet, ''), NULLIF(target_group, ''), SUM(completions)
                 FROM anonymous_completions WHERE commune_id = :commune
                GROUP BY 1, 2)
              GROUP BY 1, 2`,
          )
          .all({ commune: this.communeId }) as ProgrammeCount[],
    );
  }

  cohortCompletions(filter: ReportFilter): ProgrammeCount[] {
    return this.db.prepare(progressSql(filter).cohorts).all(this.params(filter)) as ProgrammeCount[];
  }

  quizPasses(filter: ReportFilter): QuizPassCount[] {
    return this.db.prepare(progressSql(filter).quizPasses).all(this.params(filter)) as QuizPassCount[];
  }

  weekly(filter: ReportFilter): WeekCount[] {
    return this.db.prepare(progressSql(filter).weekly).all(this.params(filter)) as WeekCount[];
  }

  attemptCounts(filter: ReportFilter): AttemptCount[] {
    return this.db.prepare(progressSql(filter).attempts).all(this.params(filter)) as AttemptCount[];
  }

  /**
   * The recent attempts are chosen in SQL (recentAttemptsSql) and their
   * answers counted in JavaScript (reportMisses.ts): at most `window` short
   * rows cross over, and counting them there is far cheaper than json_each.
   */
  questionMisses(filter: ReportFilter, keys: readonly AnswerKey[], window: number, limit: number): QuestionMiss[] {
    if (keys.length === 0 || window <= 0 || limit <= 0) return [];
    const recent = this.db
      .prepare(recentAttemptsSql(filter))
      .all({ ...this.params(filter), keys: JSON.stringify(keys), window }) as RecentAttempt[];
    return countMisses(recent, keys, limit);
  }

  private params(filter: ReportFilter): Record<string, string | null> {
    return { commune: this.communeId, ...filterParams(filter) };
  }

  private withReportCache<T>(run: () => T): T {
    const previous: unknown = this.db.pragma('cache_size', { simple: true });
    this.db.pragma(`cache_size = -${REPORT_CACHE_KIB}`);
    try {
      return run();
    } finally {
      if (typeof previous === 'number' && Number.isInteger(previous)) this.db.pragma(`cache_size = ${previous}`);
    }
  }
}
