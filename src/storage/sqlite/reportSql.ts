/**
 * @module storage/sqlite/reportSql
 *
 * The progress report's SQL (issue 17). Passes, completions and attempt
 * counts come from `report_daily` (one row per local day × hamlet × group ×
 * quiz, kept by the triggers of migration 014), or for the whole commune
 * from its sum `report_commune_daily` (migration 019), plus the anonymous
 * counts erased residents left (migration 007); the failed questions from
 * the latest attempts themselves.
 *
 * Time: a filter's from/to are inclusive local dates in Asia/Ho_Chi_Minh,
 * which is UTC+7 all year. `report_daily.day` is already local; timestamps
 * (UTC ISO, as `toISOString()` writes them) are compared with the UTC
 * instants where those local days start and end, so an index range still
 * applies. Anonymous counts only know the UTC day they were recorded on
 * (`substr(passed_at, 1, 10)` in erasure.ts); that day is taken as local.
 *
 * Filters are bound as NULL when absent (`:hamlet IS NULL OR …`), so each
 * view is one kept statement; the failed-questions view, which reads
 * attempts rather than the summary, has one text per kind of scope.
 */
import { communeDayStartUtc } from '../../core/communeTime.js';
import type { ReportFilter } from '../../core/stores/reports.js';

const FIRST_DAY = '0000-01-01';
const LAST_DAY = '9999-12-31';
const DAY_MS = 86_400_000;

/** Named parameters for every statement below. */
export function filterParams(filter: ReportFilter): Record<string, string | null> {
  return {
    hamlet: filter.hamletId ?? null,
    grp: filter.groupId ?? null,
    fromDay: filter.from ?? FIRST_DAY,
    toDay: filter.to ?? LAST_DAY,
    // '' sorts before every timestamp and '9' after, so an open end needs no second statement.
    fromUtc: filter.from === undefined ? '' : communeDayStartUtc(filter.from),
    toUtc: filter.to === undefined ? '9' : new Date(Date.parse(communeDayStartUtc(filter.to)) + DAY_MS).toISOString(),
  };
}

/** `kind` is an SQL literal, e.g. "'pass'". */
const DAILY = (kind: string): string => `commune_id = :commune AND kind = ${kind}
   AND day BETWEEN :fromDay AND :toDay
   AND (:hamlet IS NULL OR hamlet = :hamlet) AND (:grp IS NULL OR target_group = :grp)`;

const ANONYMOUS = (day: string): string => `commune_id = :commune AND ${day} BETWEEN :fromDay AND :toDay
   AND (:hamlet IS NULL OR hamlet = :hamlet) AND (:grp IS NULL OR target_group = :grp)`;

const FINISHED = `a.commune_id = :commune AND a.status = 'finished'
   AND a.finished_at >= :fromUtc AND a.finished_at < :toUtc`;

/**
 * The latest :window finished attempts within the filter that were taken on
 * the catalog's version of their quiz (:keys, a JSON array of {quizId,
 * version, answers}), newest first: their quiz and answers, which
 * storage/reportMisses.ts counts. Commune-wide, the finished attempts are walked back
 * by time (quiz_attempts_finished). With a hamlet or group asked for, the
 * walk goes along report_attempts (migration 019), which holds each finished
 * attempt under its citizen's hamlet and group, and joins back for the
 * answers of the few thousand it keeps (a hamlet and group asked together
 * walk the hamlet's index, which carries the group); reading every attempt
 * of a hamlet's thousands of citizens and sorting them instead cost about
 * 100 ms on a large commune. Four statement texts at most.
 */
export function recentAttemptsSql(filter: ReportFilter): string {
  const versions = `WITH versions AS MATERIALIZED (
    SELECT json_extract(k.value, '$.quizId') AS quiz, json_extract(k.value, '$.version') AS version
      FROM json_each(:keys) k)`;
  const hamlet = filter.hamletId !== undefined;
  const group = filter.groupId !== undefined;
  if (!hamlet && !group) {
    return `${versions}
SELECT a.quiz_id AS quizId, a.answers_json AS answers FROM quiz_attempts a
 WHERE ${FINISHED} AND (a.quiz_id, a.quiz_version) IN (SELECT quiz, version FROM versions)
 ORDER BY a.finished_at DESC LIMIT :window`;
  }
  const index = hamlet ? 'report_attempts_by_hamlet' : 'report_attempts_by_group';
  const conditions = [...(hamlet ? ['r.hamlet = :hamlet'] : []), ...(group ? ['r.target_group = :grp'] : [])];
  return `${versions}
SELECT a.quiz_id AS quizId, a.answers_json AS answers
  FROM report_attempts r INDEXED BY ${index}
  CROSS JOIN quiz_attempts a ON a.commune_id = r.commune_id AND a.id = r.attempt_id
 WHERE r.commune_id = :commune AND ${conditions.join(' AND ')}
   AND r.finished_at >= :fromUtc AND r.finished_at < :toUtc
   AND (r.quiz_id, r.quiz_version) IN (SELECT quiz, version FROM versions)
 ORDER BY r.finished_at DESC LIMIT :window`;
}

/** Which rows a per-quiz or per-week view reads, by what the filter narrows to. */
type Scope = 'commune' | 'hamlet' | 'group';

const scopeOf = (filter: ReportFilter): Scope =>
  filter.hamletId !== undefined ? 'hamlet' : filter.groupId !== undefined ? 'group' : 'commune';

/**
 * One kind's rows, filtered and summed per `key` (the quiz or the week,
 * `by`). The whole commune reads report_commune_daily (migration 019: the
 * same counts without hamlet and group, about 25 times fewer rows, sorted
 * here); one hamlet reads its own rows of report_daily through the index led
 * by the hamlet (a thirtieth of the rows, sorted here); a group alone reads
 * report_daily through the index in `by` order and keeps its group's rows.
 */
const ordered = (scope: Scope, by: 'quiz' | 'week', kind: string, key: string): string => {
  if (scope === 'commune') {
    return `SELECT ${key} AS k, SUM(n) AS n FROM report_commune_daily
    WHERE commune_id = :commune AND kind = ${kind} AND day BETWEEN :fromDay AND :toDay GROUP BY 1`;
  }
  if (scope === 'hamlet') {
    return `SELECT ${key} AS k, SUM(n) AS n FROM report_daily INDEXED BY report_daily_by_hamlet
    WHERE commune_id = :commune AND kind = ${kind} AND hamlet = :hamlet AND day BETWEEN :fromDay AND :toDay
      AND (:grp IS NULL OR target_group = :grp) GROUP BY 1`;
  }
  return `SELECT ${key} AS k, SUM(n) AS n FROM report_daily INDEXED BY report_daily_by_${by}
    WHERE ${DAILY(kind)} GROUP BY 1`;
};

const COHORTS = `SELECT NULLIF(hamlet, '') AS hamletId, NULLIF(target_group, '') AS groupId, SUM(n) AS completed FROM (
      SELECT hamlet, target_group, SUM(n) AS n FROM report_daily WHERE ${DAILY("'programme'")} GROUP BY 1, 2
      UNION ALL
      SELECT hamlet, target_group, SUM(completions) FROM anonymous_completions WHERE ${ANONYMOUS('completed_on')}
       GROUP BY 1, 2)
    GROUP BY 1, 2 HAVING SUM(n) > 0`;

/**
 * The progress report's statements for a filter (three texts per view at
 * most, by scope). Each arm of a UNION is aggregated on its own before the
 * arms are added up, and the per-quiz and per-week arms read through an index
 * in their GROUP BY order: summing the summary's rows straight into one
 * GROUP BY over the union sends every row through a temporary sorter, which
 * costs about three times as much on a million passes (bench:report).
 */
export function progressSql(filter: ReportFilter): ProgressStatements {
  return STATEMENTS[scopeOf(filter)];
}

interface ProgressStatements {
  readonly cohorts: string;
  readonly quizPasses: string;
  readonly weekly: string;
  readonly attempts: string;
}

function statements(scope: Scope): ProgressStatements {
  return {
    cohorts: COHORTS,
    quizPasses: `SELECT k AS quizId, SUM(n) AS passed FROM (
      ${ordered(scope, 'quiz', "'pass'", 'quiz_id')}
      UNION ALL
      SELECT quiz_id, SUM(passes) FROM anonymous_passes WHERE ${ANONYMOUS('passed_on')} GROUP BY 1)
    GROUP BY 1 HAVING SUM(n) > 0 ORDER BY 1`,
    weekly: `SELECT k AS weekStart, SUM(completions) AS completions, SUM(passes) AS passes FROM (
      SELECT k, n AS completions, 0 AS passes FROM (${ordered(scope, 'week', "'programme'", 'week')})
      UNION ALL
      SELECT k, 0, n FROM (${ordered(scope, 'week', "'pass'", 'week')})
      UNION ALL
      SELECT date(completed_on, '-6 days', 'weekday 1'), SUM(completions), 0
        FROM anonymous_completions WHERE ${ANONYMOUS('completed_on')} GROUP BY 1
      UNION ALL
      SELECT date(passed_on, '-6 days', 'weekday 1'), 0, SUM(passes)
        FROM anonymous_passes WHERE ${ANONYMOUS('passed_on')} GROUP BY 1)
    GROUP BY 1 HAVING SUM(completions) > 0 OR SUM(passes) > 0 ORDER BY 1`,
    attempts: `SELECT k AS quizId, SUM(passed) AS passed, SUM(failed) AS failed FROM (
      SELECT k, n AS passed, 0 AS failed FROM (${ordered(scope, 'quiz', "'attempt_passed'", 'quiz_id')})
      UNION ALL
      SELECT k, 0, n FROM (${ordered(scope, 'quiz', "'attempt_failed'", 'quiz_id')}))
    GROUP BY 1 HAVING SUM(passed) + SUM(failed) > 0 ORDER BY 1`,
  };
}

const STATEMENTS: Readonly<Record<Scope, ProgressStatements>> = {
  commune: statements('commune'),
  hamlet: statements('hamlet'),
  group: statements('group'),
};
