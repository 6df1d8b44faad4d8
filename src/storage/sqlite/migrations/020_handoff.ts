import type { Migration } from './index.js';

/**
 * Handoff to commune staff (issue 18 item 6).
 *
 * - `handoff_threads`: one resident's conversation on one channel while a
 *   person owns it. At most one open thread per (channel, user): the partial
 *   unique index is what the turn runner reads before every turn, and what
 *   keeps two openings racing from making two. `hamlet_id` is the resident's
 *   hamlet at opening (NULL: the commune queue), which scopes who may read it.
 * - `handoff_messages`: what was said in a thread, in order (the id is the
 *   order and the console's live-feed cursor). A staff reply points at the
 *   outbox row that carries it; `delivery` is copied from that row.
 */
export const m020Handoff: Migration = {
  version: 20,
  name: 'handoff',
  sql: `
CREATE TABLE handoff_threads (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  commune_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  user_id TEXT NOT NULL,
  citizen_id TEXT,
  hamlet_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  reason TEXT NOT NULL CHECK (reason IN ('asked', 'offered')),
  opened_at TEXT NOT NULL,
  closed_at TEXT,
  closed_by TEXT,
  assignee_id TEXT,
  last_at TEXT NOT NULL,
  unread INTEGER NOT NULL DEFAULT 0,
  suspended_quiz TEXT
);
CREATE UNIQUE INDEX handoff_threads_open ON handoff_threads (commune_id, channel, user_id) WHERE status = 'open';
CREATE INDEX handoff_threads_by_user ON handoff_threads (commune_id, channel, user_id);
CREATE INDEX handoff_threads_by_hamlet ON handoff_threads (commune_id, hamlet_id, status, last_at);
CREATE INDEX handoff_threads_by_activity ON handoff_threads (commune_id, status, last_at);
CREATE INDEX handoff_threads_by_citizen ON handoff_threads (commune_id, citizen_id);

CREATE TABLE handoff_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  commune_id TEXT NOT NULL,
  thread_id INTEGER NOT NULL REFERENCES handoff_threads(id) ON DELETE CASCADE,
  author TEXT NOT NULL CHECK (author IN ('resident', 'staff', 'note', 'system')),
  staff_id TEXT,
  text TEXT NOT NULL,
  at TEXT NOT NULL,
  delivery TEXT NOT NULL DEFAULT 'none' CHECK (delivery IN ('none', 'pending', 'held', 'sent', 'failed')),
  outbox_id INTEGER
);
CREATE INDEX handoff_messages_by_thread ON handoff_messages (thread_id, id);
CREATE INDEX handoff_messages_feed ON handoff_messages (commune_id, id);
`,
};
