import type { Migration } from './index.js';

/**
 * Every finished attempt with the hamlet and group of its citizen, kept by
 * triggers, for the progress report's most-failed questions (issue 17) in one
 * hamlet or group: "the latest 2,000 finished attempts of xóm 7" becomes a
 * walk back along an index by finish time, instead of reading every attempt
 * of the hamlet's thousands of citizens and sorting them (bench:report: about
 * 100 ms on a quiet machine, several times that on a busy one).
 *
 * The hamlet and group are copied as the citizen row holds them (NULL when
 * unset, not trimmed), because the view has always compared them exactly.
 * The answers stay in quiz_attempts; the report joins back for the few
 * thousand rows it reads. Only finished attempts whose citizen exists are
 * here, which is what the view's join to citizens kept before.
 *
 * The triggers follow every way those rows change: an attempt finished
 * (inserted finished, or updated to finished), moved to another citizen by a
 * merge, changed or deleted (retention, erasure, a cascading citizen delete),
 * and a citizen whose hamlet or group changed (their attempts move with
 * them, as the view always did).
 *
 * Also `report_commune_daily`: report_daily (migration 014) summed over
 * hamlets and groups, one row per kind × local day × quiz, kept by triggers
 * on report_daily itself (its upserts fire the update trigger), so the
 * whole-commune per-quiz and per-week views read about 2,600 rows instead of
 * 62,000 on a million passes; and an index of report_daily led by the
 * hamlet, for the same views in one hamlet (a thirtieth of the rows).
 *
 * Each table and index here is one more page written when a quiz ends
 * (about 0.1 ms each on the shared machine), so the small tables have no
 * secondary index: a report sorts their few thousand rows instead.
 */
const COPY = (row: 'NEW'): string => `
  INSERT OR REPLACE INTO report_attempts
    (commune_id, attempt_id, citizen_id, hamlet, target_group, quiz_id, quiz_version, finished_at)
  SELECT ${row}.commune_id, ${row}.id, ${row}.citizen_id, c.hamlet, c.target_group, ${row}.quiz_id, ${row}.quiz_version,
         ${row}.finished_at
    FROM citizens c WHERE c.commune_id = ${row}.commune_id AND c.id = ${row}.citizen_id AND ${row}.status = 'finished';`;

const ROLLUP_UPSERT = (row: 'NEW' | 'OLD', n: string): string => `
  INSERT INTO report_commune_daily (commune_id, kind, day, week, quiz_id, n)
  VALUES (${row}.commune_id, ${row}.kind, ${row}.day, ${row}.week, ${row}.quiz_id, ${n})
  ON CONFLICT (commune_id, kind, day, quiz_id) DO UPDATE SET n = n + excluded.n;`;

const FORGET = (row: 'OLD'): string =>
  `DELETE FROM report_attempts WHERE commune_id = ${row}.commune_id AND attempt_id = ${row}.id;`;

export const m019ReportAttempts: Migration = {
  version: 19,
  name: 'report_attempts',
  sql: `
CREATE TABLE report_attempts (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  attempt_id TEXT NOT NULL,
  citizen_id TEXT NOT NULL,
  hamlet TEXT,
  target_group TEXT,
  quiz_id TEXT NOT NULL,
  quiz_version TEXT NOT NULL,
  finished_at TEXT,
  PRIMARY KEY (commune_id, attempt_id)
) WITHOUT ROWID;

INSERT INTO report_attempts (commune_id, attempt_id, citizen_id, hamlet, target_group, quiz_id, quiz_version, finished_at)
  SELECT a.commune_id, a.id, a.citizen_id, c.hamlet, c.target_group, a.quiz_id, a.quiz_version, a.finished_at
    FROM quiz_attempts a JOIN citizens c ON c.commune_id = a.commune_id AND c.id = a.citizen_id
   WHERE a.status = 'finished';

-- Newest first within a hamlet (its group alongside, for a hamlet and group asked together) or a group;
-- covering, so the version check needs no table read. Every index here is one more page written when a
-- quiz ends, so there are no more than the report needs.
CREATE INDEX report_attempts_by_hamlet
  ON report_attempts (commune_id, hamlet, finished_at, target_group, quiz_id, quiz_version);
CREATE INDEX report_attempts_by_group ON report_attempts (commune_id, target_group, finished_at, quiz_id, quiz_version);

CREATE TRIGGER report_attempts_insert AFTER INSERT ON quiz_attempts WHEN NEW.status = 'finished'
BEGIN ${COPY('NEW')} END;
CREATE TRIGGER report_attempts_update
  AFTER UPDATE OF commune_id, id, citizen_id, quiz_id, quiz_version, status, finished_at ON quiz_attempts
  WHEN OLD.status = 'finished' OR NEW.status = 'finished'
BEGIN ${FORGET('OLD')} ${COPY('NEW')} END;
CREATE TRIGGER report_attempts_delete AFTER DELETE ON quiz_attempts WHEN OLD.status = 'finished'
BEGIN ${FORGET('OLD')} END;
-- A citizen's finished attempts are found through quiz_attempts' own index by citizen. A deleted
-- citizen's attempts go by the cascade, which fires report_attempts_delete.
CREATE TRIGGER report_attempts_citizen_moved AFTER UPDATE OF hamlet, target_group ON citizens
  WHEN OLD.hamlet IS NOT NEW.hamlet OR OLD.target_group IS NOT NEW.target_group
BEGIN
  UPDATE report_attempts SET hamlet = NEW.hamlet, target_group = NEW.target_group
   WHERE commune_id = NEW.commune_id
     AND attempt_id IN (SELECT id FROM quiz_attempts WHERE commune_id = NEW.commune_id AND citizen_id = NEW.id);
END;

CREATE TABLE report_commune_daily (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  kind TEXT NOT NULL,
  day TEXT NOT NULL,
  week TEXT NOT NULL,
  quiz_id TEXT NOT NULL DEFAULT '',
  n INTEGER NOT NULL,
  PRIMARY KEY (commune_id, kind, day, quiz_id)
) WITHOUT ROWID;
INSERT INTO report_commune_daily (commune_id, kind, day, week, quiz_id, n)
  SELECT commune_id, kind, day, week, quiz_id, SUM(n) FROM report_daily GROUP BY commune_id, kind, day, quiz_id;
CREATE TRIGGER report_commune_daily_insert AFTER INSERT ON report_daily BEGIN ${ROLLUP_UPSERT('NEW', 'NEW.n')} END;
CREATE TRIGGER report_commune_daily_update AFTER UPDATE ON report_daily
BEGIN ${ROLLUP_UPSERT('OLD', '-OLD.n')} ${ROLLUP_UPSERT('NEW', 'NEW.n')} END;
CREATE TRIGGER report_commune_daily_delete AFTER DELETE ON report_daily BEGIN ${ROLLUP_UPSERT('OLD', '-OLD.n')} END;

CREATE INDEX report_daily_by_hamlet ON report_daily (commune_id, kind, hamlet, day, quiz_id, week, target_group, n);
`,
};
