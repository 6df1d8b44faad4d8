/**
 * @module storage/sqlite/statsRepo
 *
 * Counts for the emulation board and the staff summary, done inside SQLite:
 * one row per hamlet, or three numbers, ever leave the database. As in the
 * staff reports (reportRepo.ts), the hamlet is the citizen's current one and
 * a resident who deleted their data still counts, from the anonymous counts
 * their completion left (migration 007).
 *
 * Erased residents' completions keep only their UTC day (`completed_on`), so
 * for "today" and "this week" they count from the first whole UTC day inside
 * the period: at worst an erased resident's completion in the first seven
 * hours of the local day is left out of "today" (never counted twice).
 */
import type { CompletionStats, CompletionTally, HamletCompletions, TallyBounds } from '../../core/stats/types.js';
import type { Db } from './db.js';

const PER_HAMLET_SQL = `SELECT hamletId, SUM(completed) AS completed FROM (
     SELECT NULLIF(TRIM(c.hamlet), '') AS hamletId, COUNT(*) AS completed
       FROM programme_completions pc
       JOIN citizens c ON c.commune_id = pc.commune_id AND c.id = pc.citizen_id
      WHERE pc.commune_id = :commune
      GROUP BY 1
     UNION ALL
     SELECT NULLIF(hamlet, ''), SUM(completions)
       FROM anonymous_completions WHERE commune_id = :commune
      GROUP BY 1)
   GROUP BY 1`;

const TALLY_SQL = `SELECT
     (SELECT COUNT(*) FROM programme_completions WHERE commune_id = :commune AND completed_at >= :dayStart)
   + (SELECT COALESCE(SUM(completions), 0) FROM anonymous_completions
       WHERE commune_id = :commune AND completed_on > substr(:dayStart, 1, 10)) AS today,
     (SELECT COUNT(*) FROM programme_completions WHERE commune_id = :commune AND completed_at >= :weekStart)
   + (SELECT COALESCE(SUM(completions), 0) FROM anonymous_completions
       WHERE commune_id = :commune AND completed_on > substr(:weekStart, 1, 10)) AS week,
     (SELECT COUNT(*) FROM programme_completions WHERE commune_id = :commune)
   + (SELECT COALESCE(SUM(completions), 0) FROM anonymous_completions WHERE commune_id = :commune) AS total`;

export class SqliteCompletionStats implements CompletionStats {
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
  ) {}

  completionsPerHamlet(): HamletCompletions[] {
    return this.db.prepare(PER_HAMLET_SQL).all({ commune: this.communeId }) as HamletCompletions[];
  }

  tally(bounds: TallyBounds): CompletionTally {
    return this.db.prepare(TALLY_SQL).get({ commune: this.communeId, ...bounds }) as CompletionTally;
  }
}
