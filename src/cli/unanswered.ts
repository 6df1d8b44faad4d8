/**
 * @module cli/unanswered
 *
 * `cli unanswered`: the questions the assistant could not answer confidently,
 * newest first, so staff can write one FAQ entry that answers them for
 * everyone. Personal numbers and secrets were masked before they were stored.
 * With `--groups`, the same questions grouped as the console groups them
 * (staff/learningGroups): how many residents asked each, in how many words.
 */
import { openDatabase } from '../storage/sqlite/db.js';
import { SqliteUnansweredLog } from '../storage/sqlite/unansweredRepo.js';
import { SqliteLearningRepo } from '../storage/sqlite/learningRepo.js';
import { describeGroups } from '../staff/learningGroups.js';
import type { CliContext } from './index.js';
import { communeClock } from '../core/communeTime.js';

/** What each kind of row means to staff: only "miss" and "thumbs-down" are gaps to fill. */
const KIND_LABELS: Record<string, string> = {
  miss: 'not answered',
  'thumbs-down': 'answered, marked 👎',
  unclear: 'no topic named',
  'out-of-scope': 'out of scope',
};

/** The commune's wall-clock time (Asia/Ho_Chi_Minh, UTC+7), which staff read, from a stored UTC instant. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const { day, time } = communeClock(d);
  return `${day} ${time} (giờ VN)`;
}

export function runUnanswered(ctx: CliContext, limitArg: string | undefined, grouped = false): number {
  const limit = limitArg === undefined ? 50 : Number(limitArg);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    process.stderr.write(`--limit must be a whole number from 1 to 10000 (got "${limitArg}").\n`);
    return 1;
  }
  const db = openDatabase(ctx.config.DATABASE_PATH);
  try {
    if (grouped) return printGroups(ctx, new SqliteLearningRepo(db, ctx.config.COMMUNE_ID), limit);
    const rows = new SqliteUnansweredLog(db, ctx.config.COMMUNE_ID).recent(limit);
    if (rows.length === 0) {
      ctx.stdout.write('No unanswered questions yet.\n');
      return 0;
    }
    for (const r of rows) {
      const best = r.bestRef ? ` (closest: ${r.bestRef}, ${r.bestScore?.toFixed(2) ?? '?'})` : '';
      const kind = KIND_LABELS[r.kind] ?? r.kind;
      ctx.stdout.write(
        `${localTime(r.createdAt)}  [${r.channel}] [${kind}]  ${r.question.replace(/\s+/g, ' ')}${best}\n`,
      );
      if (r.answer) ctx.stdout.write(`    answer given: ${r.answer.replace(/\s+/g, ' ').slice(0, 300)}\n`);
    }
    return 0;
  } finally {
    db.close();
  }
}

/** The open groups, most residents first: what to answer first in the console (/staff/learning). */
function printGroups(ctx: CliContext, repo: SqliteLearningRepo, limit: number): number {
  const open = describeGroups(repo.questions(), repo.decisions()).views.filter(
    (v) => v.state === 'open' && v.questions > 0,
  );
  if (open.length === 0) {
    ctx.stdout.write('Chưa có nhóm câu hỏi nào đang chờ trả lời.\n');
    return 0;
  }
  for (const g of open.slice(0, limit)) {
    const last = g.lastAskedAt ? `, gần nhất ${localTime(g.lastAskedAt)}` : '';
    ctx.stdout.write(`${g.residents} người hỏi, ${g.questions} câu${last}: ${g.representative.replace(/\s+/g, ' ')}\n`);
    for (const w of g.wordings.filter((x) => x !== g.representative).slice(0, 5)) ctx.stdout.write(`    • ${w}\n`);
  }
  return 0;
}
