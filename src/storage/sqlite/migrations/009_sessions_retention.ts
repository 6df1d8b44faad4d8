import type { Migration } from './index.js';

/**
 * Web sessions and retention. `service_secrets` holds secrets the install
 * makes for itself (the key that signs web session cookies when
 * SESSION_SECRET is not set), so a restart keeps every visitor's session. It
 * is per install, like `embeddings`: the cookie belongs to the host, not to
 * a commune. The two indexes let the background pruner find old
 * conversations and spent link codes without reading whole tables.
 */
export const m009SessionsRetention: Migration = {
  version: 9,
  name: 'sessions_retention',
  sql: `
CREATE TABLE service_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX conversation_state_by_time ON conversation_state (commune_id, updated_at);
CREATE INDEX link_codes_by_expiry ON link_codes (commune_id, expires_at);
`,
};
