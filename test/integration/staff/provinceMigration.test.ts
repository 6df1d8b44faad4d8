/**
 * SQLite migration 021 widens staff_accounts' role CHECK to 'province' by a
 * table rebuild: every account, and every row that points at one (sessions,
 * set-up tokens, chat codes and links), must come through it, because a
 * rebuild under foreign keys would otherwise cascade them away.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureCommune, migrate, openDatabase } from '../../../src/storage/sqlite/db.js';
import { MIGRATIONS } from '../../../src/storage/sqlite/migrations/index.js';
import { tempDir } from '../../helpers.js';

const AT = '2026-12-01T00:00:00.000Z';
const LATER = '2026-12-31T00:00:00.000Z';

describe('migration 021 (province role)', () => {
  it('keeps accounts, sessions, tokens and chat links, and accepts a province account without a hamlet', () => {
    const dir = tempDir();
    try {
      const path = join(dir.dir, 'old.db');
      const old = openDatabase(
        path,
        MIGRATIONS.filter((m) => m.version < 21),
      );
      ensureCommune(old, 'hung-chau');
      const account = old.prepare(
        `INSERT INTO staff_accounts (commune_id, id, name, role, hamlet_id, password_hash, created_at)
         VALUES ('hung-chau', ?, ?, ?, ?, 'hash', ?)`,
      );
      account.run('admin', 'Quản Trị', 'admin', null, AT);
      account.run('xom1', 'Tổ Xóm Một', 'hamlet', 'xom-1', AT);
      expect(() => account.run('tinh', 'Sở', 'province', null, AT)).toThrow(/CHECK/);
      old
        .prepare(
          `INSERT INTO staff_sessions (commune_id, id_hash, account_id, created_at, expires_at, last_seen_at)
           VALUES ('hung-chau', 's1', 'admin', ?, ?, ?)`,
        )
        .run(AT, LATER, AT);
      old
        .prepare(
          `INSERT INTO staff_setup_tokens (commune_id, token_hash, account_id, created_at, expires_at)
           VALUES ('hung-chau', 't1', 'xom1', ?, ?)`,
        )
        .run(AT, LATER);
      old
        .prepare(
          `INSERT INTO staff_chat_codes (commune_id, code_hash, staff_id, created_at, expires_at)
           VALUES ('hung-chau', 'c1', 'xom1', ?, ?)`,
        )
        .run(AT, LATER);
      old
        .prepare(
          `INSERT INTO staff_chat_links (commune_id, staff_id, channel, user_id, linked_at)
           VALUES ('hung-chau', 'admin', 'telegram', '42', ?)`,
        )
        .run(AT);
      old.close();

      const db = openDatabase(path);
      try {
        expect(migrate(db, MIGRATIONS)).toBe(0);
        expect(db.prepare('SELECT id, role, hamlet_id AS hamlet FROM staff_accounts ORDER BY id').all()).toEqual([
          { id: 'admin', role: 'admin', hamlet: null },
          { id: 'xom1', role: 'hamlet', hamlet: 'xom-1' },
        ]);
        const count = (table: string): number =>
          (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
        expect(['staff_sessions', 'staff_setup_tokens', 'staff_chat_codes', 'staff_chat_links'].map(count)).toEqual([
          1, 1, 1, 1,
        ]);
        expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
        expect(db.prepare("SELECT name FROM sqlite_temp_master WHERE name LIKE 'keep_%'").all()).toEqual([]);

        const add = db.prepare(
          `INSERT INTO staff_accounts (commune_id, id, name, role, hamlet_id, created_at)
           VALUES ('hung-chau', ?, 'Sở', 'province', ?, ?)`,
        );
        add.run('tinh', null, AT);
        expect(() => add.run('tinh2', 'xom-1', AT)).toThrow(/CHECK/);
        expect(() =>
          db
            .prepare(
              `INSERT INTO staff_accounts (commune_id, id, name, role, created_at)
               VALUES ('hung-chau', 'x', 'X', 'root', ?)`,
            )
            .run(AT),
        ).toThrow(/CHECK/);
        // The children still cascade from the rebuilt table.
        db.prepare("DELETE FROM staff_accounts WHERE id = 'admin'").run();
        expect(count('staff_sessions')).toBe(0);
        expect(count('staff_chat_links')).toBe(0);
      } finally {
        db.close();
      }
    } finally {
      dir.cleanup();
    }
  });
});
