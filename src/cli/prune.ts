/**
 * @module cli/prune
 *
 * `cli prune`: removes rows older than their retention now, as the running
 * service does every hour (useful after lowering a RETENTION_* setting, or
 * with the service stopped). Prints one line per table with what was
 * removed, and the retention in force.
 */
import { retentionOf } from '../limitsConfig.js';
import { openDatabase } from '../storage/sqlite/db.js';
import { pruneExpired, RETAINED_TABLES } from '../storage/sqlite/retention.js';
import type { CliContext } from './index.js';

export async function runPrune(ctx: CliContext): Promise<number> {
  const db = openDatabase(ctx.config.DATABASE_PATH);
  try {
    const days = retentionOf(ctx.config);
    const report = await pruneExpired(db, ctx.config.COMMUNE_ID, days, new Date());
    for (const { table, days: kind } of RETAINED_TABLES) {
      ctx.stdout.write(`${table}: ${report[table] ?? 0} removed (kept ${days[kind]} days)\n`);
    }
    return 0;
  } finally {
    db.close();
  }
}
