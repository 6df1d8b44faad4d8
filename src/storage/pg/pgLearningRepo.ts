/**
 * @module storage/pg/pgLearningRepo
 *
 * The learning loop's questions, group decisions and daily counts on
 * PostgreSQL: the twin of storage/sqlite/learningRepo (same rows, same order,
 * one row mapper in storage/contentRows). Every method is one `withCommune`
 * transaction; `questions()` reads all its pages in one (under READ
 * COMMITTED a later page may include a question logged meanwhile, which only
 * adds it).
 *
 * The counts themselves are added by PgAnswerOutcomeLog (`record`), which
 * this class hands on to, so it is the AnswerOutcomeLog as SQLite's is.
 * Row ids of the log and of typed questions come from identity columns
 * shared by every commune: `u…`/`f…` ids stay unique, with gaps.
 */
import type { AnswerOutcome, AnswerOutcomeLog } from '../../core/ports.js';
import {
  MAX_LEARNING_QUESTIONS,
  oldestFirst,
  type DayOutcome,
  type GroupDecision,
  type LearningQuestion,
  type LearningStore,
  type SetAsideQuestion,
} from '../../core/stores/learning.js';
import { loggedQuestionOf, typedQuestionOf, type LoggedQuestionRow } from '../contentRows.js';
import type { PgDb } from './db.js';
import { PgAnswerOutcomeLog } from './pgAnswerOutcomeLog.js';
import { bytewise } from './pgSql.js';
import { withCommune } from './tenant.js';

const PAGE = 2_000;
/** The longest typed question kept, as on SQLite. */
const MAX_TEXT = 2000;

export class PgLearningRepo implements LearningStore, AnswerOutcomeLog {
  private readonly counts: PgAnswerOutcomeLog;

  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {
    this.counts = new PgAnswerOutcomeLog(db, communeId);
  }

  /** The questions to group, oldest first (the newest `limit` of them), read in pages by row id. */
  async questions(limit = MAX_LEARNING_QUESTIONS): Promise<LearningQuestion[]> {
    return withCommune(this.db, this.communeId, async (trx) => {
      const rows: LoggedQuestionRow[] = [];
      let before = Number.MAX_SAFE_INTEGER;
      while (rows.length < limit) {
        const page = await trx
          .selectFrom('unanswered_questions')
          .select(['id as rowid', 'question', 'kind', 'answer', 'channel', 'user_id', 'created_at', 'flagged_by'])
          .where('commune_id', '=', this.communeId)
          .where('id', '<', before)
          .where((eb) => eb.or([eb('kind', 'in', ['miss', 'thumbs-down']), eb('flagged_by', 'is not', null)]))
          .orderBy('id', 'desc')
          .limit(Math.min(PAGE, limit - rows.length))
          .execute();
        rows.push(...page);
        const last = page.at(-1);
        if (!last || page.length < PAGE) break;
        before = last.rowid;
      }
      const typed = await trx
        .selectFrom('learning_flags')
        .select(['id', 'question', 'created_at'])
        .where('commune_id', '=', this.communeId)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return oldestFirst([...rows.reverse().map(loggedQuestionOf), ...typed.reverse().map(typedQuestionOf)]);
    });
  }

  async setAside(limit = 20): Promise<SetAsideQuestion[]> {
    return withCommune(this.db, this.communeId, (trx) =>
      trx
        .selectFrom('unanswered_questions')
        .select(['id', 'question', 'kind', 'created_at as createdAt'])
        .where('commune_id', '=', this.communeId)
        .where('kind', 'in', ['out-of-scope', 'unclear'])
        .where('flagged_by', 'is', null)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
    );
  }

  async flagLogged(rowId: number, by: string, at: Date): Promise<boolean> {
    const r = await withCommune(this.db, this.communeId, (trx) =>
      trx
        .updateTable('unanswered_questions')
        .set({ flagged_by: by, flagged_at: at.toISOString() })
        .where('commune_id', '=', this.communeId)
        .where('id', '=', rowId)
        .executeTakeFirst(),
    );
    return r.numUpdatedRows > 0n;
  }

  async addTyped(question: string, note: string | undefined, by: string, at: Date): Promise<string> {
    const row = await withCommune(this.db, this.communeId, (trx) =>
      trx
        .insertInto('learning_flags')
        .values({
          commune_id: this.communeId,
          question: question.slice(0, MAX_TEXT),
          note: note ?? null,
          flagged_by: by,
          created_at: at.toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
    return `f${row.id}`;
  }

  async decisions(): Promise<GroupDecision[]> {
    return withCommune(this.db, this.communeId, (trx) =>
      trx
        .selectFrom('learning_groups')
        .select([
          'id',
          'status',
          'anchor',
          'entry_id as entryId',
          'first_asked_at as firstAskedAt',
          'decided_by as decidedBy',
          'decided_at as decidedAt',
          'reason',
        ])
        .where('commune_id', '=', this.communeId)
        .orderBy(bytewise('decided_at'))
        .orderBy(bytewise('id'))
        .execute(),
    );
  }

  async decision(id: string): Promise<GroupDecision | undefined> {
    return (await this.decisions()).find((d) => d.id === id);
  }

  async decide(d: GroupDecision): Promise<void> {
    await withCommune(this.db, this.communeId, (trx) =>
      trx
        .insertInto('learning_groups')
        .values({
          commune_id: this.communeId,
          id: d.id,
          status: d.status,
          anchor: d.anchor,
          entry_id: d.entryId,
          first_asked_at: d.firstAskedAt,
          decided_by: d.decidedBy,
          decided_at: d.decidedAt,
          reason: d.reason,
        })
        .onConflict((oc) =>
          oc.columns(['commune_id', 'id']).doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            entry_id: eb.ref('excluded.entry_id'),
            decided_by: eb.ref('excluded.decided_by'),
            decided_at: eb.ref('excluded.decided_at'),
            reason: eb.ref('excluded.reason'),
          })),
        )
        .execute(),
    );
  }

  async reopen(id: string): Promise<void> {
    await withCommune(this.db, this.communeId, (trx) =>
      trx.deleteFrom('learning_groups').where('commune_id', '=', this.communeId).where('id', '=', id).execute(),
    );
  }

  /** The engine's count of each answered question (PgAnswerOutcomeLog). */
  record(o: AnswerOutcome): Promise<void> {
    return this.counts.record(o);
  }

  async outcomes(fromDay: string, toDay: string): Promise<DayOutcome[]> {
    return withCommune(this.db, this.communeId, (trx) =>
      trx
        .selectFrom('question_outcomes')
        .select(['day', 'asked', 'unanswered', 'by_console as byConsole'])
        .where('commune_id', '=', this.communeId)
        .where(bytewise('day'), '>=', fromDay)
        .where(bytewise('day'), '<=', toDay)
        .orderBy(bytewise('day'))
        .execute(),
    );
  }
}
