/**
 * @module storage/rowForms
 *
 * Rows as the core reads them, for both databases. The PostgreSQL schema
 * keeps SQLite's forms on purpose (ISO text times, 0/1 flags, JSON as text;
 * see storage/pg/migrations/019a_baseline), so a row of `quiz_attempts` or
 * `handoff_threads` (or `handoff_messages`, `citizens`, `telegram_sent_polls`) becomes the core's
 * type the same way
 * whichever database it came from. One mapper each, so the two stores cannot
 * drift apart on, say, which NULL means an absent field.
 */
import type {
  HandoffAuthor,
  HandoffDelivery,
  HandoffMessage,
  HandoffStatus,
  HandoffThread,
} from '../core/stores/handoff.js';
import type { Attempt, AttemptStatus } from '../core/quiz/types.js';
import type { Citizen, CitizenProfile, ConsentState } from '../core/registry/types.js';
import type { SentPoll } from '../core/stores/telegram.js';

/** The `quiz_attempts` columns an `Attempt` is read from. */
export interface AttemptRow {
  readonly id: string;
  readonly citizen_id: string;
  readonly quiz_id: string;
  readonly quiz_version: string;
  readonly status: AttemptStatus;
  readonly current: number;
  readonly correct: number;
  readonly order_json: string;
  readonly answers_json: string;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly score: number | null;
  readonly passed: number | null;
}

export function attemptOf(row: AttemptRow): Attempt {
  return {
    id: row.id,
    citizenId: row.citizen_id,
    quizId: row.quiz_id,
    quizVersion: row.quiz_version,
    status: row.status,
    current: row.current,
    correct: row.correct,
    order: JSON.parse(row.order_json) as number[][],
    answers: JSON.parse(row.answers_json) as number[],
    startedAt: row.started_at,
    ...(row.finished_at !== null && { finishedAt: row.finished_at }),
    ...(row.score !== null && { score: row.score }),
    ...(row.passed !== null && { passed: row.passed === 1 }),
  };
}

/** The `handoff_threads` columns a `HandoffThread` is read from. */
export interface ThreadRow {
  readonly id: number;
  readonly channel: string;
  readonly user_id: string;
  readonly citizen_id: string | null;
  readonly hamlet_id: string | null;
  readonly status: HandoffStatus;
  readonly reason: 'asked' | 'offered';
  readonly opened_at: string;
  readonly closed_at: string | null;
  readonly assignee_id: string | null;
  readonly last_at: string;
  readonly unread: number;
  readonly suspended_quiz: string | null;
}

/** A thread's columns as a `LEFT JOIN` gives them: all null when no thread is open. */
export type JoinedThreadRow = { [K in keyof ThreadRow]: ThreadRow[K] | null };

/** The thread of a `LEFT JOIN` row, or undefined when the join found none (its id is null). */
export function joinedThread(r: JoinedThreadRow): ThreadRow | undefined {
  return r.id === null ? undefined : (r as ThreadRow);
}

export function threadOf(r: ThreadRow): HandoffThread {
  return {
    id: r.id,
    channel: r.channel,
    userId: r.user_id,
    ...(r.citizen_id !== null && { citizenId: r.citizen_id }),
    ...(r.hamlet_id !== null && { hamletId: r.hamlet_id }),
    status: r.status,
    reason: r.reason,
    openedAt: r.opened_at,
    ...(r.closed_at !== null && { closedAt: r.closed_at }),
    ...(r.assignee_id !== null && { assigneeId: r.assignee_id }),
    lastAt: r.last_at,
    unread: r.unread,
    ...(r.suspended_quiz !== null && { suspendedQuiz: r.suspended_quiz }),
  };
}

/** The `handoff_messages` columns a `HandoffMessage` is read from. */
export interface MessageRow {
  readonly id: number;
  readonly thread_id: number;
  readonly author: HandoffAuthor;
  readonly staff_id: string | null;
  readonly text: string;
  readonly at: string;
  readonly delivery: HandoffDelivery;
  readonly outbox_id: number | null;
}

export function messageOf(r: MessageRow): HandoffMessage {
  return {
    id: r.id,
    threadId: r.thread_id,
    author: r.author,
    ...(r.staff_id !== null && { staffId: r.staff_id }),
    text: r.text,
    at: r.at,
    delivery: r.delivery,
    ...(r.outbox_id !== null && { outboxId: r.outbox_id }),
  };
}

/**
 * What an outbox row's status means for the staff reply it carries; a row
 * that is gone was delivered and removed (`forgetDone`).
 */
export function deliveryOfOutbox(status: string | undefined): HandoffDelivery {
  if (status === undefined || status === 'sent') return 'sent';
  if (status === 'held' || status === 'failed' || status === 'pending') return status;
  return 'pending';
}

/** The `citizens` columns a `Citizen` is read from. */
export interface CitizenRow {
  readonly id: string;
  readonly consent: ConsentState;
  readonly display_name: string | null;
  readonly hamlet: string | null;
  readonly target_group: string | null;
  readonly birth_year: number | null;
  readonly created_at: string;
}

/** Builds a profile without `undefined` keys, so it compares and serialises cleanly. */
export function profileOf(row: CitizenRow): CitizenProfile {
  return {
    ...(row.display_name !== null && { displayName: row.display_name }),
    ...(row.hamlet !== null && { hamlet: row.hamlet }),
    ...(row.target_group !== null && { group: row.target_group }),
    ...(row.birth_year !== null && { birthYear: row.birth_year }),
  };
}

export function citizenOf(row: CitizenRow): Citizen {
  return { id: row.id, consent: row.consent, profile: profileOf(row), createdAt: row.created_at };
}

/** The `telegram_sent_polls` columns a `SentPoll` is read from. */
export interface PollRow {
  readonly poll_id: string;
  readonly telegram_user_id: string;
  readonly chat_id: number;
  readonly message_id: number;
  readonly attempt_id: string;
  readonly question_index: number;
  readonly values_json: string;
  readonly explained: number;
  readonly sent_at: string;
}

export function pollOf(row: PollRow): SentPoll {
  return {
    pollId: row.poll_id,
    userId: row.telegram_user_id,
    chatId: row.chat_id,
    messageId: row.message_id,
    attemptId: row.attempt_id,
    questionIndex: row.question_index,
    values: JSON.parse(row.values_json) as string[],
    explained: row.explained === 1,
    sentAt: row.sent_at,
  };
}
