/**
 * @module storage/pg/pgHealth
 *
 * Whether PostgreSQL can really keep what it is given, for `/healthz`: a
 * real write (the commune's row of `health_checks`) that must commit within
 * a few seconds. A server that is down, full, read-only (a standby after a
 * failover) or stuck on locks fails it, and a load balancer then sends
 * residents to another process. The twin of storage/sqlite/health.ts, which
 * also checks the file behind the connection; here there is no file.
 */
import type { DatabaseHealth } from '../sqlite/health.js';
import type { PgDb } from './db.js';
import { withCommune } from './tenant.js';

/** How long the write may take before the database is reported unavailable. */
export const PG_PROBE_TIMEOUT_MS = 5_000;

export function createPgDatabaseProbe(deps: {
  readonly db: PgDb;
  readonly communeId: string;
  readonly now: () => Date;
  readonly timeoutMs?: number;
}): () => Promise<DatabaseHealth> {
  const limit = deps.timeoutMs ?? PG_PROBE_TIMEOUT_MS;
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${limit} ms`)), limit);
    });
    try {
      const at = deps.now().toISOString();
      await Promise.race([
        withCommune(deps.db, deps.communeId, (trx) =>
          trx
            .insertInto('health_checks')
            .values({ commune_id: deps.communeId, checked_at: at })
            .onConflict((oc) => oc.column('commune_id').doUpdateSet({ checked_at: at }))
            .execute(),
        ),
        late,
      ]);
      return { ok: true };
    } catch (err) {
      return {
        ok: false,
        reason: 'write_failed',
        message: `Không ghi được vào cơ sở dữ liệu PostgreSQL: ${err instanceof Error ? err.message : String(err)}`,
      };
    } finally {
      clearTimeout(timer);
    }
  };
}
