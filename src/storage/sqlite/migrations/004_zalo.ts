import type { Migration } from './index.js';

/**
 * The Zalo channel's own state: OAuth tokens per app (the refresh token is
 * single-use and rotated on every refresh, so the newest one must survive any
 * crash), the events received (a redelivered msg_id is recognised; an event
 * received but not handled before a crash is handled at the next start), each
 * resident's last interaction (Zalo's free messaging window is counted from
 * it) and the outbox of replies waiting to go out (held when the window is
 * closed, retried after a rate limit). Every table carries `commune_id`.
 * Keyed tables are WITHOUT ROWID and indexes few: each event costs a handful
 * of commits, and on a small VM every B-tree page a commit touches shows in
 * the webhook's throughput.
 */
export const m004Zalo: Migration = {
  version: 4,
  name: 'zalo',
  sql: `
CREATE TABLE zalo_tokens (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  app_id TEXT NOT NULL,
  access_token TEXT,
  refresh_token TEXT,
  expires_at TEXT,
  refreshed_at TEXT,
  -- SHA-256 of the last ZALO_REFRESH_TOKEN stored from the environment, so a used one is not stored again.
  env_seed_hash TEXT,
  last_error TEXT,
  last_error_at TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, app_id)
) WITHOUT ROWID;

CREATE TABLE zalo_events (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  event_key TEXT NOT NULL,
  user_id TEXT NOT NULL,
  -- The event as the channel read it; cleared once handled (it may hold the resident's words).
  event_json TEXT,
  received_at TEXT NOT NULL,
  handled_at TEXT,
  PRIMARY KEY (commune_id, event_key)
);
-- Pruning by age, and the unhandled events read once at start-up, in arrival (rowid) order. A partial
-- index on handled_at would cost two more writes per event, one on the webhook's answer path.
CREATE INDEX zalo_events_by_time ON zalo_events (commune_id, received_at);

CREATE TABLE zalo_residents (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  user_id TEXT NOT NULL,
  last_interaction_at TEXT,
  inactive INTEGER NOT NULL DEFAULT 0 CHECK (inactive IN (0, 1)),
  inactive_reason TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, user_id)
) WITHOUT ROWID;

CREATE TABLE zalo_outbox (
  id INTEGER PRIMARY KEY,
  commune_id TEXT NOT NULL REFERENCES communes(id),
  user_id TEXT NOT NULL,
  -- The rendered message; cleared once sent.
  message_json TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'held', 'sent', 'failed')),
  reason TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  zalo_message_id TEXT
);
CREATE INDEX zalo_outbox_by_user ON zalo_outbox (commune_id, user_id, status, id);
CREATE INDEX zalo_outbox_due ON zalo_outbox (commune_id, status, next_attempt_at);
`,
};
