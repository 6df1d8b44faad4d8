/**
 * @module core/stores/learning
 *
 * What the learning loop reads and decides about questions (see
 * storage/sqlite/learningRepo for SQLite, storage/pg/pgLearningRepo for
 * PostgreSQL): the questions to group (misses, 👎 and flagged rows of the
 * unanswered log, plus questions staff typed in), the decisions on groups
 * (answered, ignored), and the daily counts behind the weekly figures. The
 * resident behind a question is read only to count distinct askers.
 *
 * SQLite answers synchronously, PostgreSQL with promises; callers await.
 */
import type { MaybePromise } from '../ports.js';

/** One question to group. `id` is `u<row id>` (logged question) or `f<id>` (typed in by staff). */
export interface LearningQuestion {
  readonly id: string;
  readonly text: string;
  /** `miss`, `thumbs-down`, `flag` (a logged row staff flagged) or `staff` (typed in by staff). */
  readonly kind: string;
  /** For a 👎: the answer the assistant gave. */
  readonly answer: string | null;
  /** Who asked (`channel:user`), or null when unknown (then counted as one person per question). */
  readonly asker: string | null;
  readonly createdAt: string;
}

export type GroupStatus = 'ignored' | 'answered';

export interface GroupDecision {
  readonly id: string;
  readonly status: GroupStatus;
  readonly anchor: string;
  readonly entryId: string | null;
  readonly firstAskedAt: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
  readonly reason: string | null;
}

export interface DayOutcome {
  readonly day: string;
  readonly asked: number;
  readonly unanswered: number;
  readonly byConsole: number;
}

/** A question the assistant set aside as out of scope or naming no topic. */
export interface SetAsideQuestion {
  readonly id: number;
  readonly question: string;
  readonly kind: string;
  readonly createdAt: string;
}

/** Most questions read for grouping: the newest ones, far more than staff can answer in a month. */
export const MAX_LEARNING_QUESTIONS = 10_000;

export interface LearningStore {
  /** The questions to group, oldest first (the newest `limit` of them). */
  questions(limit?: number): MaybePromise<LearningQuestion[]>;
  /** The latest questions set aside as out of scope or as naming no topic, not flagged yet. */
  setAside(limit?: number): MaybePromise<SetAsideQuestion[]>;
  /** Marks a logged question for staff attention; false when there is no such question. */
  flagLogged(rowId: number, by: string, at: Date): MaybePromise<boolean>;
  /** Adds a question a staff member heard elsewhere; returns its id (`f…`). */
  addTyped(question: string, note: string | undefined, by: string, at: Date): MaybePromise<string>;
  /** Every decision, by time decided then id. */
  decisions(): MaybePromise<GroupDecision[]>;
  decision(id: string): MaybePromise<GroupDecision | undefined>;
  /** Records or replaces the decision on a group (the anchor and first time asked stay the first ones). */
  decide(d: GroupDecision): MaybePromise<void>;
  /** Forgets a decision: the group's questions show as open again (after a revert). */
  reopen(id: string): MaybePromise<void>;
  /** Daily counts from `fromDay` to `toDay` inclusive (YYYY-MM-DD, commune time). */
  outcomes(fromDay: string, toDay: string): MaybePromise<DayOutcome[]>;
}

/**
 * Logged and typed questions together, oldest first by time, then by id, so
 * the grouping's leaders are the first questions asked.
 */
export function oldestFirst(questions: LearningQuestion[]): LearningQuestion[] {
  return questions.sort((a, b) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1,
  );
}

/** The kind a logged row is grouped as: a flag on a row that was neither a miss nor a 👎 makes it `flag`. */
export function loggedKind(kind: string, flaggedBy: string | null): string {
  return flaggedBy !== null && kind !== 'thumbs-down' && kind !== 'miss' ? 'flag' : kind;
}
