/**
 * @module cli/unanswered
 *
 * `cli unanswered`: the questions the assistant could not answer confidently,
 * newest first, so staff can write one FAQ entry that answers them for
 * everyone. Personal numbers and secrets were masked before they were stored.
 */
import { openDatabase } from '../storage/sqlite/db.js';
import { SqliteUnansweredLog } from '../storage/sqlite/unansweredRepo.js';
import type { CliContext } from './index.js';

export function runUnanswered(ctx: CliContext, limitArg: string | undefined): number {
  const limit = limitArg === undefined ? 50 : Number(limitArg);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    process.stderr.write(`--limit must be a whole number from 1 to 10000 (got "${limitArg}").\n`);
    return 1;
  }
  const db = openDatabase(ctx.config.DATABASE_PATH);
  try {
    const rows = new SqliteUnansweredLog(db, ctx.config.COMMUNE_ID).recent(limit);
    if (rows.length === 0) {
      ctx.stdout.write('No unanswered questions yet.\n');
      return 0;
    }
    for (const r of rows) {
      const best = r.bestRef ? ` (closest: ${r.bestRef}, ${r.bestScore?.toFixed(2) ?? '?'})` : '';
      ctx.stdout.write(`${r.createdAt}  [${r.channel}]  ${r.question.replace(/\s+/g, ' ')}${best}\n`);
    }
    return 0;
  } finally {
    db.close();
  }
}
