/**
 * @module storage/pg/pgServiceSecrets
 *
 * The twin of storage/sqlite/serviceSecrets on PostgreSQL: a secret the
 * service makes the first time it needs it (32 random bytes, base64url) and
 * keeps in `service_secrets`, so every process and every restart agree on it.
 * The table belongs to the host, not to a commune (no commune_id, no
 * row-level security, see migration 019c), so no `withCommune` here.
 * `ON CONFLICT DO NOTHING` then `SELECT`: two processes starting at once end up
 * with the same value.
 */
import { randomBytes } from 'node:crypto';
import type { PgDb } from './db.js';

export async function pgServiceSecret(db: PgDb, name: string, at: Date = new Date()): Promise<string> {
  await db
    .insertInto('service_secrets')
    .values({ name, value: randomBytes(32).toString('base64url'), created_at: at.toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('service_secrets').select('value').where('name', '=', name).executeTakeFirst();
  if (!row) throw new Error(`service secret ${name} was not stored`);
  return row.value;
}
