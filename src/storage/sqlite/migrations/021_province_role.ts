import type { Migration } from './index.js';

/**
 * A province account (issue 20 item 5): a third staff role, `province`, that
 * sees every commune's progress side by side and nothing of any one commune's
 * console. Like an admin it has no hamlet, so the second CHECK of 011 holds
 * unchanged.
 *
 * SQLite cannot alter a CHECK, so the table is rebuilt (new table, copy,
 * drop, rename). Migrations run inside a transaction with foreign keys on,
 * where `PRAGMA foreign_keys = OFF` does nothing; dropping the old table then
 * deletes it row by row and cascades into the four tables that point at an
 * account (set-up tokens, sessions, chat codes, chat links). Their rows are
 * therefore kept aside in temporary tables first and put back once the new
 * table holds every account, so nobody is signed out and no link is lost.
 * staff_accounts has no index besides its primary key and no trigger.
 */
export const m021ProvinceRole: Migration = {
  version: 21,
  name: 'province_role',
  sql: `
CREATE TEMP TABLE keep_staff_setup_tokens AS SELECT * FROM staff_setup_tokens;
CREATE TEMP TABLE keep_staff_sessions AS SELECT * FROM staff_sessions;
CREATE TEMP TABLE keep_staff_chat_codes AS SELECT * FROM staff_chat_codes;
CREATE TEMP TABLE keep_staff_chat_links AS SELECT * FROM staff_chat_links;

CREATE TABLE staff_accounts_021 (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'hamlet', 'province')),
  hamlet_id TEXT,
  password_hash TEXT,
  created_at TEXT NOT NULL,
  disabled_at TEXT,
  PRIMARY KEY (commune_id, id),
  CHECK ((role = 'hamlet') = (hamlet_id IS NOT NULL))
);
INSERT INTO staff_accounts_021 (commune_id, id, name, role, hamlet_id, password_hash, created_at, disabled_at)
  SELECT commune_id, id, name, role, hamlet_id, password_hash, created_at, disabled_at FROM staff_accounts;
DROP TABLE staff_accounts;
ALTER TABLE staff_accounts_021 RENAME TO staff_accounts;

INSERT INTO staff_setup_tokens SELECT * FROM temp.keep_staff_setup_tokens;
INSERT INTO staff_sessions SELECT * FROM temp.keep_staff_sessions;
INSERT INTO staff_chat_codes SELECT * FROM temp.keep_staff_chat_codes;
INSERT INTO staff_chat_links SELECT * FROM temp.keep_staff_chat_links;
DROP TABLE temp.keep_staff_setup_tokens;
DROP TABLE temp.keep_staff_sessions;
DROP TABLE temp.keep_staff_chat_codes;
DROP TABLE temp.keep_staff_chat_links;
`,
};
