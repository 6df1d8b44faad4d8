import type { Migration } from './index.js';

/**
 * Staff accounts linked to their own Telegram or Zalo chat, so the bot can
 * answer `/thongke` to them and to nobody else.
 *
 * - `staff_chat_codes`: the one-time code a signed-in staff member gets in
 *   the console and sends to the bot (`/canbo CODE`). Only its SHA-256 is
 *   kept; it lives 10 minutes, is spent once, and a new one replaces the
 *   account's unused one.
 * - `staff_chat_links`: one chat identity per account and channel, and one
 *   account per chat identity (linking again moves it). A disabled account's
 *   links stay on record but count for nothing (every read joins the account).
 */
export const m018StaffChatLinks: Migration = {
  version: 18,
  name: 'staff_chat_links',
  sql: `
CREATE TABLE staff_chat_codes (
  commune_id TEXT NOT NULL,
  code_hash TEXT NOT NULL PRIMARY KEY,
  staff_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  FOREIGN KEY (commune_id, staff_id) REFERENCES staff_accounts(commune_id, id) ON DELETE CASCADE
);
CREATE INDEX staff_chat_codes_by_staff ON staff_chat_codes (commune_id, staff_id);
CREATE INDEX staff_chat_codes_by_expiry ON staff_chat_codes (expires_at);

CREATE TABLE staff_chat_links (
  commune_id TEXT NOT NULL,
  staff_id TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('telegram', 'zalo')),
  user_id TEXT NOT NULL,
  linked_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, channel, user_id),
  UNIQUE (commune_id, staff_id, channel),
  FOREIGN KEY (commune_id, staff_id) REFERENCES staff_accounts(commune_id, id) ON DELETE CASCADE
);
`,
};
