import type { Migration } from './index.js';

/**
 * Knowledge index (chunks are owned by the file that produced them, `owner_ref`, and
 * attributed to the document they help answer, `doc_ref`: a FAQ file's entries
 * are indexed under the document each entry cites),  FAQ entries, conversation state and the log of unanswered questions. */
export const m001Initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE communes (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL
);
INSERT INTO communes (id, name) VALUES ('hung-chau', 'Xã Hùng Châu');

CREATE TABLE meta (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (commune_id, key)
);

CREATE TABLE documents (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  ref TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('doc', 'faq')),
  title TEXT NOT NULL,
  url TEXT,
  hash TEXT NOT NULL,
  meta_json TEXT NOT NULL DEFAULT '{}',
  indexed_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, ref)
);

CREATE TABLE chunks (
  id INTEGER PRIMARY KEY,
  commune_id TEXT NOT NULL,
  owner_ref TEXT NOT NULL,
  doc_ref TEXT NOT NULL,
  ord INTEGER NOT NULL,
  heading TEXT NOT NULL,
  text TEXT NOT NULL,
  FOREIGN KEY (commune_id, owner_ref) REFERENCES documents(commune_id, ref) ON DELETE CASCADE
);
CREATE INDEX chunks_owner ON chunks (commune_id, owner_ref);
CREATE INDEX chunks_doc ON chunks (commune_id, doc_ref);

CREATE VIRTUAL TABLE chunks_fts USING fts5(
  title, heading, body, commune_id UNINDEXED,
  tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);
CREATE VIRTUAL TABLE chunks_vocab USING fts5vocab(chunks_fts, 'row');

CREATE TABLE faq_entries (
  commune_id TEXT NOT NULL,
  id TEXT NOT NULL,
  file_ref TEXT NOT NULL,
  question TEXT NOT NULL,
  variants_json TEXT NOT NULL,
  answer TEXT NOT NULL,
  source_ref TEXT NOT NULL,
  PRIMARY KEY (commune_id, id),
  FOREIGN KEY (commune_id, file_ref) REFERENCES documents(commune_id, ref) ON DELETE CASCADE
);

CREATE TABLE conversation_state (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  channel TEXT NOT NULL,
  user_id TEXT NOT NULL,
  state_json TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, channel, user_id)
);

CREATE TABLE unanswered_questions (
  id INTEGER PRIMARY KEY,
  commune_id TEXT NOT NULL REFERENCES communes(id),
  channel TEXT NOT NULL,
  question TEXT NOT NULL,
  best_ref TEXT,
  best_score REAL,
  created_at TEXT NOT NULL
);
CREATE INDEX unanswered_by_time ON unanswered_questions (commune_id, created_at);
`,
};
