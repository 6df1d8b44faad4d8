/**
 * @module cli/export
 *
 * `cli export --format csv|xlsx [--year 2026] [--hamlet ID] [--group ID]
 * [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--sep semicolon|comma] [--out FILE]`:
 * the progress report against the plan's targets, the same file the staff
 * console offers, streamed to FILE or to stdout (so it can be piped). An
 * XLSX is binary: it goes to stdout only when stdout is not a terminal.
 * `--format completions-csv` still writes the older per-quiz completion
 * counts (hamlet × group × quiz). Messages go to stderr, in Vietnamese.
 * With DATABASE_URL the counts are PostgreSQL's (cliStores.ts), else the
 * SQLite file's.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { buildCompletionCsv } from '../reports/completionCsv.js';
import { loadCommune } from '../content/loadCommune.js';
import { loadQuizBanks, MemoryQuizCatalog } from '../content/loadQuizzes.js';
import type { PopulationSource, ReportSource } from '../core/stores/reports.js';
import { openCliStores, pgProblemExit, type CliStores } from './cliStores.js';
import { pgConnectionProblem } from '../storage/pg/pgProblems.js';
import { progressCsv } from '../reports/progressCsv.js';
import { progressReport } from '../reports/progressData.js';
import { writeProgressXlsx } from '../reports/progressXlsx.js';
import { parseReportQuery } from '../staff/reportQuery.js';
import type { CliContext } from './index.js';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'completions-csv'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

const USAGE =
  'Cách dùng: npm run -s cli -- export --format csv|xlsx [--year 2026] [--hamlet xom-1] [--group nguoi-dan] ' +
  '[--from 2026-01-01] [--to 2026-12-31] [--sep semicolon|comma] [--out TỆP]\n';

/** Where the population the shares are computed over comes from. */
export type PopulationOpener = (stores: CliStores) => PopulationSource;

/** The population and VNeID-certified counts staff entered (console or `cli population import`). */
const STAFF_POPULATION: PopulationOpener = (stores) => stores.population;

const fail = (message: string): number => {
  process.stderr.write(`${message}\n${USAGE}`);
  return 1;
};

/** Writes chunks with backpressure and leaves `out` open (stdout must stay usable). */
async function writeAll(chunks: Iterable<string>, out: NodeJS.WritableStream): Promise<void> {
  for (const chunk of chunks) if (!out.write(chunk)) await once(out as Writable, 'drain');
}

export async function runExport(
  ctx: CliContext,
  args: readonly string[],
  openPopulation: PopulationOpener = STAFF_POPULATION,
): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        ['format', 'out', 'year', 'hamlet', 'group', 'from', 'to', 'sep'].map((k) => [k, { type: 'string' }]),
      ),
    }).values;
  } catch (err) {
    return fail(`Tham số không hợp lệ: ${err instanceof Error ? err.message : String(err)}`);
  }
  const format = (values.format ?? 'csv').trim().toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    return fail(`Không hỗ trợ định dạng "${values.format ?? ''}". Các định dạng: ${EXPORT_FORMATS.join(', ')}.`);
  }
  const out = values.out;
  if (out !== undefined && out.trim() === '') return fail('--out cần tên tệp, ví dụ --out bao-cao.xlsx');
  const stdoutIsTty = (ctx.stdout as { isTTY?: boolean }).isTTY === true;
  if (format === 'xlsx' && out === undefined && stdoutIsTty) {
    return fail('Tệp XLSX là dữ liệu nhị phân: hãy ghi ra tệp bằng --out bao-cao.xlsx (hoặc chuyển hướng > tệp).');
  }
  const raw = Object.fromEntries(
    ['year', 'hamlet', 'group', 'from', 'to', 'sep'].flatMap((k) => (values[k] !== undefined ? [[k, values[k]]] : [])),
  ) as Record<string, string>;
  const parsed = parseReportQuery(raw, new Date());
  if (!parsed.ok) return fail(parsed.error);

  const dir = ctx.config.KNOWLEDGE_DIR;
  const [banks, communeResult] = await Promise.all([loadQuizBanks(dir), loadCommune(dir)]);
  // A broken bank or commune.yaml does not stop the export (counts live in the database), but staff should know.
  for (const problem of [...banks.problems, ...communeResult.problems]) ctx.logger.warn(problem);
  const catalog = new MemoryQuizCatalog(banks.quizzes, communeResult.commune.coreQuizzes);

  const clock = { now: () => new Date() };
  const stores = await openCliStores(ctx, clock);
  try {
    // Hamlets and their names as staff set them in the console, over commune.yaml.
    const commune = await stores.communeInForce(communeResult.commune, ctx.logger);
    const reports: ReportSource = stores.reports;
    const target: NodeJS.WritableStream = out === undefined ? ctx.stdout : createWriteStream(out);
    const kind = format as ExportFormat;
    if (kind === 'completions-csv') {
      const csv = buildCompletionCsv({
        commune,
        quizzes: catalog.list(),
        completions: await reports.completionCounts(),
        programme: await reports.programmeCounts(),
      });
      await finish([csv.text], target, out);
    } else {
      const report = await progressReport(
        {
          reports,
          population: openPopulation(stores),
          commune: () => commune,
          quizzes: () => catalog.list(),
          clock,
        },
        parsed.query,
      );
      if (kind === 'csv') await finish(progressCsv(report, parsed.separator), target, out);
      else {
        const zip = new PassThrough();
        const written = writeProgressXlsx(report, zip).catch((err: unknown) => {
          zip.destroy(err instanceof Error ? err : new Error(String(err)));
        });
        await Promise.all([written, finish(zip, target, out)]);
      }
    }
    // Every export is on record, from the console or from here.
    await stores.audit.record({
      actorId: 'cli',
      action: 'report.export',
      target: kind,
      details: kind === 'completions-csv' ? {} : { ...parsed.query },
    });
  } catch (err) {
    // PostgreSQL not set up (no server, no tables): said as every command says it, not as a write error.
    if (stores.database === 'postgres' && pgConnectionProblem(err) !== undefined) return pgProblemExit(ctx, err);
    const reason = err instanceof Error && 'code' in err ? String(err.code) : String(err);
    process.stderr.write(`Không ghi được ${out ?? 'ra màn hình'} (${reason}).\n`);
    return 1;
  } finally {
    await stores.close();
  }
  if (out !== undefined) process.stderr.write(`Đã ghi báo cáo (${format}) vào ${out}\n`);
  return 0;
}

/** Into a file: a pipeline that closes it. To stdout: written with backpressure and left open. */
async function finish(
  chunks: Iterable<string> | AsyncIterable<string | Buffer>,
  target: NodeJS.WritableStream,
  out: string | undefined,
): Promise<void> {
  if (out !== undefined) {
    await pipeline(Readable.from(chunks), target as Writable);
    return;
  }
  if (Symbol.asyncIterator in chunks) {
    for await (const chunk of chunks) if (!target.write(chunk)) await once(target as Writable, 'drain');
  } else await writeAll(chunks, target);
}
