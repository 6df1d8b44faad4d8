/**
 * @module storage/sqlite/unansweredRepo
 *
 * The log of questions the bot could not answer confidently. Staff read it to
 * write one approved answer for everyone; the engine masks personal numbers
 * and secrets before anything reaches this table. Each row keeps who asked
 * (never shown to staff) only so that it goes when they delete their data.
 */
import type { UnansweredLog, UnansweredQuestion } from '../../core/ports.js';
import type { Db } from './db.js';

export interface UnansweredRow {
  readonly channel: string;
  readonly question: string;
  readonly bestRef: string | null;
  readonly bestScore: number | null;
  readonly createdAt: string;
  readonly kind: string;
  readonly answer: string | null;
}

export class SqliteUnansweredLog implements UnansweredLog {
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
  ) {}

  record(q: UnansweredQuestion): void {
    this.db
      .prepare(
        `INSERT INTO unanswered_questions (commune_id, channel, question, best_ref, best_score, created_at, kind, answer, user_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        this.communeId,
        q.channel,
        q.question.slice(0, 2000),
        q.bestRef ?? null,
        q.bestScore ?? null,
        q.at.toISOString(),
        q.kind ?? 'miss',
        q.answer?.slice(0, 2000) ?? null,
        q.userId ?? null,
      );
  }

  recent(limit = 50): UnansweredRow[] {
    return this.db
      .prepare(
        `SELECT channel, question, best_ref AS bestRef, best_score AS bestScore, created_at AS createdAt, kind, answer
           FROM unanswered_questions WHERE commune_id = ? ORDER BY id DESC LIMIT ?`,
      )
      .all(this.communeId, limit) as UnansweredRow[];
  }
}
