/**
 * The failed-questions view reads report_attempts (migration 019) for a
 * hamlet or group and counts answers in JavaScript (reportMisses.ts). These
 * tests hold it to the computation it replaced: json_each over the latest
 * finished attempts joined to their citizens (`slowMisses`, the former SQL,
 * kept here verbatim in substance), after passes, failures, profile moves,
 * an erasure, a citizen merge and odd stored answers, and hold
 * report_commune_daily to report_daily summed; and they check that the
 * migration fills both from the rows already there.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerKey, QuestionMiss, ReportFilter } from '../../../src/core/stores/reports.js';
import { answerKeys } from '../../../src/reports/progressData.js';
import { ensureCommune, openDatabase, type Db } from '../../../src/storage/sqlite/db.js';
import { MIGRATIONS } from '../../../src/storage/sqlite/migrations/index.js';
import { SqliteReportRepo } from '../../../src/storage/sqlite/reportRepo.js';
import { filterParams } from '../../../src/storage/sqlite/reportSql.js';
import { tempDir } from '../../helpers.js';
import { buildFixture, CORE, takeQuiz, type Fixture } from './progressFixture.js';

/** The view as it was computed before migration 019: everything in SQL, citizens joined for a cohort. */
function slowMisses(db: Db, filter: ReportFilter, keys: readonly AnswerKey[], window: number, limit: number) {
  const cohort = [
    ...(filter.hamletId !== undefined ? ['c.hamlet = :hamlet'] : []),
    ...(filter.groupId !== undefined ? ['c.target_group = :grp'] : []),
  ];
  const finished = `a.commune_id = :commune AND a.status = 'finished'
     AND a.finished_at >= :fromUtc AND a.finished_at < :toUtc
     AND (a.quiz_id, a.quiz_version) IN (SELECT quiz, version FROM versions)`;
  const recent =
    cohort.length === 0
      ? `SELECT a.quiz_id, a.answers_json, a.finished_at FROM quiz_attempts a WHERE ${finished}
          ORDER BY a.finished_at DESC LIMIT :window`
      : `SELECT a.quiz_id, a.answers_json, a.finished_at FROM citizens c
           JOIN quiz_attempts a ON a.commune_id = c.commune_id AND a.citizen_id = c.id
          WHERE c.commune_id = :commune AND ${cohort.join(' AND ')} AND ${finished}
          ORDER BY a.finished_at DESC LIMIT :window`;
  return db
    .prepare(
      `WITH
        versions AS MATERIALIZED (
          SELECT json_extract(k.value, '$.quizId') AS quiz, json_extract(k.value, '$.version') AS version
            FROM json_each(:keys) k),
        answer_key AS MATERIALIZED (
          SELECT json_extract(k.value, '$.quizId') AS quiz, CAST(r.key AS INTEGER) AS idx, r.value AS answer
            FROM json_each(:keys) k, json_each(k.value, '$.answers') r),
        recent AS MATERIALIZED (${recent})
      SELECT r.quiz_id AS quizId, ak.idx AS "index", SUM(j.value <> ak.answer) AS wrong, COUNT(*) AS answered
        FROM recent r, json_each(r.answers_json) j
        JOIN answer_key ak ON ak.quiz = r.quiz_id AND ak.idx = j.key
       GROUP BY 1, 2
      HAVING wrong > 0
       ORDER BY wrong DESC, answered DESC, 1, 2
       LIMIT :limit`,
    )
    .all({
      commune: 'hung-chau',
      ...filterParams(filter),
      keys: JSON.stringify(keys),
      window,
      limit,
    }) as QuestionMiss[];
}

/** report_attempts against what it mirrors: finished attempts with their citizen's profile as stored. */
function mirrorDrift(db: Db): unknown[] {
  return db
    .prepare(
      `SELECT * FROM (
         SELECT a.commune_id, a.id, a.citizen_id, c.hamlet, c.target_group, a.quiz_id, a.quiz_version, a.finished_at
           FROM quiz_attempts a JOIN citizens c ON c.commune_id = a.commune_id AND c.id = a.citizen_id
          WHERE a.status = 'finished'
         EXCEPT
         SELECT commune_id, attempt_id, citizen_id, hamlet, target_group, quiz_id, quiz_version, finished_at
           FROM report_attempts)
       UNION ALL
       SELECT * FROM (
         SELECT commune_id, attempt_id, citizen_id, hamlet, target_group, quiz_id, quiz_version, finished_at
           FROM report_attempts
         EXCEPT
         SELECT a.commune_id, a.id, a.citizen_id, c.hamlet, c.target_group, a.quiz_id, a.quiz_version, a.finished_at
           FROM quiz_attempts a JOIN citizens c ON c.commune_id = a.commune_id AND c.id = a.citizen_id
          WHERE a.status = 'finished')`,
    )
    .all();
}

/** report_commune_daily against report_daily summed over hamlets and groups (rows netting to zero aside). */
function rollupDrift(db: Db): unknown[] {
  const sums = `SELECT commune_id, kind, day, week, quiz_id, SUM(n) AS n FROM report_daily
                 GROUP BY commune_id, kind, day, week, quiz_id HAVING SUM(n) <> 0`;
  const rollup = 'SELECT commune_id, kind, day, week, quiz_id, n FROM report_commune_daily WHERE n <> 0';
  return db
    .prepare(`SELECT * FROM (${sums} EXCEPT ${rollup}) UNION ALL SELECT * FROM (${rollup} EXCEPT ${sums})`)
    .all();
}

const FILTERS: ReportFilter[] = [
  {},
  { hamletId: 'xom-1' },
  { hamletId: 'xom-2' },
  { groupId: 'nguoi-dan' },
  { groupId: 'hoc-sinh-sinh-vien' },
  { hamletId: 'xom-2', groupId: 'hoc-sinh-sinh-vien' },
  { hamletId: 'xom-1', groupId: 'nguoi-dan' },
  { from: '2026-12-02', to: '2026-12-07' },
  { hamletId: 'xom-2', from: '2026-12-01', to: '2026-12-01' },
];

let tmp: ReturnType<typeof tempDir>;
let fx: Fixture;
let repo: SqliteReportRepo;
let keys: AnswerKey[];

/** The fast view equals the slow one for every filter, and the mirror table equals its source. */
function expectSameAsSlow(windows: readonly number[] = [2000], filters: readonly ReportFilter[] = FILTERS): void {
  expect(mirrorDrift(fx.services.db)).toEqual([]);
  expect(rollupDrift(fx.services.db)).toEqual([]);
  for (const filter of filters)
    for (const window of windows)
      expect(repo.questionMisses(filter, keys, window, 20), JSON.stringify({ filter, window })).toEqual(
        slowMisses(fx.services.db, filter, keys, window, 20),
      );
}

beforeAll(async () => {
  tmp = tempDir('hocvuso-recent-');
  fx = await buildFixture(join(tmp.dir, 'hocvuso.db'));
  repo = new SqliteReportRepo(fx.services.db, 'hung-chau');
  keys = answerKeys(fx.services.quizzes.list());
}, 120_000);

afterAll(() => {
  fx?.services.close();
  tmp?.cleanup();
});

describe('failed questions match the former json_each computation', () => {
  it('after passes, failures, profile moves and an erasure (the fixture)', () => {
    expect(repo.questionMisses({}, keys, 2000, 20).length).toBeGreaterThan(0);
    expect(repo.questionMisses({ hamletId: 'xom-2' }, keys, 2000, 20).length).toBeGreaterThan(0);
    expectSameAsSlow();
  });

  it('with the window cutting through attempts of distinct times, in every scope', async () => {
    const minutes = ['00', '05', '10', '15', '20', '25'];
    for (const [i, m] of minutes.entries()) {
      fx.clock.set(`2026-12-10T03:${m}:00.000Z`);
      const who = i % 2 === 0 ? 'chi' : 'an';
      await takeQuiz(fx.services, who, CORE[i % CORE.length] ?? '', i % 3 === 0);
    }
    const later = FILTERS.map((f) => ({ ...f, from: '2026-12-10' }));
    expectSameAsSlow([1, 2, 3, 4, 5, 6, 2000], later);
    const answered = (window: number): number =>
      repo.questionMisses({ from: '2026-12-10' }, keys, window, 20).reduce((n, m) => n + m.answered, 0);
    expect(answered(1)).toBeLessThan(answered(6));
  });

  it('after a resident moves hamlet, is erased, and two citizens merge', async () => {
    fx.clock.set('2026-12-11T02:00:00.000Z');
    fx.services.citizens.update(
      fx.citizenOf('chi'),
      { profile: { hamlet: 'xom-1', group: 'nguoi-dan' } },
      fx.clock.now(),
    );
    expectSameAsSlow();

    await takeQuiz(fx.services, 'giang', 'vneid-co-ban', false);
    fx.services.citizens.update(fx.citizenOf('giang'), { profile: { hamlet: 'xom-2', group: 'khac' } }, fx.clock.now());
    fx.clock.set('2026-12-11T03:00:00.000Z');
    await takeQuiz(fx.services, 'hoa', 'nhan-dien-lua-dao', false);
    fx.services.citizens.update(fx.citizenOf('hoa'), { profile: { hamlet: 'xom-1', group: 'khac' } }, fx.clock.now());
    expectSameAsSlow([2000], [...FILTERS, { hamletId: 'xom-2', groupId: 'khac' }]);

    fx.services.citizens.erase({ channel: 'web', userId: 'giang' });
    expectSameAsSlow([2000], [...FILTERS, { hamletId: 'xom-2', groupId: 'khac' }]);

    fx.services.citizens.createLinkCode(fx.citizenOf('chi'), 'LINK5678', new Date('2026-12-12T00:00:00.000Z'));
    const merged = fx.services.citizens.redeemLinkCode('LINK5678', { channel: 'web', userId: 'hoa' }, fx.clock.now());
    expect(merged.ok).toBe(true);
    expectSameAsSlow([2000], [...FILTERS, { hamletId: 'xom-1', groupId: 'khac' }]);
  });

  it('with odd stored answers: unanswered, true/false, text, nested, too long, not an array', () => {
    const quiz = fx.services.quizzes.get('an-toan-tai-khoan');
    if (!quiz) throw new Error('no quiz');
    const odd = ['[null,true,"1",[1],false,1.0,0,1,2,3,0]', '[0,1]', '{"0":1,"2":0,"x":1}', '5', '[]'];
    const insert = fx.services.db.prepare(
      `INSERT INTO quiz_attempts (commune_id, id, citizen_id, quiz_id, quiz_version, status, current, correct,
                                  order_json, answers_json, started_at, updated_at, finished_at, score, passed)
       VALUES ('hung-chau', ?, ?, ?, ?, 'finished', 0, 0, '[]', ?, ?, ?, ?, 0, 0)`,
    );
    for (const [i, answers] of odd.entries()) {
      const at = `2026-12-13T0${i}:00:00.000Z`;
      insert.run(`odd-${i}`, fx.citizenOf('an'), quiz.id, quiz.version, answers, at, at, at);
    }
    expectSameAsSlow([1, 2, 3, 4, 5, 2000], [{ from: '2026-12-13' }, { hamletId: 'xom-1', from: '2026-12-13' }]);
    expectSameAsSlow();
  });
});

describe('migration 019', () => {
  it('fills report_attempts and report_commune_daily from the rows already recorded', () => {
    const dir = tempDir('hocvuso-m019-');
    try {
      const path = join(dir.dir, 'old.db');
      const old = openDatabase(
        path,
        MIGRATIONS.filter((m) => m.version < 19),
      );
      ensureCommune(old, 'hung-chau');
      const citizen = old.prepare(
        `INSERT INTO citizens (commune_id, id, consent, hamlet, target_group, created_at, updated_at)
         VALUES ('hung-chau', ?, 'given', ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
      );
      const attempt = old.prepare(
        `INSERT INTO quiz_attempts (commune_id, id, citizen_id, quiz_id, quiz_version, status, current, correct,
                                    order_json, answers_json, started_at, updated_at, finished_at, score, passed)
         VALUES ('hung-chau', ?, ?, 'q', 'v1', ?, 0, 0, '[]', '[0]', '2026-01-02T00:00:00.000Z',
                 '2026-01-02T00:00:00.000Z', ?, 0, 0)`,
      );
      citizen.run('c1', 'xom-1', 'nguoi-dan');
      citizen.run('c2', null, null);
      attempt.run('t1', 'c1', 'finished', '2026-01-02T01:00:00.000Z');
      attempt.run('t2', 'c2', 'finished', '2026-01-02T02:00:00.000Z');
      attempt.run('t3', 'c1', 'abandoned', null);
      const pass = old.prepare(
        `INSERT INTO quiz_passes (commune_id, citizen_id, quiz_id, attempt_id, score, passed_at)
         VALUES ('hung-chau', ?, 'q', ?, 1, ?)`,
      );
      pass.run('c1', 't1', '2026-01-02T01:00:00.000Z');
      pass.run('c2', 't2', '2026-01-02T20:00:00.000Z');
      old.close();

      const db = openDatabase(path);
      try {
        expect(db.prepare('SELECT attempt_id, hamlet, target_group FROM report_attempts ORDER BY 1').all()).toEqual([
          { attempt_id: 't1', hamlet: 'xom-1', target_group: 'nguoi-dan' },
          { attempt_id: 't2', hamlet: null, target_group: null },
        ]);
        expect(mirrorDrift(db)).toEqual([]);
        expect(db.prepare('SELECT kind, day, quiz_id, n FROM report_commune_daily ORDER BY 1, 2').all()).toEqual([
          { kind: 'attempt_failed', day: '2026-01-02', quiz_id: 'q', n: 2 },
          { kind: 'pass', day: '2026-01-02', quiz_id: 'q', n: 1 },
          { kind: 'pass', day: '2026-01-03', quiz_id: 'q', n: 1 },
        ]);
        expect(rollupDrift(db)).toEqual([]);
      } finally {
        db.close();
      }
    } finally {
      dir.cleanup();
    }
  });
});
