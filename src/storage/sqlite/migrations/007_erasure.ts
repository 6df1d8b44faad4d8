import type { Migration } from './index.js';

/**
 * What "xóa dữ liệu của tôi" needs from the schema (issue 16, item 3).
 *
 * Each logged question now says who asked it (`user_id`, with `channel`), so
 * it is erased with the rest of that person's data; rows logged before this
 * migration have none and stay anonymous.
 *
 * A deleted citizen's passes and programme completion leave the commune's
 * statistics only as anonymous counts: hamlet, target group, quiz and day,
 * with how many. Nothing in them names a person, a channel id or an attempt;
 * reports add them to the live citizens' counts. An unknown hamlet or group
 * is stored as '' (NULL would make every unknown row distinct in the key).
 */
export const m007Erasure: Migration = {
  version: 7,
  name: 'erasure',
  sql: `
ALTER TABLE unanswered_questions ADD COLUMN user_id TEXT;
CREATE INDEX unanswered_by_user ON unanswered_questions (commune_id, channel, user_id);

CREATE TABLE anonymous_passes (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  hamlet TEXT NOT NULL DEFAULT '',
  target_group TEXT NOT NULL DEFAULT '',
  quiz_id TEXT NOT NULL,
  passed_on TEXT NOT NULL,
  passes INTEGER NOT NULL CHECK (passes > 0),
  PRIMARY KEY (commune_id, hamlet, target_group, quiz_id, passed_on)
) WITHOUT ROWID;

CREATE TABLE anonymous_completions (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  hamlet TEXT NOT NULL DEFAULT '',
  target_group TEXT NOT NULL DEFAULT '',
  completed_on TEXT NOT NULL,
  completions INTEGER NOT NULL CHECK (completions > 0),
  PRIMARY KEY (commune_id, hamlet, target_group, completed_on)
) WITHOUT ROWID;
`,
};
