/**
 * @module storage/pg/pgAnswerOutcomeLog
 *
 * The learning loop's daily counts of answered questions on PostgreSQL: the
 * twin of `SqliteLearningRepo.record`. Counts only, keyed by the commune's
 * day (UTC+7, core/communeTime). One upsert that adds to the stored counts in
 * the database (`asked = asked + 1`), so answers counted at the same moment by
 * two processes are both counted: the conflicting insert waits for the other
 * transaction and then adds to its committed row.
 */
import type { AnswerOutcome, AnswerOutcomeLog } from '../../core/ports.js';
import { communeDayOf } from '../../core/communeTime.js';
import { CONSOLE_ID_PREFIX } from '../sqlite/consoleFaqRepo.js';
import type { PgDb } from './db.js';
import { withCommune } from './tenant.js';

export class PgAnswerOutcomeLog implements AnswerOutcomeLog {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {}

  async record(o: AnswerOutcome): Promise<void> {
    const unanswered = o.kind === 'unsure' ? 1 : 0;
    const byConsole = o.faqId?.startsWith(CONSOLE_ID_PREFIX) === true ? 1 : 0;
    await withCommune(this.db, this.communeId, (trx) =>
      trx
        .insertInto('question_outcomes')
        .values({
          commune_id: this.communeId,
          day: communeDayOf(o.at),
          asked: 1,
          unanswered,
          by_console: byConsole,
        })
        .onConflict((oc) =>
          oc.columns(['commune_id', 'day']).doUpdateSet((eb) => ({
            asked: eb('question_outcomes.asked', '+', 1),
            unanswered: eb('question_outcomes.unanswered', '+', eb.ref('excluded.unanswered')),
            by_console: eb('question_outcomes.by_console', '+', eb.ref('excluded.by_console')),
          })),
        )
        .execute(),
    );
  }
}
