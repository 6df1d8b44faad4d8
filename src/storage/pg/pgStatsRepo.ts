/**
 * @module storage/pg/pgStatsRepo
 *
 * Counts for the emulation board and the staff summary on PostgreSQL: the
 * twin of storage/sqlite/statsRepo.ts (its notes say how erased residents'
 * completions count for "today" and "this week"). One read per call, in its
 * own `withCommune` transaction. Times are compared in the column's own
 * collation so the time indexes serve the ranges; pgReportSql.ts says why
 * that orders these one-shape ISO strings exactly as SQLite does.
 */
import { sql } from 'kysely';
import type { CompletionStats, CompletionTally, HamletCompletions, TallyBounds } from '../../core/stats/types.js';
import type { PgDb } from './db.js';
import { withCommune } from './tenant.js';

export class PgCompletionStats implements CompletionStats {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {}

  completionsPerHamlet(): Promise<HamletCompletions[]> {
    const c = this.communeId;
    return withCommune(this.db, c, async (trx) => {
      const { rows } = await sql<HamletCompletions>`
SELECT "hamletId", SUM(completed)::bigint AS completed FROM (
  SELECT NULLIF(TRIM(x.hamlet), '') AS "hamletId", COUNT(*) AS completed
    FROM programme_completions pc JOIN citizens x ON x.commune_id = pc.commune_id AND x.id = pc.citizen_id
   WHERE pc.commune_id = ${c}
   GROUP BY 1
  UNION ALL
  SELECT NULLIF(hamlet, ''), SUM(completions)::bigint FROM anonymous_completions WHERE commune_id = ${c}
   GROUP BY 1) AS u
 GROUP BY 1`.execute(trx);
      return rows;
    });
  }

  tally(bounds: TallyBounds): Promise<CompletionTally> {
    const c = this.communeId;
    const since = (start: string) => sql<number>`
  (SELECT COUNT(*) FROM programme_completions WHERE commune_id = ${c} AND completed_at >= ${start})
+ (SELECT COALESCE(SUM(completions), 0)::bigint FROM anonymous_completions
    WHERE commune_id = ${c} AND completed_on > ${start.slice(0, 10)})`;
    return withCommune(this.db, c, async (trx) => {
      const { rows } = await sql<CompletionTally>`SELECT
  ${since(bounds.dayStart)} AS today,
  ${since(bounds.weekStart)} AS week,
  (SELECT COUNT(*) FROM programme_completions WHERE commune_id = ${c})
+ (SELECT COALESCE(SUM(completions), 0)::bigint FROM anonymous_completions WHERE commune_id = ${c}) AS total`.execute(
        trx,
      );
      return rows[0]!;
    });
  }
}
