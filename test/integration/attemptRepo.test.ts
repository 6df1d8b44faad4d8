/**
 * Quiz attempts and completion records: the AttemptRepo contract
 * (test/contracts, also run on PostgreSQL in test/pg/attemptRepo.test.ts)
 * against the SQLite repo and the memory fake. Then what only the file can
 * show: data surviving a reopen, the upgrade of a database created before
 * these tables existed, and the answer throughput.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/core/quiz/types.js';
import { MemoryAttemptRepo, MemoryCitizenRepo, MemoryRegistryStore } from '../../src/storage/memory/index.js';
import { SqliteAttemptRepo } from '../../src/storage/sqlite/attemptRepo.js';
import { SqliteCitizenRepo } from '../../src/storage/sqlite/citizenRepo.js';
import { SqliteConversationRepo } from '../../src/storage/sqlite/conversationRepo.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { m001Initial } from '../../src/storage/sqlite/migrations/001_initial.js';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations/index.js';
import {
  answered,
  at,
  describeAttemptRepoContract,
  finished,
  fresh,
  iso,
  play,
  T0,
  type AttemptSubject,
} from '../contracts/attemptRepo.contract.js';
import { tempDir } from '../helpers.js';

const COMMUNE = 'hung-chau';

function makeSqlite(): AttemptSubject {
  const tmp = tempDir('hocvuso-attempts-');
  const db = openDatabase(join(tmp.dir, 'hocvuso.db'));
  return {
    citizens: new SqliteCitizenRepo(db, COMMUNE),
    attempts: new SqliteAttemptRepo(db, COMMUNE),
    records: () => ({ passes: count(db, 'quiz_passes'), completions: count(db, 'programme_completions') }),
    close: () => {
      db.close();
      tmp.cleanup();
    },
  };
}

function makeMemory(): AttemptSubject {
  const store = new MemoryRegistryStore();
  return {
    citizens: new MemoryCitizenRepo(store),
    attempts: new MemoryAttemptRepo(store),
    records: () => ({ passes: store.quiz_passes.size, completions: store.programme_completions.size }),
    close: () => undefined,
  };
}

const count = (db: Db, table: string): number =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

describeAttemptRepoContract('sqlite', makeSqlite);
describeAttemptRepoContract('memory', makeMemory);

describe('SQLite attempts on the file', () => {
  let tmp: { dir: string; cleanup: () => void } | undefined;
  const dbs: Db[] = [];
  const openFile = (name = 'hocvuso.db', migrations = MIGRATIONS): Db => {
    tmp ??= tempDir('hocvuso-attempts-file-');
    const db = openDatabase(join(tmp.dir, name), migrations);
    dbs.push(db);
    return db;
  };
  afterEach(() => {
    for (const db of dbs.splice(0)) if (db.open) db.close();
    tmp?.cleanup();
    tmp = undefined;
  });

  it('keeps citizens, identities, attempts, passes and completions across closing and reopening', async () => {
    const first = openFile();
    const citizens = new SqliteCitizenRepo(first, COMMUNE);
    const attempts = new SqliteAttemptRepo(first, COMMUNE);
    citizens.ensure({ channel: 'zalo', userId: 'z1' }, 'cit-1', T0);
    citizens.update('cit-1', { consent: 'given', profile: { hamlet: 'xom-3', group: 'nguoi-lon' } }, at(1));
    citizens.createLinkCode('cit-1', '135790', at(60));
    const done = await play(attempts, fresh('att-1', 'cit-1'), [true, true, true], 10, ['q1']);
    attempts.start(fresh('att-2', 'cit-1', 'q2'));
    const citizenBefore = citizens.get('cit-1');
    first.close();

    const again = openFile();
    const citizens2 = new SqliteCitizenRepo(again, COMMUNE);
    const attempts2 = new SqliteAttemptRepo(again, COMMUNE);
    expect(citizens2.findByIdentity({ channel: 'zalo', userId: 'z1' })).toEqual(citizenBefore);
    expect(citizens2.get('cit-1')?.profile).toEqual({ hamlet: 'xom-3', group: 'nguoi-lon' });
    expect(attempts2.get('att-1')).toEqual(done);
    expect(attempts2.active('cit-1')).toEqual(fresh('att-2', 'cit-1', 'q2'));
    expect(attempts2.results('cit-1')).toEqual([{ quizId: 'q1', attempts: 1, bestScore: 1, firstPassedAt: iso(10) }]);
    expect(attempts2.programmeCompletedAt('cit-1')).toBe(iso(10));
    expect(citizens2.redeemLinkCode('135790', { channel: 'web', userId: 'w1' }, at(2))).toMatchObject({ ok: true });
  });

  it('upgrades a database that only had migration 001, keeping its rows', () => {
    const v1 = openFile('old.db', [m001Initial]);
    new SqliteConversationRepo(v1, COMMUNE).set({ channel: 'telegram', userId: 't1' }, { unsureStreak: 2 }, T0);
    expect(v1.prepare("SELECT name FROM sqlite_master WHERE name = 'citizens'").get()).toBeUndefined();
    v1.close();

    const v2 = openFile('old.db');
    expect(v2.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(
      [...MIGRATIONS].sort((a, b) => a.version - b.version).map(({ version, name }) => ({ version, name })),
    );
    expect(new SqliteConversationRepo(v2, COMMUNE).get({ channel: 'telegram', userId: 't1' })).toEqual({
      unsureStreak: 2,
    });
    const citizens = new SqliteCitizenRepo(v2, COMMUNE);
    const attempts = new SqliteAttemptRepo(v2, COMMUNE);
    citizens.ensure({ channel: 'telegram', userId: 't1' }, 'cit-1', T0);
    expect(attempts.start(fresh('att-1', 'cit-1'))).toBe(true);
    const indexes = (
      v2.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'quiz_%'").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['quiz_attempts_one_active', 'quiz_passes_by_quiz']));
  });

  it('lets the unique index, not the process, decide: two connections cannot both start an attempt', () => {
    const one = openFile('shared.db');
    const two = openFile('shared.db');
    new SqliteCitizenRepo(one, COMMUNE).ensure({ channel: 'web', userId: 'w' }, 'cit-1', T0);
    expect(new SqliteAttemptRepo(one, COMMUNE).start(fresh('att-1', 'cit-1'))).toBe(true);
    expect(new SqliteAttemptRepo(two, COMMUNE).start(fresh('att-2', 'cit-1'))).toBe(false);
    // A duplicate id is a bug, not a second attempt: it throws.
    expect(() =>
      new SqliteAttemptRepo(two, COMMUNE).start({ ...fresh('att-1', 'cit-1'), status: 'abandoned' }),
    ).toThrow(/UNIQUE|PRIMARY/);
  });

  it('commits thousands of answers a second', () => {
    const db = openFile();
    const citizens = new SqliteCitizenRepo(db, COMMUNE);
    const attempts = new SqliteAttemptRepo(db, COMMUNE);
    const learners = 200;
    const perLearner = 10;
    const order = Array.from({ length: perLearner }, () => [0, 1, 2, 3]);
    const states: Attempt[] = [];
    for (let i = 0; i < learners; i++) {
      citizens.ensure({ channel: 'telegram', userId: `u${i}` }, `cit-${i}`, T0);
      const a: Attempt = { ...fresh(`att-${i}`, `cit-${i}`), order };
      attempts.start(a);
      states.push(a);
    }
    const started = performance.now();
    for (let q = 0; q < perLearner; q++) {
      for (let i = 0; i < learners; i++) {
        const a = states[i]!;
        const next = answered(a, q % 4, true);
        const last = q === perLearner - 1;
        const [done, completion] = last ? finished(next, 10, 0.6, ['q1']) : [next, undefined];
        expect(attempts.commit(done, a.current, completion)).toBe(true);
        states[i] = done;
      }
    }
    const perSecond = (learners * perLearner) / ((performance.now() - started) / 1000);
    expect(perSecond).toBeGreaterThan(1000);
    expect(count(db, 'quiz_passes')).toBe(learners);
    expect(count(db, 'programme_completions')).toBe(learners);
  });
});
