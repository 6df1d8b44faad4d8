import type { Migration } from './index.js';

/**
 * The learning loop (issue 17, item 6): staff turn the questions the
 * assistant could not answer into approved answers.
 *
 * - `unanswered_questions.flagged_*`: a staff member marks a logged question
 *   (an "out of scope" one they think the bot should answer). Kept on the row
 *   itself so it goes when the resident erases their data.
 * - `learning_flags`: a question staff type in themselves (asked at the office).
 * - `learning_groups`: what staff decided about a group of similar questions
 *   (answered by an entry, or ignored). `anchor` is the representative
 *   question new questions are compared with, so a new question like an
 *   ignored group joins it and stays hidden; `first_asked_at` keeps the
 *   group's first question for "days from first ask to answer".
 * - `console_faq_entries` / `console_faq_revisions`: FAQ entries written in
 *   the console, every approval a revision (who, when, why, the source), the
 *   live one being the newest still `active`; a revert marks it `reverted`
 *   with who, when and why, so nothing is ever lost. An entry with
 *   `base_faq_id` only adds ways to ask an entry of the knowledge folder.
 * - `faq_extra_variants`: those added ways, by knowledge FAQ id, as the index
 *   reads them (rebuilt from the revisions at every approval).
 * - `question_outcomes`: per commune day (UTC+7), how many questions were
 *   asked, left unanswered, and answered by a console entry, for the weekly
 *   figures. Counts only, no text and no person.
 */
export const m013LearningLoop: Migration = {
  version: 13,
  name: 'learning_loop',
  sql: `
ALTER TABLE unanswered_questions ADD COLUMN flagged_by TEXT;
ALTER TABLE unanswered_questions ADD COLUMN flagged_at TEXT;

CREATE TABLE learning_flags (
  id INTEGER PRIMARY KEY,
  commune_id TEXT NOT NULL REFERENCES communes(id),
  question TEXT NOT NULL,
  note TEXT,
  flagged_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX learning_flags_by_time ON learning_flags (commune_id, created_at);

CREATE TABLE learning_groups (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ignored', 'answered')),
  anchor TEXT NOT NULL,
  entry_id TEXT,
  first_asked_at TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  reason TEXT,
  PRIMARY KEY (commune_id, id)
);

CREATE TABLE console_faq_entries (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  id TEXT NOT NULL,
  base_faq_id TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, id)
);

CREATE TABLE console_faq_revisions (
  commune_id TEXT NOT NULL,
  entry_id TEXT NOT NULL,
  revision INTEGER NOT NULL CHECK (revision > 0),
  question TEXT NOT NULL,
  variants_json TEXT NOT NULL,
  answer TEXT NOT NULL,
  source_kind TEXT NOT NULL CHECK (source_kind IN ('doc', 'url', 'decision', 'base')),
  source_value TEXT NOT NULL,
  source_title TEXT,
  source_signer TEXT,
  source_date TEXT,
  author_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  group_id TEXT,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'reverted')),
  reverted_by TEXT,
  reverted_at TEXT,
  revert_reason TEXT,
  PRIMARY KEY (commune_id, entry_id, revision),
  FOREIGN KEY (commune_id, entry_id) REFERENCES console_faq_entries(commune_id, id)
);

CREATE TABLE faq_extra_variants (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  faq_id TEXT NOT NULL,
  variants_json TEXT NOT NULL,
  PRIMARY KEY (commune_id, faq_id)
);

CREATE TABLE question_outcomes (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  day TEXT NOT NULL,
  asked INTEGER NOT NULL DEFAULT 0,
  unanswered INTEGER NOT NULL DEFAULT 0,
  by_console INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (commune_id, day)
) WITHOUT ROWID;
`,
};
