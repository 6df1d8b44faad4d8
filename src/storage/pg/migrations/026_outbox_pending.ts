import { sql, type Kysely, type Migration } from 'kysely';

/** Twin of SQLite's 026_outbox_pending: the pending rows of the outbox, in id order (see there why). */
export const m026OutboxPending: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`CREATE INDEX outbox_pending ON outbox (commune_id, channel, id) WHERE status = 'pending'`.execute(db);
  },
};
