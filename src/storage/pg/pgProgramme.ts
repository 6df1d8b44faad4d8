/**
 * @module storage/pg/pgProgramme
 *
 * The one rule for "completed the programme" on PostgreSQL, the twin of
 * storage/sqlite/programmeSql, shared by the attempt repo (a pass was
 * recorded) and the citizen repo (two citizens were merged): a citizen is
 * complete when every core quiz has a pass, dated by the last of those passes.
 * An existing completion is kept (ON CONFLICT DO NOTHING), as SQLite's
 * INSERT OR IGNORE keeps it.
 *
 * It reads the citizen's passes, so two transactions adding passes of the same
 * citizen at once could each miss the other's: callers hold the citizen's row
 * lock (see the attempt and citizen repos) before they call it.
 */
import type { Transaction } from 'kysely';
import type { Database } from './schema.js';
import { bytewise } from './pgSql.js';

export async function completeIfAllPassed(
  trx: Transaction<Database>,
  communeId: string,
  citizenId: string,
  coreQuizzes: readonly string[],
): Promise<void> {
  // Distinct ids, so "all passed" compares like with like; no core quiz means no programme.
  const core = [...new Set(coreQuizzes)];
  if (core.length === 0) return;
  await trx
    .insertInto('programme_completions')
    .columns(['commune_id', 'citizen_id', 'completed_at'])
    .expression((eb) =>
      eb
        .selectFrom('quiz_passes')
        .select((s) => [
          s.cast<string>(s.val(communeId), 'text').as('commune_id'),
          s.cast<string>(s.val(citizenId), 'text').as('citizen_id'),
          s.fn.max(bytewise('passed_at')).as('completed_at'),
        ])
        .where('commune_id', '=', communeId)
        .where('citizen_id', '=', citizenId)
        .where('quiz_id', 'in', core)
        .having((h) => h.fn.countAll(), '=', core.length),
    )
    .onConflict((oc) => oc.columns(['commune_id', 'citizen_id']).doNothing())
    .execute();
}
