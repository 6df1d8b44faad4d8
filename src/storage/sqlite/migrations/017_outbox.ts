import type { Migration } from './index.js';

/**
 * One outbox for every channel, and the claims of the turns (issue 18 items 1
 * and 2). Zalo's outbox becomes `outbox`, with the channel named on each row
 * and its payload opaque to the table (each channel's sender reads its own):
 * Telegram and web replies are queued there too, in the same transaction as
 * the turn that produced them. Existing Zalo rows are carried over as they are,
 * ids included, so nothing owed to a resident is lost by the upgrade.
 *
 * `turn_claims` holds the inbound messages a turn has been committed for
 * (key: channel and the platform's id), written in that same transaction, so
 * a redelivery after the commit is recognised and one before it runs the turn
 * again. WITHOUT ROWID and one index by age, for the pruner.
 */
export const m017Outbox: Migration = {
  version: 17,
  name: 'outbox',
  sql: `
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  commune_id TEXT NOT NULL REFERENCES communes(id),
  channel TEXT NOT NULL,
  -- The resident the reply belongs to (the conversation's user id): replies go out in order per user.
  user_id TEXT NOT NULL,
  -- The rendered reply as the channel's sender reads it; cleared once sent.
  payload_json TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'held', 'sent', 'failed')),
  reason TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  -- An attempt started and not concluded: the process stopped during the call.
  sending_at TEXT,
  sent_at TEXT,
  platform_message_id TEXT
);
INSERT INTO outbox (id, commune_id, channel, user_id, payload_json, status, reason, attempts, next_attempt_at,
                    created_at, sending_at, sent_at, platform_message_id)
  SELECT id, commune_id, 'zalo', user_id, message_json, status, reason, attempts, next_attempt_at,
         created_at, sending_at, sent_at, zalo_message_id FROM zalo_outbox;
DROP TABLE zalo_outbox;
CREATE INDEX outbox_by_user ON outbox (commune_id, channel, user_id, status, id);
CREATE INDEX outbox_due ON outbox (commune_id, status, next_attempt_at);

CREATE TABLE turn_claims (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  -- '<channel>:<the platform''s id of the message>', e.g. 'telegram:812345'.
  claim_key TEXT NOT NULL,
  claimed_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, claim_key)
) WITHOUT ROWID;
CREATE INDEX turn_claims_by_time ON turn_claims (commune_id, claimed_at);
`,
};
