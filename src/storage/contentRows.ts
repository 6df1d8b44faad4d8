/**
 * @module storage/contentRows
 *
 * Rows of the console's content (FAQ revisions, learning questions) as the
 * core reads them, for both databases: the PostgreSQL schema keeps SQLite's
 * forms (ISO text times, JSON as text), so one mapper each keeps the two
 * stores from drifting apart (like storage/rowForms for citizens and attempts).
 */
import type { ConsoleRevision, ConsoleSource } from '../core/stores/consoleFaq.js';
import { loggedKind, type LearningQuestion } from '../core/stores/learning.js';

/** The columns a source is stored in. */
export interface SourceColumns {
  readonly source_kind: ConsoleSource['kind'];
  readonly source_value: string;
  readonly source_title: string | null;
  readonly source_signer: string | null;
  readonly source_date: string | null;
}

export function sourceColumns(s: ConsoleSource): SourceColumns {
  return {
    source_kind: s.kind,
    source_value: s.kind === 'doc' ? s.ref : s.kind === 'url' ? s.url : s.kind === 'decision' ? s.title : '',
    source_title: s.kind === 'url' ? (s.title ?? null) : null,
    source_signer: s.kind === 'decision' ? s.signer : null,
    source_date: s.kind === 'decision' ? s.date : null,
  };
}

function sourceOf(r: RevisionRow): ConsoleSource {
  switch (r.source_kind) {
    case 'doc':
      return { kind: 'doc', ref: r.source_value };
    case 'url':
      return { kind: 'url', url: r.source_value, ...(r.source_title !== null && { title: r.source_title }) };
    case 'decision':
      return { kind: 'decision', title: r.source_value, signer: r.source_signer ?? '', date: r.source_date ?? '' };
    default:
      return { kind: 'base' };
  }
}

/** A `console_faq_revisions` row joined with its entry's `base_faq_id`, columns named as the core names them. */
export interface RevisionRow {
  readonly entryId: string;
  readonly baseFaqId: string | null;
  readonly revision: number;
  readonly question: string;
  readonly variants_json: string;
  readonly answer: string;
  readonly source_kind: string;
  readonly source_value: string;
  readonly source_title: string | null;
  readonly source_signer: string | null;
  readonly source_date: string | null;
  readonly authorId: string;
  readonly createdAt: string;
  readonly reason: string;
  readonly groupId: string | null;
  readonly status: 'active' | 'reverted';
  readonly revertedBy: string | null;
  readonly revertedAt: string | null;
  readonly revertReason: string | null;
}

export function revisionOf(r: RevisionRow): ConsoleRevision {
  return {
    entryId: r.entryId,
    baseFaqId: r.baseFaqId,
    revision: r.revision,
    question: r.question,
    variants: JSON.parse(r.variants_json) as string[],
    answer: r.answer,
    source: sourceOf(r),
    authorId: r.authorId,
    createdAt: r.createdAt,
    reason: r.reason,
    groupId: r.groupId,
    status: r.status,
    revertedBy: r.revertedBy,
    revertedAt: r.revertedAt,
    revertReason: r.revertReason,
  };
}

/** An `unanswered_questions` row as the learning loop reads it. */
export interface LoggedQuestionRow {
  readonly rowid: number;
  readonly question: string;
  readonly kind: string;
  readonly answer: string | null;
  readonly channel: string;
  readonly user_id: string | null;
  readonly created_at: string;
  readonly flagged_by: string | null;
}

export function loggedQuestionOf(r: LoggedQuestionRow): LearningQuestion {
  return {
    id: `u${r.rowid}`,
    text: r.question,
    kind: loggedKind(r.kind, r.flagged_by),
    answer: r.answer,
    asker: r.user_id === null ? null : `${r.channel}:${r.user_id}`,
    createdAt: r.created_at,
  };
}

/** A `learning_flags` row (a question staff typed in) as the learning loop reads it. */
export function typedQuestionOf(r: {
  readonly id: number;
  readonly question: string;
  readonly created_at: string;
}): LearningQuestion {
  return { id: `f${r.id}`, text: r.question, kind: 'staff', answer: null, asker: null, createdAt: r.created_at };
}
