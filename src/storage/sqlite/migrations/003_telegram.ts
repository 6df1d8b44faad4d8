import type { Migration } from './index.js';

/**
 * What the Telegram channel remembers across restarts. Update ids are kept as
 * a list of recently seen ids with their time (not a high-water mark: after a
 * quiet week Telegram picks the next id at random) and pruned by age. A sent
 * quiz poll maps its id to the learner, chat and the engine choice behind each
 * option, because a `poll_answer` update carries nothing else. Chats that
 * blocked the bot are kept so later sends (reminders, staff replies) skip
 * them. Button values longer than Telegram's 64-byte `callback_data` are sent
 * as a short id and resolved here.
 */
export const m003Telegram: Migration = {
  version: 3,
  name: 'telegram',
  sql: `
CREATE TABLE telegram_processed_updates (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  update_id INTEGER NOT NULL,
  processed_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, update_id)
);
CREATE INDEX telegram_processed_updates_by_time ON telegram_processed_updates (commune_id, processed_at);

CREATE TABLE telegram_sent_polls (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  poll_id TEXT NOT NULL,
  telegram_user_id TEXT NOT NULL,
  chat_id INTEGER NOT NULL,
  message_id INTEGER NOT NULL,
  attempt_id TEXT NOT NULL,
  question_index INTEGER NOT NULL,
  values_json TEXT NOT NULL,
  explained INTEGER NOT NULL CHECK (explained IN (0, 1)),
  sent_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, poll_id)
);
CREATE INDEX telegram_sent_polls_by_time ON telegram_sent_polls (commune_id, sent_at);

CREATE TABLE telegram_inactive_users (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  chat_id INTEGER NOT NULL,
  reason TEXT NOT NULL,
  since TEXT NOT NULL,
  PRIMARY KEY (commune_id, chat_id)
);

CREATE TABLE telegram_callback_values (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  id TEXT NOT NULL,
  value TEXT NOT NULL,
  used_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, id)
);
CREATE INDEX telegram_callback_values_by_time ON telegram_callback_values (commune_id, used_at);
`,
};
