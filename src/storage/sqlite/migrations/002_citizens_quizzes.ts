import type { Migration } from './index.js';

/**
 * Citizens (one person across channels), their channel identities and one-time
 * link codes, quiz attempts, and the completion records staff count: the first
 * pass of each quiz and the moment the core programme was completed.
 *
 * Every child table cascades from `citizens`, so deleting a citizen (their
 * right to erase their data) is one statement. At most one attempt per citizen
 * is active, enforced by a partial unique index rather than by the code, so two
 * processes sharing the file cannot both start one. `quiz_passes` keeps only
 * the first pass per quiz: the completion date a report shows never moves.
 */
export const m002CitizensQuizzes: Migration = {
  version: 2,
  name: 'citizens_quizzes',
  sql: `
CREATE TABLE citizens (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  id TEXT NOT NULL,
  consent TEXT NOT NULL DEFAULT 'unasked' CHECK (consent IN ('unasked', 'given', 'declined')),
  display_name TEXT,
  hamlet TEXT,
  target_group TEXT,
  birth_year INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, id)
);
-- Staff reports group citizens by hamlet and target group.
CREATE INDEX citizens_by_hamlet_group ON citizens (commune_id, hamlet, target_group);

CREATE TABLE citizen_identities (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  channel TEXT NOT NULL,
  user_id TEXT NOT NULL,
  citizen_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, channel, user_id),
  FOREIGN KEY (commune_id, citizen_id) REFERENCES citizens(commune_id, id) ON DELETE CASCADE
);
CREATE INDEX citizen_identities_by_citizen ON citizen_identities (commune_id, citizen_id);

CREATE TABLE link_codes (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  code TEXT NOT NULL,
  citizen_id TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  PRIMARY KEY (commune_id, code),
  FOREIGN KEY (commune_id, citizen_id) REFERENCES citizens(commune_id, id) ON DELETE CASCADE
);
CREATE INDEX link_codes_by_citizen ON link_codes (commune_id, citizen_id);

CREATE TABLE quiz_attempts (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  id TEXT NOT NULL,
  citizen_id TEXT NOT NULL,
  quiz_id TEXT NOT NULL,
  quiz_version TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'finished', 'abandoned')),
  current INTEGER NOT NULL,
  correct INTEGER NOT NULL,
  order_json TEXT NOT NULL,
  answers_json TEXT NOT NULL,
  started_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT,
  score REAL,
  passed INTEGER CHECK (passed IN (0, 1)),
  PRIMARY KEY (commune_id, id),
  FOREIGN KEY (commune_id, citizen_id) REFERENCES citizens(commune_id, id) ON DELETE CASCADE
);
-- One active attempt per citizen, whoever tries to start a second one.
CREATE UNIQUE INDEX quiz_attempts_one_active ON quiz_attempts (commune_id, citizen_id) WHERE status = 'active';
CREATE INDEX quiz_attempts_by_citizen ON quiz_attempts (commune_id, citizen_id, quiz_id, status);
CREATE INDEX quiz_attempts_by_quiz ON quiz_attempts (commune_id, quiz_id, status);

CREATE TABLE quiz_passes (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  citizen_id TEXT NOT NULL,
  quiz_id TEXT NOT NULL,
  attempt_id TEXT NOT NULL,
  score REAL NOT NULL,
  passed_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, citizen_id, quiz_id),
  FOREIGN KEY (commune_id, citizen_id) REFERENCES citizens(commune_id, id) ON DELETE CASCADE
);
-- Exports count passes per quiz (joined to citizens for hamlet x group) and by period.
CREATE INDEX quiz_passes_by_quiz ON quiz_passes (commune_id, quiz_id, citizen_id);
CREATE INDEX quiz_passes_by_time ON quiz_passes (commune_id, passed_at);

CREATE TABLE programme_completions (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  citizen_id TEXT NOT NULL,
  completed_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, citizen_id),
  FOREIGN KEY (commune_id, citizen_id) REFERENCES citizens(commune_id, id) ON DELETE CASCADE
);
CREATE INDEX programme_completions_by_time ON programme_completions (commune_id, completed_at);
`,
};
