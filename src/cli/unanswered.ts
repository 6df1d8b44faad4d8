/**
 * @module cli/unanswered
 *
 * `cli unanswered`: the questions the assistant could not answer confidently,
 * newest first, so staff can write one FAQ entry that answers them for
 * everyone. Personal numbers and secrets were masked before they were stored.
 * With `--groups`, the same questions grouped as the console groups them
 * (staff/learningGroups): how many residents asked each, in how many words.
 * With DATABASE_URL the rows are PostgreSQL's (cliStores.ts).
 */
import { describeGroups } from '../staff/learningGroups.js';
import { pgProblemExit, withCliStores, type CliStores } from './cliStores.js';
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

export async function runUnanswered(ctx: CliContext, limitArg: string | undefined, grouped = false): Promise<number> {
  const limit = limitArg === undefined ? 50 : Number(limitArg);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    process.stderr.write(`--limit must be a whole number from 1 to 10000 (got "${limitArg}").\n`);
    return 1;
  }
  try {
    return await withCliStores(ctx, { now: () => new Date() }, (stores) =>
      grouped ? printGroups(ctx, stores.learning, limit) : printRecent(ctx, stores.unanswered, limit),
    );
  } catch (err) {
    return pgProblemExit(ctx, err);
  }
}

/** The newest rows first, one line each (and the answer given, when there was one). */
async function printRecent(ctx: CliContext, log: CliStores['unanswered'], limit: number): Promise<number> {
  const rows = await log.recent(limit);
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
}

/** The open groups, most residents first: what to answer first in the console (/staff/learning). */
async function printGroups(ctx: CliContext, repo: CliStores['learning'], limit: number): Promise<number> {
  const open = describeGroups(await repo.questions(), await repo.decisions()).views.filter(
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
