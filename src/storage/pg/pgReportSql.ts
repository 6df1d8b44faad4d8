/**
 * @module storage/pg/pgReportSql
 *
 * The progress report's SQL on PostgreSQL: the twin of
 * storage/sqlite/reportSql.ts, over the same tables the triggers of
 * migration 019b keep (report_daily, report_commune_daily, report_attempts)
 * plus the anonymous counts erased residents left.
 *
 * Time, exactly as on SQLite: a filter's from/to are inclusive local dates in
 * Asia/Ho_Chi_Minh (UTC+7 all year). `day` and `week` in the summaries are
 * already local (report_local_day, 019b); timestamps (UTC ISO text, as
 * `toISOString()` writes them) are compared with the UTC instants where those
 * local days start and end (`communeDayStartUtc`), so a pass at 16:59:59.999Z
 * belongs to one day and one at 17:00Z to the next. Anonymous counts only
 * know the UTC day they were recorded on, which is taken as local, as SQLite
 * does.
 *
 * Collation. pgSql.ts has every comparison of stored text say COLLATE "C",
 * byte order like SQLite's. The range conditions and the "latest attempts"
 * ordering here do not, on purpose: an index follows the database's own
 * collation, and `ORDER BY finished_at COLLATE "C" DESC LIMIT 2000` sorted
 * all of a commune's finished attempts instead of walking the index back
 * (measured on PostgreSQL 15, 500,000 attempts: 637 ms against 2 ms). Those
 * values all have one shape ('YYYY-MM-DD', or toISOString's
 * 'YYYY-MM-DDTHH:MM:SS.sssZ', digits and the same punctuation at the same
 * places), and on strings of one shape every deterministic collation agrees
 * with byte order: the digits decide, position by position. The keys a view
 * is sorted by for display (quiz ids, weeks) still say COLLATE "C".
 *
 * Unlike SQLite, which keeps one statement per view and binds an absent
 * filter as NULL, each statement here names only the conditions the filter
 * has: PostgreSQL plans each query anew, and `$1 IS NULL OR hamlet = $1`
 * would hide the hamlet from the planner.
 */
import { sql, type RawBuilder } from 'kysely';
import { communeDayStartUtc } from '../../core/communeTime.js';
import type { ReportFilter } from '../../core/stores/reports.js';

const DAY_MS = 86_400_000;

/** Which summary a per-quiz or per-week view reads. */
type Scope = 'commune' | 'cohort';

const scopeOf = (filter: ReportFilter): Scope =>
  filter.hamletId === undefined && filter.groupId === undefined ? 'commune' : 'cohort';

const and = (parts: readonly RawBuilder<unknown>[]): RawBuilder<unknown> => sql.join(parts, sql` AND `);

/** The local day range on a text column holding 'YYYY-MM-DD'. */
function dayRange(column: string, filter: ReportFilter): RawBuilder<unknown>[] {
  const col = sql.ref(column);
  return [
    ...(filter.from !== undefined ? [sql`${col} >= ${filter.from}`] : []),
    ...(filter.to !== undefined ? [sql`${col} <= ${filter.to}`] : []),
  ];
}

/** The hamlet and group conditions, on columns `hamlet` and `target_group` of `alias`. */
function cohort(filter: ReportFilter, alias?: string): RawBuilder<unknown>[] {
  const col = (c: string) => sql.ref(alias === undefined ? c : `${alias}.${c}`);
  return [
    ...(filter.hamletId !== undefined ? [sql`${col('hamlet')} = ${filter.hamletId}`] : []),
    ...(filter.groupId !== undefined ? [sql`${col('target_group')} = ${filter.groupId}`] : []),
  ];
}

/** The UTC instants bounding the filter's local days, on a column of UTC ISO text. */
export function instantRange(column: string, filter: ReportFilter): RawBuilder<unknown>[] {
  const col = sql.ref(column);
  const end =
    filter.to === undefined ? undefined : new Date(Date.parse(communeDayStartUtc(filter.to)) + DAY_MS).toISOString();
  return [
    ...(filter.from !== undefined ? [sql`${col} >= ${communeDayStartUtc(filter.from)}`] : []),
    ...(end !== undefined ? [sql`${col} < ${end}`] : []),
  ];
}

/**
 * One kind's summary rows as (k, n): `key` is quiz_id or week. The whole
 * commune reads report_commune_daily (the same counts without hamlet and
 * group, far fewer rows); a hamlet or group reads report_daily.
 */
function summary(communeId: string, filter: ReportFilter, kinds: readonly string[], key: string): RawBuilder<unknown> {
  const table = scopeOf(filter) === 'commune' ? 'report_commune_daily' : 'report_daily';
  const where = and([
    sql`commune_id = ${communeId}`,
    sql`kind IN (${sql.join(kinds.map((k) => sql`${k}`))})`,
    ...dayRange('day', filter),
    ...cohort(filter),
  ]);
  return sql`SELECT ${sql.ref(key)} AS k, kind, n FROM ${sql.table(table)} WHERE ${where}`;
}

function anonymous(communeId: string, filter: ReportFilter, day: string): RawBuilder<unknown> {
  return and([sql`commune_id = ${communeId}`, ...dayRange(day, filter), ...cohort(filter)]);
}

/** The Monday (ISO week) of a 'YYYY-MM-DD' text column, as 'YYYY-MM-DD'; no time zone involved. */
const monday = (column: string): RawBuilder<string> =>
  sql<string>`to_char(date_trunc('week', ${sql.ref(column)}::timestamp), 'YYYY-MM-DD')`;

export function cohortsSql(communeId: string, filter: ReportFilter): RawBuilder<unknown> {
  const daily = and([
    sql`commune_id = ${communeId}`,
    sql`kind = 'programme'`,
    ...dayRange('day', filter),
    ...cohort(filter),
  ]);
  return sql`SELECT NULLIF(hamlet, '') AS "hamletId", NULLIF(target_group, '') AS "groupId", SUM(n)::bigint AS completed
  FROM (SELECT hamlet, target_group, n FROM report_daily WHERE ${daily}
        UNION ALL
        SELECT hamlet, target_group, completions FROM anonymous_completions
         WHERE ${anonymous(communeId, filter, 'completed_on')}) AS x
 GROUP BY 1, 2 HAVING SUM(n) > 0`;
}

export function quizPassesSql(communeId: string, filter: ReportFilter): RawBuilder<unknown> {
  return sql`SELECT k AS "quizId", SUM(n)::bigint AS passed
  FROM (SELECT k, n FROM (${summary(communeId, filter, ['pass'], 'quiz_id')}) AS s
        UNION ALL
        SELECT quiz_id, passes FROM anonymous_passes WHERE ${anonymous(communeId, filter, 'passed_on')}) AS x
 GROUP BY k HAVING SUM(n) > 0 ORDER BY k COLLATE "C"`;
}

export function weeklySql(communeId: string, filter: ReportFilter): RawBuilder<unknown> {
  return sql`SELECT k AS "weekStart", SUM(c)::bigint AS completions, SUM(p)::bigint AS passes
  FROM (SELECT k, CASE kind WHEN 'programme' THEN n ELSE 0 END AS c, CASE kind WHEN 'pass' THEN n ELSE 0 END AS p
          FROM (${summary(communeId, filter, ['programme', 'pass'], 'week')}) AS s
        UNION ALL
        SELECT ${monday('completed_on')}, completions, 0 FROM anonymous_completions
         WHERE ${anonymous(communeId, filter, 'completed_on')}
        UNION ALL
        SELECT ${monday('passed_on')}, 0, passes FROM anonymous_passes
         WHERE ${anonymous(communeId, filter, 'passed_on')}) AS x
 GROUP BY k HAVING SUM(c) > 0 OR SUM(p) > 0 ORDER BY k COLLATE "C"`;
}

export function attemptsSql(communeId: string, filter: ReportFilter): RawBuilder<unknown> {
  return sql`SELECT k AS "quizId",
       SUM(CASE kind WHEN 'attempt_passed' THEN n ELSE 0 END)::bigint AS passed,
       SUM(CASE kind WHEN 'attempt_failed' THEN n ELSE 0 END)::bigint AS failed
  FROM (${summary(communeId, filter, ['attempt_passed', 'attempt_failed'], 'quiz_id')}) AS s
 GROUP BY k HAVING SUM(n) > 0 ORDER BY k COLLATE "C"`;
}

/**
 * The latest `window` finished attempts within the filter taken on the
 * catalog's version of their quiz (`quizIds[i]` at `versions[i]`), newest
 * first: their quiz and stored answers, which reportMisses.ts counts. With a
 * hamlet or group, the walk goes along report_attempts (019b keeps each
 * finished attempt there under its citizen's hamlet and group, as typed,
 * like SQLite's migration 019) and joins back for the answers.
 */
export function recentAttemptsSql(
  communeId: string,
  filter: ReportFilter,
  quizIds: readonly string[],
  versions: readonly string[],
  window: number,
): RawBuilder<unknown> {
  const keyed = sql`IN (SELECT * FROM unnest(${[...quizIds]}::text[], ${[...versions]}::text[]))`;
  if (scopeOf(filter) === 'commune') {
    const where = and([
      sql`a.commune_id = ${communeId}`,
      sql`a.status = 'finished'`,
      ...instantRange('a.finished_at', filter),
      sql`(a.quiz_id, a.quiz_version) ${keyed}`,
    ]);
    return sql`SELECT a.quiz_id AS "quizId", a.answers_json AS answers FROM quiz_attempts a
 WHERE ${where} ORDER BY a.finished_at DESC LIMIT ${window}`;
  }
  const where = and([
    sql`r.commune_id = ${communeId}`,
    ...cohort(filter, 'r'),
    ...instantRange('r.finished_at', filter),
    sql`(r.quiz_id, r.quiz_version) ${keyed}`,
  ]);
  return sql`SELECT a.quiz_id AS "quizId", a.answers_json AS answers
  FROM report_attempts r JOIN quiz_attempts a ON a.commune_id = r.commune_id AND a.id = r.attempt_id
 WHERE ${where} ORDER BY r.finished_at DESC LIMIT ${window}`;
}
