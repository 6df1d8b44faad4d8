/**
 * @module cli/ingest
 *
 * `cli ingest`: brings the index up to date and says what it did, file by
 * file, so a staff member who added a document sees it was taken (or why not).
 * Exits 1 when a file had to be skipped, so scripts notice. With DATABASE_URL
 * it indexes COMMUNE_ID's rows in PostgreSQL (its folder over the national
 * pages); running services pick the change up within seconds (pgCommune.ts
 * `watch`), as a SQLite server does before its next turn.
 */
import type { IngestReport } from '../rag/ingest.js';
import { createServices } from '../services.js';
import type { CliContext } from './index.js';

function printReport(ctx: CliContext, r: IngestReport, database: string, passages: number, ms: number): number {
  const out = ctx.stdout;
  out.write(`Knowledge folder: ${ctx.config.KNOWLEDGE_DIR}\nDatabase: ${database}\n`);
  for (const ref of r.added) out.write(`  + ${ref}\n`);
  for (const ref of r.updated) out.write(`  ~ ${ref}\n`);
  for (const ref of r.removed) out.write(`  - ${ref}\n`);
  for (const f of r.failed) out.write(`  ! ${f.ref}: ${f.message}\n`);
  for (const w of r.warnings) out.write(`  ? ${w}\n`);
  out.write(
    `Added ${r.added.length}, updated ${r.updated.length}, removed ${r.removed.length}, unchanged ${r.unchanged}, ` +
      `skipped ${r.failed.length}; ${passages} passages indexed in ${Math.round(ms)} ms.\n`,
  );
  return r.failed.length > 0 ? 1 : 0;
}

async function ingestOnPg(ctx: CliContext, url: string, force: boolean): Promise<number> {
  const [{ openPgDatabase }, { redactDatabaseUrl }, { openPgCommune }, { pgConnectionProblem }] = await Promise.all([
    import('../storage/pg/db.js'),
    import('../databaseUrl.js'),
    import('../pgCommune.js'),
    import('../storage/pg/pgProblems.js'),
  ]);
  const pg = openPgDatabase(url, { max: 2, applicationName: 'hocvuso-cli' });
  try {
    const started = performance.now();
    // Opening the commune indexes what changed (and tells other processes); with --force, every file, once.
    const commune = await openPgCommune(ctx.config, ctx.logger, pg, ctx.config.COMMUNE_ID, { forceIngest: force });
    const report = commune.opened;
    return printReport(
      ctx,
      report,
      redactDatabaseUrl(url),
      commune.knowledge.index.allPassages().length,
      performance.now() - started,
    );
  } catch (err) {
    const problem = pgConnectionProblem(err);
    if (problem === undefined) throw err;
    process.stderr.write(`Lỗi: ${problem}\n`);
    return 1;
  } finally {
    await pg.destroy();
  }
}

export async function runIngest(ctx: CliContext, force: boolean): Promise<number> {
  const url = ctx.config.DATABASE_URL;
  if (url !== undefined) return ingestOnPg(ctx, url, force);
  const services = createServices(ctx.config, ctx.logger);
  try {
    const started = performance.now();
    const r = await services.ingest({ force });
    return printReport(ctx, r, ctx.config.DATABASE_PATH, services.index.passageCount(), performance.now() - started);
  } finally {
    services.close();
  }
}
