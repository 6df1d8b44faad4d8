/**
 * @module storage/sqlite/serviceSecrets
 *
 * Secrets the service makes for itself the first time it needs them and then
 * keeps in the database (table `service_secrets`), so every process on the
 * file and every restart agree on them. Used for the web session key when
 * SESSION_SECRET is not set.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from './db.js';

/**
 * The secret called `name`, created (32 random bytes, base64url) on first
 * use. `INSERT OR IGNORE` then `SELECT`: two processes starting at once end
 * up with the same value.
 */
export function serviceSecret(db: Db, name: string, at: Date = new Date()): string {
  db.prepare('INSERT OR IGNORE INTO service_secrets (name, value, created_at) VALUES (?, ?, ?)').run(
    name,
    randomBytes(32).toString('base64url'),
    at.toISOString(),
  );
  const row = db.prepare('SELECT value FROM service_secrets WHERE name = ?').get(name) as { value: string } | undefined;
  if (!row) throw new Error(`service secret ${name} was not stored`);
  return row.value;
}
