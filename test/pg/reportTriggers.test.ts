/**
 * The report triggers translated to PL/pgSQL (migration 019b) keep the same
 * tables as SQLite's (migrations 014 and 019): one history of writes is
 * replayed, step by step, on a SQLite file and on PostgreSQL (as the app
 * role, inside withCommune), through the same Kysely queries, and after every
 * step report_daily, report_commune_daily and report_attempts must hold the
 * same rows. The history covers what the triggers follow: attempts finished on
 * insert and on update, local days around midnight UTC+7 and across a Monday,
 * times written with Z, with an offset and with no zone, passes moved by a
 * merge, a citizen changing hamlet (and a change only in spaces), an attempt
 * changing quiz, retention deleting an attempt, a citizen deleted with
 * cascades, and an attempt abandoned after finishing.
 */
import { join } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/sqlite/db.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { tempDir } from '../helpers.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const C = 'hung-chau';
const T0 = '2026-10-01T00:00:00.000Z';

type Step = (db: Kysely<Database>) => Promise<unknown>;

const attempt = (id: string, citizen: string, quiz: string) => ({
  commune_id: C,
  id,
  citizen_id: citizen,
  quiz_id: quiz,
  quiz_version: 'v1',
  current: 5,
  correct: 4,
  order_json: '[]',
  answers_json: '[]',
  started_at: T0,
  updated_at: T0,
});

const pass = (citizen: string, quiz: string, at: string) => ({
  commune_id: C,
  citizen_id: citizen,
  quiz_id: quiz,
  attempt_id: `${citizen}-${quiz}`,
  score: 0.8,
  passed_at: at,
});

const citizen = (id: string, hamlet: string | null, group: string | null) => ({
  commune_id: C,
  id,
  hamlet,
  target_group: group,
  created_at: T0,
  updated_at: T0,
});

const HISTORY: readonly [string, Step][] = [
  [
    'citizens registered',
    (db) =>
      db
        .insertInto('citizens')
        .values([citizen('c1', 'xom-1', 'cao-tuoi'), citizen('c2', ' xom-2 ', null), citizen('c3', null, 'hoc-sinh')])
        .execute(),
  ],
  [
    'attempts inserted finished (01:30 local on a Saturday; 23:59:59 local on a Sunday) and one active',
    (db) =>
      db
        .insertInto('quiz_attempts')
        .values([
          {
            ...attempt('a1', 'c1', 'q1'),
            status: 'finished',
            passed: 1,
            score: 0.8,
            finished_at: '2026-10-09T18:30:00.000Z',
          },
          {
            ...attempt('a2', 'c2', 'q1'),
            status: 'finished',
            passed: 0,
            score: 0.2,
            finished_at: '2026-10-11T16:59:59.999Z',
          },
          { ...attempt('a3', 'c1', 'q2'), status: 'active' },
        ])
        .execute(),
  ],
  [
    'an active attempt finished at local midnight starting a Monday',
    (db) =>
      db
        .updateTable('quiz_attempts')
        .set({ status: 'finished', passed: 1, score: 1, finished_at: '2026-10-11T17:00:00.000Z' })
        .where('id', '=', 'a3')
        .execute(),
  ],
  [
    'passes written with Z, with no zone and with an offset',
    (db) =>
      db
        .insertInto('quiz_passes')
        .values([
          pass('c1', 'q1', '2026-10-09T18:30:00.000Z'),
          pass('c1', 'q2', '2026-10-11T17:00:00.000Z'),
          pass('c2', 'q1', '2026-10-12 03:00:00'),
          pass('c3', 'q1', '2026-10-12T23:30:00+07:00'),
        ])
        .execute(),
  ],
  [
    'the programme completed',
    (db) =>
      db
        .insertInto('programme_completions')
        .values({ commune_id: C, citizen_id: 'c1', completed_at: '2026-10-11T17:00:00.000Z' })
        .execute(),
  ],
  [
    'a merge moves a pass to an earlier date',
    (db) =>
      db
        .updateTable('quiz_passes')
        .set({ passed_at: '2026-10-05T00:00:00.000Z' })
        .where('citizen_id', '=', 'c2')
        .execute(),
  ],
  [
    'a citizen moves to another hamlet',
    (db) => db.updateTable('citizens').set({ hamlet: 'xom-3' }).where('id', '=', 'c1').execute(),
  ],
  [
    'a hamlet rewritten without its spaces, a group set to what it was',
    (db) => db.updateTable('citizens').set({ hamlet: 'xom-2', target_group: null }).where('id', '=', 'c2').execute(),
  ],
  [
    'a finished attempt changes quiz',
    (db) => db.updateTable('quiz_attempts').set({ quiz_id: 'q3' }).where('id', '=', 'a2').execute(),
  ],
  ['retention deletes a finished attempt', (db) => db.deleteFrom('quiz_attempts').where('id', '=', 'a1').execute()],
  ['a citizen is deleted (cascades)', (db) => db.deleteFrom('citizens').where('id', '=', 'c2').execute()],
  [
    'a finished attempt is abandoned',
    (db) => db.updateTable('quiz_attempts').set({ status: 'abandoned' }).where('id', '=', 'a3').execute(),
  ],
];

interface ReportTables {
  readonly daily: readonly unknown[];
  readonly communeDaily: readonly unknown[];
  readonly attempts: readonly unknown[];
}

async function reportTables(db: Kysely<Database>): Promise<ReportTables> {
  return {
    daily: await db
      .selectFrom('report_daily')
      .selectAll()
      .orderBy('kind')
      .orderBy('day')
      .orderBy('hamlet')
      .orderBy('target_group')
      .orderBy('quiz_id')
      .execute(),
    communeDaily: await db
      .selectFrom('report_commune_daily')
      .selectAll()
      .orderBy('kind')
      .orderBy('day')
      .orderBy('quiz_id')
      .execute(),
    attempts: await db.selectFrom('report_attempts').selectAll().orderBy('attempt_id').execute(),
  };
}

describe('report triggers: PostgreSQL keeps the same report tables as SQLite', () => {
  let t: TestDatabase;
  let pg: Kysely<Database>;
  let lite: Kysely<Database>;
  let cleanup: () => void;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    pg = connect<Database>(t.appUrl);
    const dir = tempDir();
    cleanup = dir.cleanup;
    lite = new Kysely<Database>({ dialect: new SqliteDialect({ database: openDatabase(join(dir.dir, 'r.db')) }) });
  });
  afterAll(async () => {
    await lite?.destroy();
    cleanup?.();
    await pg?.destroy();
    await t?.drop();
  });

  it('after every step of one history', async () => {
    const most = { daily: 0, communeDaily: 0, attempts: 0 };
    for (const [what, step] of HISTORY) {
      await step(lite);
      await withCommune(pg, C, step);
      const expected = await reportTables(lite);
      const actual = await withCommune(pg, C, reportTables);
      expect({ step: what, ...actual }).toEqual({ step: what, ...expected });
      for (const k of ['daily', 'communeDaily', 'attempts'] as const) most[k] = Math.max(most[k], expected[k].length);
    }
    // The history did fill every table at some step (an empty comparison proves nothing).
    expect(most.daily).toBeGreaterThan(5);
    expect(most.communeDaily).toBeGreaterThan(3);
    expect(most.attempts).toBe(3);
  });
});
