/**
 * The per-turn write scope on a real SQLite file, watched from a second
 * connection (as the CLI would see it): writes in a scope land together when
 * the loop turn ends (turns of one loop turn share the commit), each turn
 * resolves only after its commit, and nothing stays uncommitted past the
 * event-loop turn that wrote it, even while its turn waits.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keepStatements, openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { WriteScope } from '../../src/storage/sqlite/writeScope.js';
import { tempDir } from '../helpers.js';

describe('WriteScope', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  let other: Database.Database;
  let scope: WriteScope;
  const seen = (): number => (other.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
  const write = (v: number): void => {
    db.prepare('INSERT INTO t (v) VALUES (?)').run(v);
  };

  beforeEach(() => {
    tmp = tempDir('hocvuso-scope-');
    const path = join(tmp.dir, 'scope.db');
    db = openDatabase(path, []);
    db.exec('CREATE TABLE t (v INTEGER)');
    other = keepStatements(new Database(path, { readonly: true }));
    scope = new WriteScope(db);
  });
  afterEach(() => {
    other.close();
    if (db.open) db.close();
    tmp.cleanup();
  });

  it('commits a turn’s writes together, and answers only after the commit', async () => {
    const result = await scope.run(() => {
      write(1);
      write(2);
      expect(db.inTransaction).toBe(true);
      expect(seen()).toBe(0);
      return Promise.resolve('done');
    });
    expect(result).toBe('done');
    expect(db.inTransaction).toBe(false);
    expect(seen()).toBe(2);
  });

  it('puts turns of the same loop turn in one commit', async () => {
    const commits: number[] = [];
    const turns = [1, 2, 3].map((v) =>
      scope.run(() => {
        write(v);
        commits.push(seen());
        return Promise.resolve(v);
      }),
    );
    expect(await Promise.all(turns)).toEqual([1, 2, 3]);
    // None of the three saw another's rows committed while the group was open; all are there after.
    expect(commits).toEqual([0, 0, 0]);
    expect(seen()).toBe(3);
  });

  it('never keeps a transaction past the loop turn: a waiting turn’s first writes are committed meanwhile', async () => {
    const running = scope.run(async () => {
      write(1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(db.inTransaction).toBe(false);
      expect(seen()).toBe(1);
      write(2);
      return 'late';
    });
    expect(await running).toBe('late');
    expect(seen()).toBe(2);
  });

  it('settled() waits for the open group and is immediate when nothing is open', async () => {
    await expect(scope.settled()).resolves.toBeUndefined();
    scope.join();
    write(5);
    const waiting = scope.settled();
    expect(seen()).toBe(0);
    await waiting;
    expect(seen()).toBe(1);
  });

  it('leaves a transaction someone else opened alone', async () => {
    db.exec('BEGIN');
    scope.join();
    write(1);
    await scope.settled();
    expect(db.inTransaction).toBe(true);
    db.exec('COMMIT');
    expect(seen()).toBe(1);
  });

  it('commits what is open before the database closes', () => {
    scope.join();
    write(7);
    scope.commit();
    db.close();
    expect(seen()).toBe(1);
  });
});
