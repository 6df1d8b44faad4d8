import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The report tables' triggers of SQLite migrations 014 and 019, in PL/pgSQL:
 * report_daily (completions per local day, hamlet and group),
 * report_attempts (finished attempts with their citizen's cohort) and
 * report_commune_daily (report_daily summed over hamlets and groups). Read
 * those two SQLite migrations for why each trigger exists; here is only what
 * changes in the translation.
 *
 * - One trigger function per SQLite trigger, with the same name, timing,
 *   columns (`UPDATE OF`) and `WHEN` condition, so the two lists compare one to
 *   one (test/pg/schemaParity.test.ts) and test/pg/reportTriggers.test.ts
 *   replays one history of writes on both databases and compares the tables.
 * - The BEFORE DELETE trigger on citizens returns OLD (NULL would cancel the
 *   delete); the AFTER ones return NULL.
 * - `INSERT OR REPLACE` becomes `ON CONFLICT … DO UPDATE`; `IS NOT` becomes
 *   `IS DISTINCT FROM`. An upsert that updates fires UPDATE triggers only, in
 *   both engines, so the rollup of report_daily behaves the same.
 * - SQLite's `date(t, '+7 hours')` (local day in Asia/Ho_Chi_Minh, UTC+7 all
 *   year) and its Monday are `report_local_day` / `report_local_week`: a time
 *   without a zone is read as UTC, as SQLite reads it, whatever the session's
 *   TimeZone is.
 * - The functions run as the caller, so row-level security (019c) applies to
 *   what they read and write: a trigger can only touch its own commune's rows.
 */
export const m019bReportTriggers: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(SQL).execute(db);
  },
};

const DAY = (at: string): string => `report_local_day(${at})`;
const WEEK = (at: string): string => `report_local_week(${at})`;
const UPSERT = `ON CONFLICT (commune_id, kind, day, hamlet, target_group, quiz_id) DO UPDATE SET n = report_daily.n + excluded.n`;
const COLUMNS = '(commune_id, kind, day, week, hamlet, target_group, quiz_id, n)';
const COHORT = (c: string): string => `COALESCE(TRIM(${c}.hamlet), ''), COALESCE(TRIM(${c}.target_group), '')`;

const onePass = (row: 'NEW' | 'OLD', sign: 1 | -1): string => `
  INSERT INTO report_daily ${COLUMNS}
    SELECT c.commune_id, 'pass', ${DAY(`${row}.passed_at`)}, ${WEEK(`${row}.passed_at`)}, ${COHORT('c')}, ${row}.quiz_id, ${sign}
      FROM citizens c WHERE c.commune_id = ${row}.commune_id AND c.id = ${row}.citizen_id
  ${UPSERT};`;

const oneCompletion = (row: 'NEW' | 'OLD', sign: 1 | -1): string => `
  INSERT INTO report_daily ${COLUMNS}
    SELECT c.commune_id, 'programme', ${DAY(`${row}.completed_at`)}, ${WEEK(`${row}.completed_at`)}, ${COHORT('c')}, '', ${sign}
      FROM citizens c WHERE c.commune_id = ${row}.commune_id AND c.id = ${row}.citizen_id
  ${UPSERT};`;

const ATTEMPT_KIND = (row: string): string =>
  `CASE ${row}.passed WHEN 1 THEN 'attempt_passed' ELSE 'attempt_failed' END`;

const oneAttempt = (row: 'NEW' | 'OLD', sign: 1 | -1): string => `
  INSERT INTO report_daily ${COLUMNS}
    SELECT c.commune_id, ${ATTEMPT_KIND(row)}, ${DAY(`${row}.finished_at`)}, ${WEEK(`${row}.finished_at`)}, ${COHORT('c')},
           ${row}.quiz_id, ${sign}
      FROM citizens c WHERE c.commune_id = ${row}.commune_id AND c.id = ${row}.citizen_id
  ${UPSERT};`;

const attemptsOfCitizen = (row: 'NEW' | 'OLD', sign: '' | '-'): string => `
  INSERT INTO report_daily ${COLUMNS}
    SELECT a.commune_id, ${ATTEMPT_KIND('a')}, ${DAY('a.finished_at')}, ${WEEK('a.finished_at')}, ${COHORT(row)},
           a.quiz_id, ${sign}COUNT(*)
      FROM quiz_attempts a WHERE a.commune_id = ${row}.commune_id AND a.citizen_id = ${row}.id AND a.status = 'finished'
     GROUP BY 1, 2, 3, 4, 5, 6, 7
  ${UPSERT};`;

const allOfCitizen = (row: 'NEW' | 'OLD', sign: '' | '-'): string => `
  INSERT INTO report_daily ${COLUMNS}
    SELECT p.commune_id, 'pass', ${DAY('p.passed_at')}, ${WEEK('p.passed_at')}, ${COHORT(row)}, p.quiz_id, ${sign}COUNT(*)
      FROM quiz_passes p WHERE p.commune_id = ${row}.commune_id AND p.citizen_id = ${row}.id
     GROUP BY 1, 2, 3, 4, 5, 6, 7
  ${UPSERT};
  INSERT INTO report_daily ${COLUMNS}
    SELECT pc.commune_id, 'programme', ${DAY('pc.completed_at')}, ${WEEK('pc.completed_at')}, ${COHORT(row)}, '', ${sign}COUNT(*)
      FROM programme_completions pc WHERE pc.commune_id = ${row}.commune_id AND pc.citizen_id = ${row}.id
     GROUP BY 1, 2, 3, 4, 5, 6, 7
  ${UPSERT};`;

const COPY = `
  INSERT INTO report_attempts
    (commune_id, attempt_id, citizen_id, hamlet, target_group, quiz_id, quiz_version, finished_at)
  SELECT NEW.commune_id, NEW.id, NEW.citizen_id, c.hamlet, c.target_group, NEW.quiz_id, NEW.quiz_version, NEW.finished_at
    FROM citizens c WHERE c.commune_id = NEW.commune_id AND c.id = NEW.citizen_id AND NEW.status = 'finished'
  ON CONFLICT (commune_id, attempt_id) DO UPDATE SET
    citizen_id = excluded.citizen_id, hamlet = excluded.hamlet, target_group = excluded.target_group,
    quiz_id = excluded.quiz_id, quiz_version = excluded.quiz_version, finished_at = excluded.finished_at;`;

const FORGET = `DELETE FROM report_attempts WHERE commune_id = OLD.commune_id AND attempt_id = OLD.id;`;

const ROLLUP_UPSERT = (row: 'NEW' | 'OLD', n: string): string => `
  INSERT INTO report_commune_daily (commune_id, kind, day, week, quiz_id, n)
  VALUES (${row}.commune_id, ${row}.kind, ${row}.day, ${row}.week, ${row}.quiz_id, ${n})
  ON CONFLICT (commune_id, kind, day, quiz_id) DO UPDATE SET n = report_commune_daily.n + excluded.n;`;

interface TriggerSpec {
  readonly name: string;
  /** e.g. 'AFTER INSERT', 'AFTER UPDATE OF hamlet, target_group', 'BEFORE DELETE'. */
  readonly event: string;
  readonly table: string;
  readonly when?: string;
  readonly body: string;
}

/** A trigger function of the same name and the row trigger that calls it. */
function trigger(t: TriggerSpec): string {
  const result = t.event.startsWith('BEFORE') ? 'OLD' : 'NULL';
  return `
CREATE FUNCTION ${t.name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
${t.body}
  RETURN ${result};
END;
$fn$;
CREATE TRIGGER ${t.name} ${t.event} ON ${t.table} FOR EACH ROW${t.when ? ` WHEN (${t.when})` : ''}
  EXECUTE FUNCTION ${t.name}();
`;
}

const ATTEMPT_COLUMNS = 'status, citizen_id, quiz_id, passed, finished_at';
const COHORT_CHANGED = `COALESCE(TRIM(OLD.hamlet), '') <> COALESCE(TRIM(NEW.hamlet), '')
    OR COALESCE(TRIM(OLD.target_group), '') <> COALESCE(TRIM(NEW.target_group), '')`;

const TRIGGERS: readonly TriggerSpec[] = [
  // SQLite migration 014: report_daily.
  { name: 'report_daily_pass_insert', event: 'AFTER INSERT', table: 'quiz_passes', body: onePass('NEW', 1) },
  {
    name: 'report_daily_pass_update',
    event: 'AFTER UPDATE',
    table: 'quiz_passes',
    body: onePass('OLD', -1) + onePass('NEW', 1),
  },
  { name: 'report_daily_pass_delete', event: 'AFTER DELETE', table: 'quiz_passes', body: onePass('OLD', -1) },
  {
    name: 'report_daily_completion_insert',
    event: 'AFTER INSERT',
    table: 'programme_completions',
    body: oneCompletion('NEW', 1),
  },
  {
    name: 'report_daily_completion_update',
    event: 'AFTER UPDATE',
    table: 'programme_completions',
    body: oneCompletion('OLD', -1) + oneCompletion('NEW', 1),
  },
  {
    name: 'report_daily_completion_delete',
    event: 'AFTER DELETE',
    table: 'programme_completions',
    body: oneCompletion('OLD', -1),
  },
  {
    name: 'report_daily_citizen_moved',
    event: 'AFTER UPDATE OF hamlet, target_group',
    table: 'citizens',
    when: COHORT_CHANGED,
    body:
      allOfCitizen('OLD', '-') + allOfCitizen('NEW', '') + attemptsOfCitizen('OLD', '-') + attemptsOfCitizen('NEW', ''),
  },
  {
    name: 'report_daily_attempt_insert',
    event: 'AFTER INSERT',
    table: 'quiz_attempts',
    when: `NEW.status = 'finished'`,
    body: oneAttempt('NEW', 1),
  },
  {
    name: 'report_daily_attempt_unfinished',
    event: `AFTER UPDATE OF ${ATTEMPT_COLUMNS}`,
    table: 'quiz_attempts',
    when: `OLD.status = 'finished'`,
    body: oneAttempt('OLD', -1),
  },
  {
    name: 'report_daily_attempt_finished',
    event: `AFTER UPDATE OF ${ATTEMPT_COLUMNS}`,
    table: 'quiz_attempts',
    when: `NEW.status = 'finished'`,
    body: oneAttempt('NEW', 1),
  },
  { name: 'report_daily_citizen_delete', event: 'BEFORE DELETE', table: 'citizens', body: allOfCitizen('OLD', '-') },
  // SQLite migration 019: report_attempts and report_commune_daily.
  {
    name: 'report_attempts_insert',
    event: 'AFTER INSERT',
    table: 'quiz_attempts',
    when: `NEW.status = 'finished'`,
    body: COPY,
  },
  {
    name: 'report_attempts_update',
    event: 'AFTER UPDATE OF commune_id, id, citizen_id, quiz_id, quiz_version, status, finished_at',
    table: 'quiz_attempts',
    when: `OLD.status = 'finished' OR NEW.status = 'finished'`,
    body: FORGET + COPY,
  },
  {
    name: 'report_attempts_delete',
    event: 'AFTER DELETE',
    table: 'quiz_attempts',
    when: `OLD.status = 'finished'`,
    body: FORGET,
  },
  {
    name: 'report_attempts_citizen_moved',
    event: 'AFTER UPDATE OF hamlet, target_group',
    table: 'citizens',
    when: 'OLD.hamlet IS DISTINCT FROM NEW.hamlet OR OLD.target_group IS DISTINCT FROM NEW.target_group',
    body: `
  UPDATE report_attempts SET hamlet = NEW.hamlet, target_group = NEW.target_group
   WHERE commune_id = NEW.commune_id
     AND attempt_id IN (SELECT id FROM quiz_attempts WHERE commune_id = NEW.commune_id AND citizen_id = NEW.id);`,
  },
  {
    name: 'report_commune_daily_insert',
    event: 'AFTER INSERT',
    table: 'report_daily',
    body: ROLLUP_UPSERT('NEW', 'NEW.n'),
  },
  {
    name: 'report_commune_daily_update',
    event: 'AFTER UPDATE',
    table: 'report_daily',
    body: ROLLUP_UPSERT('OLD', '-OLD.n') + ROLLUP_UPSERT('NEW', 'NEW.n'),
  },
  {
    name: 'report_commune_daily_delete',
    event: 'AFTER DELETE',
    table: 'report_daily',
    body: ROLLUP_UPSERT('OLD', '-OLD.n'),
  },
];

const SQL = `
-- A stored time as UTC: with a zone (Z, +07:00) converted, without one read as UTC (SQLite's date() does the same).
CREATE FUNCTION report_utc(at text) RETURNS timestamp LANGUAGE sql STABLE AS $fn$
  SELECT CASE WHEN at ~ '[T ][0-9:.]+([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$' THEN at::timestamptz AT TIME ZONE 'UTC'
              ELSE at::timestamp END
$fn$;
-- The local day (Asia/Ho_Chi_Minh, UTC+7 all year) as 'YYYY-MM-DD'.
CREATE FUNCTION report_local_day(at text) RETURNS text LANGUAGE sql STABLE AS $fn$
  SELECT to_char(report_utc(at) + interval '7 hours', 'YYYY-MM-DD')
$fn$;
-- The Monday of that local day.
CREATE FUNCTION report_local_week(at text) RETURNS text LANGUAGE sql STABLE AS $fn$
  SELECT to_char(d - (extract(isodow FROM d)::int - 1), 'YYYY-MM-DD')
    FROM (SELECT (report_utc(at) + interval '7 hours')::date AS d) AS local
$fn$;
${TRIGGERS.map(trigger).join('')}`;
