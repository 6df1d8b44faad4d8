/**
 * What the database recorded of the residents' quizzes, for bench:scale's
 * "every completion recorded exactly once": per resident identity (channel,
 * user id), how many passes and how many finished attempts its citizen has.
 * The same query on the leg's SQLite file or PostgreSQL database (read as the
 * superuser, so row-level security hides nothing).
 */
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { adminDb } from './pgBench.js';

export interface CompletionRow {
  readonly channel: string;
  readonly userId: string;
  readonly passes: number;
  readonly finished: number;
}

const QUERY = `
SELECT i.channel AS channel, i.user_id AS user_id,
  (SELECT COUNT(*) FROM quiz_passes p WHERE p.commune_id = i.commune_id AND p.citizen_id = i.citizen_id) AS passes,
  (SELECT COUNT(*) FROM quiz_attempts a
    WHERE a.commune_id = i.commune_id AND a.citizen_id = i.citizen_id AND a.status = 'finished') AS finished
FROM citizen_identities i`;

type Raw = { channel: string; user_id: string; passes: number | string; finished: number | string };

const rowOf = (r: Raw): CompletionRow => ({
  channel: r.channel,
  userId: r.user_id,
  passes: Number(r.passes),
  finished: Number(r.finished),
});

export function sqliteCompletions(file: string): CompletionRow[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(QUERY).all() as Raw[]).map(rowOf);
  } finally {
    db.close();
  }
}

export async function pgCompletions(database: string): Promise<CompletionRow[]> {
  const db = adminDb(database);
  try {
    return (await sql.raw<Raw>(QUERY).execute(db)).rows.map(rowOf);
  } finally {
    await db.destroy();
  }
}

export interface CompletionReport {
  /** Residents who saw "Chúc mừng…đã đạt" and whose citizen has exactly one pass and one finished attempt. */
  readonly exactlyOnce: number;
  /** Residents who passed (as the bench saw it) without a pass recorded. */
  readonly notRecorded: number;
  /** Citizens with more than one pass or finished attempt (a redelivery counted twice). */
  readonly recordedTwice: number;
  /** Web residents are known to the service by a session, not by the bench's name: counted, not matched. */
  readonly webPassesRecorded: number;
}

/**
 * Matches the residents who passed (Telegram "tg:<chat>", Zalo "zalo:<user>",
 * web by count) against the rows. Each of these residents took one quiz once.
 */
export function compareCompletions(passed: readonly string[], rows: readonly CompletionRow[]): CompletionReport {
  const byKey = new Map(rows.map((r) => [`${r.channel === 'telegram' ? 'tg' : r.channel}:${r.userId}`, r]));
  let exactlyOnce = 0;
  let notRecorded = 0;
  const webPassed = passed.filter((p) => p.startsWith('web:')).length;
  const webOnce = rows.filter((r) => r.channel === 'web' && r.passes === 1 && r.finished === 1).length;
  for (const who of passed) {
    if (who.startsWith('web:')) continue;
    const r = byKey.get(who);
    if (r?.passes === 1 && r.finished === 1) exactlyOnce++;
    else if (!r || r.passes === 0) notRecorded++;
  }
  exactlyOnce += Math.min(webPassed, webOnce);
  notRecorded += Math.max(0, webPassed - webOnce);
  const recordedTwice = rows.filter((r) => r.passes > 1 || r.finished > 1).length;
  return { exactlyOnce, notRecorded, recordedTwice, webPassesRecorded: webOnce };
}
