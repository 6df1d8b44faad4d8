/**
 * @module storage/sqlite/reportSql
 *
 * The progress report's SQL (issue 17). Passes and completions come from
 * `report_daily` (one row per local day × hamlet × group × quiz, kept by the
 * triggers of migration 014) plus the anonymous counts erased residents left
 * (migration 007); attempts from `quiz_attempts` itself.
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
 * quiz_attempts itself, joins citizens only with the conditions asked for
 * (four statement texts at most).
 */
import type { ReportFilter } from '../../core/stores/reports.js';

const FIRST_DAY = '0000-01-01';
const LAST_DAY = '9999-12-31';
const DAY_MS = 86_400_000;

/** The UTC instant (ISO) at which local day `day` (YYYY-MM-DD) starts in Asia/Ho_Chi_Minh. */
export function localDayStartUtc(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000+07:00`)).toISOString();
}

/** Named parameters for every statement below. */
export function filterParams(filter: ReportFilter): Record<string, string | null> {
  return {
    hamlet: filter.hamletId ?? null,
    grp: filter.groupId ?? null,
    fromDay: filter.from ?? FIRST_DAY,
    toDay: filter.to ?? LAST_DAY,
    // '' sorts before every timestamp and '9' after, so an open end needs no second statement.
    fromUtc: filter.from === undefined ? '' : localDayStartUtc(filter.from),
    toUtc: filter.to === undefined ? '9' : new Date(Date.parse(localDayStartUtc(filter.to)) + DAY_MS).toISOString(),
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
 * The latest :window finished attempts on the catalog's version of their
 * quiz. With a hamlet or group asked for, the citizens of that cohort are
 * read first (citizens_by_hamlet_group) and their attempts by citizen: a
 * hamlet is a thirtieth of the commune, and walking every attempt by time
 * until enough of theirs turn up costs seconds on a large commune. INDEXED BY
 * because the planner otherwise walks the time index once per citizen.
 */
function recentAttempts(filter: ReportFilter): string {
  const conditions = [
    ...(filter.hamletId !== undefined ? ['c.hamlet = :hamlet'] : []),
    ...(filter.groupId !== undefined ? ['c.target_group = :grp'] : []),
  ];
  const versionOk = '(a.quiz_id, a.quiz_version) IN (SELECT quiz, version FROM versions)';
  if (conditions.length === 0) {
    return `SELECT a.quiz_id, a.answers_json FROM quiz_attempts a
     WHERE ${FINISHED} AND ${versionOk}
     ORDER BY a.finished_at DESC LIMIT :window`;
  }
  return `SELECT a.quiz_id, a.answers_json
      FROM citizens c CROSS JOIN quiz_attempts a INDEXED BY quiz_attempts_by_citizen
        ON a.commune_id = c.commune_id AND a.citizen_id = c.id
     WHERE c.commune_id = :commune AND ${conditions.join(' AND ')} AND ${FINISHED} AND ${versionOk}
     ORDER BY a.finished_at DESC LIMIT :window`;
}

/**
 * Wrong answers per question: the recent attempts' answers unpacked with
 * json_each and compared with the key (:keys, a JSON array of {quizId,
 * version, answers}). Bounded by the window, so the view costs about the same
 * on a commune with ten million attempts; at most four statement texts.
 */
export const missesSql = (filter: ReportFilter): string => `WITH
  versions AS MATERIALIZED (
    SELECT json_extract(k.value, '$.quizId') AS quiz, json_extract(k.value, '$.version') AS version
      FROM json_each(:keys) k),
  answer_key AS MATERIALIZED (
    SELECT json_extract(k.value, '$.quizId') AS quiz, CAST(r.key AS INTEGER) AS idx, r.value AS answer
      FROM json_each(:keys) k, json_each(k.value, '$.answers') r),
  recent AS MATERIALIZED (${recentAttempts(filter)})
SELECT r.quiz_id AS quizId, ak.idx AS "index", SUM(j.value <> ak.answer) AS wrong, COUNT(*) AS answered
  FROM recent r, json_each(r.answers_json) j
  JOIN answer_key ak ON ak.quiz = r.quiz_id AND ak.idx = j.key
 GROUP BY 1, 2
HAVING wrong > 0
 ORDER BY wrong DESC, answered DESC, 1, 2
 LIMIT :limit`;

/** One kind's rows in the order of `index` (report_daily_by_quiz or _by_week), filtered, summed per `key`. */
const ordered = (index: string, kind: string, key: string): string =>
  `SELECT ${key} AS k, SUM(n) AS n FROM report_daily INDEXED BY ${index}
    WHERE ${DAILY(kind)} GROUP BY 1`;

/**
 * Each arm of a UNION is aggregated on its own before the arms are added up,
 * and the per-quiz and per-week arms read the summary through an index in
 * their GROUP BY order: summing the summary's rows straight into one GROUP
 * BY over the union sends every row through a temporary sorter, which costs
 * about three times as much on a million passes (bench:report).
 */
export const PROGRESS_SQL = {
  cohorts: `SELECT NULLIF(hamlet, '') AS hamletId, NULLIF(target_group, '') AS groupId, SUM(n) AS completed FROM (
      SELECT hamlet, target_group, SUM(n) AS n FROM report_daily WHERE ${DAILY("'programme'")} GROUP BY 1, 2
      UNION ALL
      SELECT hamlet, target_group, SUM(completions) FROM anonymous_completions WHERE ${ANONYMOUS('completed_on')}
       GROUP BY 1, 2)
    GROUP BY 1, 2 HAVING SUM(n) > 0`,
  quizPasses: `SELECT k AS quizId, SUM(n) AS passed FROM (
      ${ordered('report_daily_by_quiz', "'pass'", 'quiz_id')}
      UNION ALL
      SELECT quiz_id, SUM(passes) FROM anonymous_passes WHERE ${ANONYMOUS('passed_on')} GROUP BY 1)
    GROUP BY 1 HAVING SUM(n) > 0 ORDER BY 1`,
  weekly: `SELECT k AS weekStart, SUM(completions) AS completions, SUM(passes) AS passes FROM (
      SELECT k, n AS completions, 0 AS passes FROM (${ordered('report_daily_by_week', "'programme'", 'week')})
      UNION ALL
      SELECT k, 0, n FROM (${ordered('report_daily_by_week', "'pass'", 'week')})
      UNION ALL
      SELECT date(completed_on, '-6 days', 'weekday 1'), SUM(completions), 0
        FROM anonymous_completions WHERE ${ANONYMOUS('completed_on')} GROUP BY 1
      UNION ALL
      SELECT date(passed_on, '-6 days', 'weekday 1'), 0, SUM(passes)
        FROM anonymous_passes WHERE ${ANONYMOUS('passed_on')} GROUP BY 1)
    GROUP BY 1 HAVING SUM(completions) > 0 OR SUM(passes) > 0 ORDER BY 1`,
  attempts: `SELECT k AS quizId, SUM(passed) AS passed, SUM(failed) AS failed FROM (
      SELECT k, n AS passed, 0 AS failed FROM (${ordered('report_daily_by_quiz', "'attempt_passed'", 'quiz_id')})
      UNION ALL
      SELECT k, 0, n FROM (${ordered('report_daily_by_quiz', "'attempt_failed'", 'quiz_id')}))
    GROUP BY 1 HAVING SUM(passed) + SUM(failed) > 0 ORDER BY 1`,
} as const;
