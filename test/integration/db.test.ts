/**
 * The commune's SQLite file: created with its schema on first start, upgraded
 * in place by later migrations without losing a row, and refused with a clear
 * message (naming the path) when it is not a database at all.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationState } from '../../src/core/ports.js';
import { SqliteConversationRepo } from '../../src/storage/sqlite/conversationRepo.js';
import { DatabaseOpenError, migrate, openDatabase, pingDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { MIGRATIONS, type Migration } from '../../src/storage/sqlite/migrations/index.js';
import { tempDir } from '../helpers.js';

interface MigrationRow {
  version: number;
  name: string;
  applied_at: string;
}

function migrationsOf(db: Db): MigrationRow[] {
  return db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as MigrationRow[];
}

const AT = new Date('2026-12-01T08:00:00.000Z');
const VERSIONS = MIGRATIONS.map((m) => m.version).sort((a, b) => a - b);
/** A version after every real migration, for the test's own extra migration. */
const NEXT = Math.max(...VERSIONS) + 1;
const FIRST_ONLY = MIGRATIONS.filter((m) => m.version === 1);

describe('openDatabase', () => {
  let tmp: { dir: string; cleanup: () => void };
  const open: Db[] = [];
  const track = (db: Db): Db => {
    open.push(db);
    return db;
  };

  beforeEach(() => {
    tmp = tempDir('hocvuso-db-');
  });
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
    tmp.cleanup();
  });

  it('creates the folder and file, runs the migrations and sets the pragmas', () => {
    const path = join(tmp.dir, 'nested', 'deeper', 'hocvuso.db');
    const db = track(openDatabase(path));
    expect(existsSync(path)).toBe(true);
    expect(migrationsOf(db).map((r) => r.version)).toEqual(VERSIONS);
    expect(migrationsOf(db)[0]).toMatchObject({ version: 1, name: 'initial' });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table')").all() as { name: string }[]
    ).map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining(['documents', 'chunks', 'chunks_fts', 'faq_entries', 'conversation_state', 'meta']),
    );
    expect(pingDatabase(db)).toBe(true);
  });

  it('turns secure_delete on, so a deleted row leaves no trace in the file', () => {
    const path = join(tmp.dir, 'hocvuso.db');
    const db = track(openDatabase(path));
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    const marker = `mat-khau-${randomBytes(8).toString('hex')}`;
    db.prepare(
      `INSERT INTO unanswered_questions (commune_id, channel, question, created_at) VALUES ('hung-chau', 'web', ?, ?)`,
    ).run(marker, AT.toISOString());
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(path).includes(marker)).toBe(true);
    db.prepare('DELETE FROM unanswered_questions WHERE question = ?').run(marker);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(path).includes(marker)).toBe(false);
    expect(readFileSync(`${path}-wal`).includes(marker)).toBe(false);
  });

  it('keeps each prepared statement for the connection, and still prepares past the cap', () => {
    const db = track(openDatabase(join(tmp.dir, 'kept.db'), []));
    db.exec('CREATE TABLE t (v INTEGER)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    expect(db.prepare('INSERT INTO t (v) VALUES (?)')).toBe(insert);
    insert.run(1);
    // Past 1,000 distinct statements new ones are prepared each time, and they still work.
    for (let i = 0; i < 1100; i++) expect(db.prepare(`SELECT ${i} AS n`).get()).toEqual({ n: i });
    expect(db.prepare('SELECT 1099 AS n')).not.toBe(db.prepare('SELECT 1099 AS n'));
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
  });

  it('does not re-run migrations on reopen and keeps the data', () => {
    const path = join(tmp.dir, 'hocvuso.db');
    const first = openDatabase(path);
    const applied = migrationsOf(first);
    new SqliteConversationRepo(first, 'hung-chau').set({ channel: 'web', userId: 'u1' }, { unsureStreak: 3 }, AT);
    first.close();

    const again = track(openDatabase(path));
    expect(migrationsOf(again)).toEqual(applied);
    expect(migrate(again, MIGRATIONS)).toBe(0);
    expect(new SqliteConversationRepo(again, 'hung-chau').get({ channel: 'web', userId: 'u1' })).toEqual({
      unsureStreak: 3,
    });
  });

  it('upgrades an existing file with an added migration without losing rows', () => {
    const path = join(tmp.dir, 'hocvuso.db');
    // A file as the first release left it: only migration 1.
    const v1 = openDatabase(path, FIRST_ONLY);
    expect(migrationsOf(v1).map((r) => r.version)).toEqual([1]);
    const repo = new SqliteConversationRepo(v1, 'hung-chau');
    repo.set({ channel: 'web', userId: 'a' }, { unsureStreak: 1 }, AT);
    repo.set({ channel: 'telegram', userId: 'b' }, { unsureStreak: 2 }, AT);
    v1.close();

    const extra: Migration = {
      version: NEXT,
      name: 'notes',
      sql: `ALTER TABLE conversation_state ADD COLUMN note TEXT NOT NULL DEFAULT '';
            CREATE TABLE staff_notes (id INTEGER PRIMARY KEY, commune_id TEXT NOT NULL, body TEXT NOT NULL);`,
    };
    const upgraded = track(openDatabase(path, [...MIGRATIONS, extra]));
    expect(migrationsOf(upgraded).map((r) => r.version)).toEqual([...VERSIONS, NEXT]);
    const rows = upgraded
      .prepare('SELECT channel, user_id AS userId, note FROM conversation_state ORDER BY user_id')
      .all() as { channel: string; userId: string; note: string }[];
    expect(rows).toEqual([
      { channel: 'web', userId: 'a', note: '' },
      { channel: 'telegram', userId: 'b', note: '' },
    ]);
    upgraded.prepare('INSERT INTO staff_notes (commune_id, body) VALUES (?, ?)').run('hung-chau', 'ghi chú');
    const repo2 = new SqliteConversationRepo(upgraded, 'hung-chau');
    expect(repo2.get({ channel: 'telegram', userId: 'b' })).toEqual({ unsureStreak: 2 });
    upgraded.close();

    // Opening the upgraded file again applies nothing new.
    const reopened = track(openDatabase(path, [...MIGRATIONS, extra]));
    expect(migrationsOf(reopened).map((r) => r.version)).toEqual([...VERSIONS, NEXT]);
    expect(migrate(reopened, [...MIGRATIONS, extra])).toBe(0);
    expect(reopened.prepare('SELECT COUNT(*) AS n FROM staff_notes').get()).toEqual({ n: 1 });
  });

  it('rolls a failing migration back as a whole and reports the path', () => {
    const path = join(tmp.dir, 'hocvuso.db');
    openDatabase(path).close();
    const broken: Migration = {
      version: NEXT,
      name: 'broken',
      sql: 'CREATE TABLE half_done (id INTEGER PRIMARY KEY); INSERT INTO no_such_table VALUES (1);',
    };
    expect(() => openDatabase(path, [...MIGRATIONS, broken])).toThrow(DatabaseOpenError);
    const db = track(openDatabase(path));
    expect(migrationsOf(db).map((r) => r.version)).toEqual(VERSIONS);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
  });

  it('refuses a file that is not a database with a DatabaseOpenError naming the path', () => {
    const path = join(tmp.dir, 'corrupt.db');
    writeFileSync(path, randomBytes(8192));
    let caught: unknown;
    try {
      track(openDatabase(path));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DatabaseOpenError);
    const err = caught as DatabaseOpenError;
    expect(err.name).toBe('DatabaseOpenError');
    expect(err.path).toBe(path);
    expect(err.message).toContain(path);
    expect(err.cause).toBeInstanceOf(Error);
  });
});

describe('SqliteConversationRepo', () => {
  let tmp: { dir: string; cleanup: () => void };
  let db: Db;

  beforeEach(() => {
    tmp = tempDir('hocvuso-db-');
    db = openDatabase(join(tmp.dir, 'state.db'));
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('round-trips JSON state per channel and user, and deletes it', () => {
    const repo = new SqliteConversationRepo(db, 'hung-chau');
    const key = { channel: 'web', userId: 'người-dùng-1' } as const;
    const state: ConversationState = {
      offered: [
        { label: 'Hỏi về VNeID', value: 'menu:vneid' },
        { label: 'Câu có "ngoặc" và \\ gạch', value: 'faq:x' },
      ],
      unsureStreak: 2,
      quiz: { attempt: 7, answers: [1, null, 'b'], done: false },
      note: 'Tiếng Việt có dấu 🙏',
    };
    expect(repo.get(key)).toBeUndefined();
    repo.set(key, state, AT);
    expect(repo.get(key)).toEqual(state);
    expect(repo.get({ channel: 'telegram', userId: key.userId })).toBeUndefined();
    expect(repo.get({ channel: 'web', userId: 'someone-else' })).toBeUndefined();

    repo.set(key, { unsureStreak: 0 }, new Date('2026-12-02T00:00:00.000Z'));
    expect(repo.get(key)).toEqual({ unsureStreak: 0 });
    const row = db.prepare('SELECT COUNT(*) AS n, MAX(updated_at) AS at FROM conversation_state').get();
    expect(row).toEqual({ n: 1, at: '2026-12-02T00:00:00.000Z' });

    repo.delete(key);
    expect(repo.get(key)).toBeUndefined();
  });

  it('keeps the state across a reopen of the file', () => {
    const path = join(tmp.dir, 'state.db');
    new SqliteConversationRepo(db, 'hung-chau').set({ channel: 'zalo', userId: 'z' }, { offered: [] }, AT);
    db.close();
    db = openDatabase(path);
    expect(new SqliteConversationRepo(db, 'hung-chau').get({ channel: 'zalo', userId: 'z' })).toEqual({ offered: [] });
  });
});
