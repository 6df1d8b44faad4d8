/**
 * @module cli/zaloPg
 *
 * `cli zalo`'s state on PostgreSQL: the Zalo store of the .env OA's commune
 * (COMMUNE_ID), as pgRun.ts's channel keeps it, over one small pool that
 * `close()` ends. Every call is a `withCommune` transaction of the store, so
 * row-level security fences the command to that commune.
 */
import { PgCommuneRegistry } from '../storage/pg/pgCommuneRegistry.js';
import type { SecretBox } from '../storage/secretBox.js';
import { openPgDatabase } from '../storage/pg/db.js';
import { PgZaloStore } from '../storage/pg/pgZaloStore.js';
import type { ZaloStateStore } from '../core/stores/zalo.js';

export async function openPgZaloState(
  url: string,
  communeId: string,
  account: string,
  secrets: SecretBox,
): Promise<{ store: ZaloStateStore; close: () => Promise<void> }> {
  // One command, one query at a time: two connections are plenty.
  const pg = openPgDatabase(url, { max: 2, applicationName: 'hocvuso-cli' });
  try {
    // As on SQLite, the commune's row is made when the database has none yet (a token set before the first start).
    await new PgCommuneRegistry(pg, communeId).add(communeId, communeId);
  } catch (err) {
    await pg.destroy();
    throw err;
  }
  return { store: new PgZaloStore(pg, communeId, account, secrets), close: () => pg.destroy() };
}
