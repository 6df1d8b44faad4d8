import type { Migration } from './index.js';

/**
 * Channels as rows (issue 20 item 3): each Telegram bot or Zalo OA belongs to
 * one commune and is reached at `/webhooks/<kind>/<public_key>`.
 *
 * - `public_key`: random, URL-safe, at least 128 bits; it only routes a
 *   delivery to its row, proof of origin is the row's own webhook secret.
 * - `secrets`: a JSON object (bot token, webhook secret, OA keys) sealed with
 *   storage/secretBox.ts under a key that is never in the database, with the
 *   row's identity as associated data; never plaintext.
 * - At most one enabled channel of each kind per commune: the outbox and the
 *   conversation state key by (commune, channel kind), so two enabled bots of
 *   one kind in one commune would share residents' queues.
 */
export const m022Channels: Migration = {
  version: 22,
  name: 'channels',
  sql: `
CREATE TABLE channels (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  commune_id TEXT NOT NULL REFERENCES communes(id),
  kind TEXT NOT NULL CHECK (kind IN ('telegram', 'zalo')),
  public_key TEXT NOT NULL UNIQUE,
  secrets TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at TEXT NOT NULL,
  disabled_at TEXT
);
CREATE UNIQUE INDEX channels_one_enabled ON channels (commune_id, kind) WHERE enabled = 1;
CREATE INDEX channels_by_commune ON channels (commune_id, kind, id);
`,
};
