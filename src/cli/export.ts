/**
 * @module cli/export
 *
 * `cli export --format csv [--out FILE]`: completion counts per hamlet ×
 * target group × quiz for staff to open in Excel. The CSV goes to stdout (so
 * it can be piped) or to FILE; what was written and any quiz-bank problem go
 * to stderr, so they never end up inside the spreadsheet.
 */
import { writeFile } from 'node:fs/promises';
import { buildCompletionCsv } from '../reports/completionCsv.js';
import { loadCommune } from '../content/loadCommune.js';
import { loadQuizBanks, MemoryQuizCatalog } from '../content/loadQuizzes.js';
import { openDatabase } from '../storage/sqlite/db.js';
import type { ReportSource } from '../core/stores/reports.js';
import { SqliteReportRepo } from '../storage/sqlite/reportRepo.js';
import { communeInForce } from './communeInForce.js';
import type { CliContext } from './index.js';

export const EXPORT_FORMATS = ['csv'] as const;

export interface ExportOptions {
  /** Defaults to csv, the one format so far. */
  readonly format?: string;
  readonly out?: string;
}

export async function runExport(ctx: CliContext, options: ExportOptions): Promise<number> {
  const format = (options.format ?? 'csv').trim().toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    process.stderr.write(
      `Unknown export format "${options.format ?? ''}". Supported: ${EXPORT_FORMATS.join(', ')}.\n` +
        'Usage: npm run -s cli -- export --format csv [--out FILE]\n',
    );
    return 1;
  }
  if (options.out !== undefined && options.out.trim() === '') {
    process.stderr.write('--out needs a file name, e.g. --out bao-cao.csv\n');
    return 1;
  }

  const dir = ctx.config.KNOWLEDGE_DIR;
  const [banks, communeResult] = await Promise.all([loadQuizBanks(dir), loadCommune(dir)]);
  // A broken bank or commune.yaml does not stop the export (counts live in the database), but staff should know.
  for (const problem of [...banks.problems, ...communeResult.problems]) ctx.logger.warn(problem);
  const catalog = new MemoryQuizCatalog(banks.quizzes, communeResult.commune.coreQuizzes);

  const db = openDatabase(ctx.config.DATABASE_PATH);
  let csv: ReturnType<typeof buildCompletionCsv>;
  try {
    // Hamlets and their names as staff set them in the console, over commune.yaml.
    const commune = communeInForce(communeResult.commune, db, ctx.config.COMMUNE_ID, ctx.logger);
    const repo: ReportSource = new SqliteReportRepo(db, ctx.config.COMMUNE_ID);
    csv = buildCompletionCsv({
      commune,
      quizzes: catalog.list(),
      completions: repo.completionCounts(),
      programme: repo.programmeCounts(),
    });
  } finally {
    db.close();
  }

  if (options.out === undefined) {
    ctx.stdout.write(csv.text);
    return 0;
  }
  try {
    await writeFile(options.out, csv.text, 'utf8');
  } catch (err) {
    const reason = err instanceof Error && 'code' in err ? String(err.code) : String(err);
    process.stderr.write(`Cannot write ${options.out} (${reason}).\n`);
    return 1;
  }
  process.stderr.write(`Wrote ${csv.rows} rows to ${options.out}\n`);
  return 0;
}
