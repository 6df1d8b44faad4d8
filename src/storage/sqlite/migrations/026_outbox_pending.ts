import type { Migration } from './index.js';

/**
 * The outbox's rows waiting to be sent, in id order per commune and channel
 * (issue 20). Sent and failed rows stay in the table until retention prunes
 * them, and a dispatcher's claim asks for the oldest due pending rows: over
 * `outbox_due` (commune, status, time) the claim read its rows by time and
 * sorted them, and PostgreSQL's generic plan walked the primary key from the
 * oldest row, sent ones included. This partial index holds the pending rows
 * only, already in id order. The claim writes `status = 'pending'` as a
 * literal, as here, so a prepared statement's generic plan can use it.
 * Version 26: PostgreSQL's own migrations took 23 to 25.
 */
export const m026OutboxPending: Migration = {
  version: 26,
  name: 'outbox_pending',
  sql: `CREATE INDEX outbox_pending ON outbox (commune_id, channel, id) WHERE status = 'pending';`,
};
