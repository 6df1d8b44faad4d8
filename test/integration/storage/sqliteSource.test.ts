/**
 * The SQLite side of `cli migrate-to-pg`: keyset pages give every row exactly
 * once, by rowid for ordinary tables (a table without a primary key and with
 * equal rows too) and by the whole primary key for WITHOUT ROWID tables; and
 * every read sees one snapshot, so rows another connection writes meanwhile
 * are neither counted nor copied.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepStatements, openDatabase, type Db } from '../../../src/storage/sqlite/db.js';
import {
  SqliteSource,
  type PageCursor,
  type SqliteRow,
  type SqliteTable,
} from '../../../src/storage/pg/sqliteSource.js';
import { tempDir } from '../../helpers.js';

function allPages(source: SqliteSource, table: SqliteTable, limit: number): SqliteRow[][] {
  const pages: SqliteRow[][] = [];
  let cursor: PageCursor | undefined;
  do {
    const page = source.page(table, table.columns, cursor, limit);
    pages.push(page.rows);
    cursor = page.next;
  } while (cursor !== undefined);
  return pages;
}

describe('SqliteSource', () => {
  let tmp: { dir: string; cleanup: () => void };
  let file: string;
  let db: Db;

  beforeAll(() => {
    tmp = tempDir('hocvuso-source-');
    file = join(tmp.dir, 'source.db');
    db = openDatabase(file);
    const attempt = db.prepare(
      `INSERT INTO report_attempts (commune_id, attempt_id, citizen_id, hamlet, target_group, quiz_id, quiz_version, finished_at)
       VALUES ('hung-chau', ?, 'c1', 'xom-1', NULL, 'q1', 'v1', '2026-10-10T00:00:00.000Z')`,
    );
    for (const id of ['a5', 'a1', 'a3', 'a2', 'a4', 'a7', 'a6']) attempt.run(id);
    const failure = db.prepare(
      `INSERT INTO staff_login_failures (commune_id, kind, key, at) VALUES ('hung-chau', 'account', 'k', ?)`,
    );
    for (let i = 0; i < 5; i++) failure.run('2026-10-10T00:00:00.000Z'); // five equal rows, no primary key
  });

  afterAll(() => {
    db?.close();
    tmp?.cleanup();
  });

  it("knows each table by its columns and its key, SQLite's own tables left out", () => {
    const tables = new SqliteSource(db).tables();
    expect(tables.get('report_attempts')?.key).toEqual(['commune_id', 'attempt_id']);
    expect(tables.get('staff_login_failures')?.key).toEqual(['rowid']);
    expect(tables.get('staff_login_failures')?.columns).toEqual(['commune_id', 'kind', 'key', 'at']);
    expect([...tables.keys()].some((n) => n.startsWith('sqlite_'))).toBe(false);
  });

  it('pages a WITHOUT ROWID table by its primary key, every row once, in key order', () => {
    const source = new SqliteSource(db);
    const table = source.tables().get('report_attempts') as SqliteTable;
    for (const limit of [1, 2, 3, 7, 50]) {
      const ids = allPages(source, table, limit)
        .flat()
        .map((r) => r.attempt_id);
      expect({ limit, ids }).toEqual({ limit, ids: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'] });
    }
    expect(allPages(source, table, 3).map((p) => p.length)).toEqual([3, 3, 1]);
  });

  it('pages a table without a primary key by rowid, equal rows included, and never returns the rowid', () => {
    const source = new SqliteSource(db);
    const table = source.tables().get('staff_login_failures') as SqliteTable;
    const rows = allPages(source, table, 2).flat();
    expect(rows).toHaveLength(5);
    expect(Object.keys(rows[0] ?? {})).toEqual(['commune_id', 'kind', 'key', 'at']);
  });

  it('reads one snapshot: a row written meanwhile by another connection is neither counted nor paged', () => {
    const source = new SqliteSource(db);
    source.snapshot();
    const other = keepStatements(new Database(file));
    try {
      expect(source.count('staff_login_failures')).toBe(5);
      other
        .prepare(
          `INSERT INTO staff_login_failures (commune_id, kind, key, at) VALUES ('hung-chau', 'network', 'n', 'x')`,
        )
        .run();
      expect(source.count('staff_login_failures')).toBe(5);
      const table = source.tables().get('staff_login_failures') as SqliteTable;
      expect(allPages(source, table, 10).flat()).toHaveLength(5);
    } finally {
      source.release();
      other.close();
    }
    expect(db.inTransaction).toBe(false);
    expect(source.count('staff_login_failures')).toBe(6);
  });
});
