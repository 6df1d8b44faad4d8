/**
 * @module storage/sqlite/learningRepo
 *
 * What the learning loop reads and decides about questions: the questions to
 * group (misses, 👎 and flagged rows of the unanswered log, plus questions
 * staff typed in), the decisions on groups (answered, ignored), and the daily
 * counts behind the weekly figures. The resident behind a question is read
 * only to count distinct askers and never leaves this module's callers as
 * more than a count.
 */
import type { AnswerOutcome, AnswerOutcomeLog } from '../../core/ports.js';
import { CONSOLE_ID_PREFIX } from '../../core/stores/consoleFaq.js';
import {
  MAX_LEARNING_QUESTIONS,
  oldestFirst,
  type DayOutcome,
  type GroupDecision,
  type LearningQuestion,
  type LearningStore,
  type SetAsideQuestion,
} from '../../core/stores/learning.js';
import { communeDayOf } from '../../core/communeTime.js';
import { loggedQuestionOf, typedQuestionOf, type LoggedQuestionRow } from '../contentRows.js';
import type { Db } from './db.js';

export type { DayOutcome, GroupDecision, GroupStatus, LearningQuestion } from '../../core/stores/learning.js';
export { MAX_LEARNING_QUESTIONS };

const PAGE = 2_000;

export class SqliteLearningRepo implements LearningStore, AnswerOutcomeLog {
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
  ) {}

  /** The questions to group, oldest first (the newest `limit` of them), read in pages by row id. */
  questions(limit = MAX_LEARNING_QUESTIONS): LearningQuestion[] {
    const rows: LoggedQuestionRow[] = [];
    let before = Number.MAX_SAFE_INTEGER;
    while (rows.length < limit) {
      const page = this.db
        .prepare(
          `SELECT id AS rowid, question, kind, answer, channel, user_id, created_at, flagged_by
             FROM unanswered_questions
            WHERE commune_id = ? AND id < ? AND (kind IN ('miss', 'thumbs-down') OR flagged_by IS NOT NULL)
            ORDER BY id DESC LIMIT ?`,
        )
        .all(this.communeId, before, Math.min(PAGE, limit - rows.length)) as LoggedQuestionRow[];
      rows.push(...page);
      const last = page.at(-1);
      if (!last || page.length < PAGE) break;
      before = last.rowid;
    }
    const logged = rows.reverse().map(loggedQuestionOf);
    const typed = (
      this.db
        .prepare(`SELECT id, question, created_at FROM learning_flags WHERE commune_id = ? ORDER BY id DESC LIMIT ?`)
        .all(this.communeId, limit) as { id: number; question: string; created_at: string }[]
    )
      .reverse()
      .map(typedQuestionOf);
    return oldestFirst([...logged, ...typed]);
  }

  /**
   * The latest questions the assistant set aside as out of scope or as naming
   * no topic, not flagged yet: staff may flag one that it should answer after all.
   */
  setAside(limit = 20): SetAsideQuestion[] {
    return this.db
      .prepare(
        `SELECT id, question, kind, created_at AS createdAt FROM unanswered_questions
          WHERE commune_id = ? AND kind IN ('out-of-scope', 'unclear') AND flagged_by IS NULL
          ORDER BY id DESC LIMIT ?`,
      )
      .all(this.communeId, limit) as SetAsideQuestion[];
  }

  /** Marks a logged question for staff attention; false when there is no such question. */
  flagLogged(rowId: number, by: string, at: Date): boolean {
    const r = this.db
      .prepare('UPDATE unanswered_questions SET flagged_by = ?, flagged_at = ? WHERE commune_id = ? AND id = ?')
      .run(by, at.toISOString(), this.communeId, rowId);
    return r.changes > 0;
  }

  /** Adds a question a staff member heard elsewhere; returns its id (`f…`). */
  addTyped(question: string, note: string | undefined, by: string, at: Date): string {
    const r = this.db
      .prepare('INSERT INTO learning_flags (commune_id, question, note, flagged_by, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(this.communeId, question.slice(0, 2000), note ?? null, by, at.toISOString());
    return `f${Number(r.lastInsertRowid)}`;
  }

  decisions(): GroupDecision[] {
    return this.db
      .prepare(
        `SELECT id, status, anchor, entry_id AS entryId, first_asked_at AS firstAskedAt, decided_by AS decidedBy,
                decided_at AS decidedAt, reason
           FROM learning_groups WHERE commune_id = ? ORDER BY decided_at, id`,
      )
      .all(this.communeId) as GroupDecision[];
  }

  decision(id: string): GroupDecision | undefined {
    return this.decisions().find((d) => d.id === id);
  }

  decide(d: GroupDecision): void {
    this.db
      .prepare(
        `INSERT INTO learning_groups (commune_id, id, status, anchor, entry_id, first_asked_at, decided_by, decided_at, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (commune_id, id) DO UPDATE SET status = excluded.status, entry_id = excluded.entry_id,
           decided_by = excluded.decided_by, decided_at = excluded.decided_at, reason = excluded.reason`,
      )
      .run(this.communeId, d.id, d.status, d.anchor, d.entryId, d.firstAskedAt, d.decidedBy, d.decidedAt, d.reason);
  }

  /** Forgets a decision: the group's questions show as open again (after a revert). */
  reopen(id: string): void {
    this.db.prepare('DELETE FROM learning_groups WHERE commune_id = ? AND id = ?').run(this.communeId, id);
  }

  /** The engine's count of each answered question (see AnswerOutcomeLog). */
  record(o: AnswerOutcome): void {
    this.countOutcome(communeDayOf(o.at), {
      unanswered: o.kind === 'unsure',
      byConsole: o.faqId?.startsWith(CONSOLE_ID_PREFIX) === true,
    });
  }

  /** Counts one answered question of day `day` (YYYY-MM-DD, commune time). */
  countOutcome(day: string, outcome: { readonly unanswered: boolean; readonly byConsole: boolean }): void {
    this.db
      .prepare(
        `INSERT INTO question_outcomes (commune_id, day, asked, unanswered, by_console) VALUES (?, ?, 1, ?, ?)
         ON CONFLICT (commune_id, day) DO UPDATE SET asked = asked + 1,
           unanswered = unanswered + excluded.unanswered, by_console = by_console + excluded.by_console`,
      )
      .run(this.communeId, day, outcome.unanswered ? 1 : 0, outcome.byConsole ? 1 : 0);
  }

  /** Daily counts from `fromDay` to `toDay` inclusive. */
  outcomes(fromDay: string, toDay: string): DayOutcome[] {
    return this.db
      .prepare(
        `SELECT day, asked, unanswered, by_console AS byConsole FROM question_outcomes
          WHERE commune_id = ? AND day >= ? AND day <= ? ORDER BY day`,
      )
      .all(this.communeId, fromDay, toDay) as DayOutcome[];
  }
}
