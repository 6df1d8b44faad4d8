import type { Migration } from './index.js';

/**
 * The staff console's accounts and its front door. Passwords are stored only
 * as scrypt hashes; set-up tokens and session ids only as SHA-256 hashes, so
 * a copy of the database signs nobody in. Sessions live on the server, so
 * logging out or disabling an account ends them at once. Failed logins are
 * kept per account name and per network address to slow guessing, and every
 * sign-in and change is written to `staff_audit`.
 */
export const m011Staff: Migration = {
  version: 11,
  name: 'staff',
  sql: `
CREATE TABLE staff_accounts (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'hamlet')),
  hamlet_id TEXT,
  password_hash TEXT,
  created_at TEXT NOT NULL,
  disabled_at TEXT,
  PRIMARY KEY (commune_id, id),
  CHECK ((role = 'hamlet') = (hamlet_id IS NOT NULL))
);

CREATE TABLE staff_setup_tokens (
  commune_id TEXT NOT NULL,
  token_hash TEXT NOT NULL PRIMARY KEY,
  account_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  FOREIGN KEY (commune_id, account_id) REFERENCES staff_accounts(commune_id, id) ON DELETE CASCADE
);
CREATE INDEX staff_setup_tokens_by_account ON staff_setup_tokens (commune_id, account_id);

CREATE TABLE staff_sessions (
  commune_id TEXT NOT NULL,
  id_hash TEXT NOT NULL PRIMARY KEY,
  account_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  FOREIGN KEY (commune_id, account_id) REFERENCES staff_accounts(commune_id, id) ON DELETE CASCADE
);
CREATE INDEX staff_sessions_by_account ON staff_sessions (commune_id, account_id);
CREATE INDEX staff_sessions_by_expiry ON staff_sessions (expires_at);

CREATE TABLE staff_login_failures (
  commune_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('account', 'network')),
  key TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX staff_login_failures_by_key ON staff_login_failures (commune_id, kind, key, at);
CREATE INDEX staff_login_failures_by_time ON staff_login_failures (at);

CREATE TABLE staff_audit (
  id INTEGER PRIMARY KEY,
  commune_id TEXT NOT NULL,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  details_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX staff_audit_by_time ON staff_audit (commune_id, id);
`,
};
