/**
 * @module storage/reportMisses
 *
 * Counts wrong answers per question over the recent attempts the
 * failed-questions view reads (recentAttemptsSql). This used to be done in
 * SQL with json_each over every attempt's answers, joined to the answer key:
 * about 16,000 generated rows for the 2,000 attempts of the window, the
 * slowest part of the report (bench:report). Parsing 2,000 short arrays here
 * costs a fraction of that, and gives the same figures: it follows the SQL's
 * rules exactly (see `differs`), so no number in a report changed. Shared
 * by both databases' report repositories, so they cannot count differently.
 */
import type { AnswerKey, QuestionMiss } from '../core/stores/reports.js';

/** One recent attempt: its quiz and its answers as stored (a JSON array, bank order). */
export interface RecentAttempt {
  readonly quizId: string;
  readonly answers: string;
}

/**
 * Whether a stored answer counts as wrong against the key, as SQLite's
 * `json_each.value <> key` did: an unanswered question (null) is answered but
 * never wrong; JSON true/false are the integers 1/0; a string or nested value
 * never equals a number. A key without an answer there
 * (JSON null) makes nothing wrong either.
 */
function differs(value: unknown, answer: number | undefined): boolean {
  if (value === null || value === undefined || answer === undefined) return false;
  if (typeof value === 'boolean') return (value ? 1 : 0) !== answer;
  return value !== answer;
}

/**
 * The stored answers by question position when they are not an array (the
 * app only ever writes arrays), as json_each listed them for the join: an
 * object's members whose name is a plain decimal number (the join compared
 * the name with the position as a number); nothing for a scalar.
 */
function members(answers: unknown): [number, unknown][] {
  if (answers === null || typeof answers !== 'object') return [];
  return Object.entries(answers).flatMap(([name, value]): [number, unknown][] =>
    /^(0|[1-9][0-9]{0,14})$/.test(name) ? [[Number(name), value]] : [],
  );
}

/**
 * Wrong and answered counts per quiz × question (questions the key knows,
 * by position in the stored array), only questions answered wrong at least
 * once, most missed first (then most answered, quiz id, question index), at
 * most `limit` rows. A key listed twice for a quiz counts twice, as the join
 * did.
 */
export function countMisses(
  recent: readonly RecentAttempt[],
  keys: readonly AnswerKey[],
  limit: number,
): QuestionMiss[] {
  type Row = { quizId: string; index: number; wrong: number; answered: number };
  const keysOf = new Map<string, (readonly number[])[]>();
  for (const k of keys) keysOf.set(k.quizId, [...(keysOf.get(k.quizId) ?? []), k.answers]);
  const byQuiz = new Map<string, Row[]>();
  const count = (quizId: string, key: readonly number[], index: number, value: unknown): void => {
    if (index >= key.length) return;
    let rows = byQuiz.get(quizId);
    if (!rows) byQuiz.set(quizId, (rows = []));
    let row = rows[index];
    if (!row) rows[index] = row = { quizId, index, wrong: 0, answered: 0 };
    row.answered++;
    if (differs(value, key[index])) row.wrong++;
  };
  for (const attempt of recent) {
    const answerSets = keysOf.get(attempt.quizId);
    if (!answerSets) continue;
    const answers: unknown = JSON.parse(attempt.answers);
    for (const key of answerSets) {
      if (Array.isArray(answers)) answers.forEach((value: unknown, index) => count(attempt.quizId, key, index, value));
      else for (const [index, value] of members(answers)) count(attempt.quizId, key, index, value);
    }
  }
  const counts = [...byQuiz.values()].flat();
  return counts
    .filter((r) => r.wrong > 0)
    .sort(
      (a, b) =>
        b.wrong - a.wrong ||
        b.answered - a.answered ||
        (a.quizId < b.quizId ? -1 : a.quizId > b.quizId ? 1 : 0) ||
        a.index - b.index,
    )
    .slice(0, Math.max(0, limit));
}
