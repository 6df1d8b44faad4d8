/**
 * @module storage/pg/pgUnansweredLog
 *
 * The log of questions the bot could not answer confidently, on PostgreSQL:
 * the twin of storage/sqlite/unansweredRepo (`record`, and `recent` for
 * `cli unanswered`). The engine masks
 * personal numbers and secrets before a question reaches it; who asked is kept
 * (never shown to staff) only so the row goes when they erase their data.
 * Each call is one `withCommune` transaction.
 */
import type { UnansweredLog, UnansweredQuestion } from '../../core/ports.js';
import type { UnansweredRow } from '../sqlite/unansweredRepo.js';
import type { PgDb } from './db.js';
import { withCommune } from './tenant.js';

/** The longest question or answer kept, as on SQLite. */
const MAX_TEXT = 2000;

export class PgUnansweredLog implements UnansweredLog {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {}

  async record(q: UnansweredQuestion): Promise<void> {
    await withCommune(this.db, this.communeId, (trx) =>
      trx
        .insertInto('unanswered_questions')
        .values({
          commune_id: this.communeId,
          channel: q.channel,
          question: q.question.slice(0, MAX_TEXT),
          best_ref: q.bestRef ?? null,
          best_score: q.bestScore ?? null,
          created_at: q.at.toISOString(),
          kind: q.kind ?? 'miss',
          answer: q.answer?.slice(0, MAX_TEXT) ?? null,
          user_id: q.userId ?? null,
        })
        .execute(),
    );
  }

  /** The latest rows, newest first, as SQLite's `recent` gives them (`cli unanswered`). */
  async recent(limit = 50): Promise<UnansweredRow[]> {
    const rows = await withCommune(this.db, this.communeId, (trx) =>
      trx
        .selectFrom('unanswered_questions')
        .select(['channel', 'question', 'best_ref', 'best_score', 'created_at', 'kind', 'answer'])
        .where('commune_id', '=', this.communeId)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
    );
    return rows.map((r) => ({
      channel: r.channel,
      question: r.question,
      bestRef: r.best_ref,
      bestScore: r.best_score,
      createdAt: r.created_at,
      kind: r.kind,
      answer: r.answer,
    }));
  }
}
