/**
 * @module cli/ingest
 *
 * `cli ingest`: brings the index up to date and says what it did, file by
 * file, so a staff member who added a document sees it was taken (or why not).
 * Exits 1 when a file had to be skipped, so scripts notice.
 */
import { createServices } from '../services.js';
import type { CliContext } from './index.js';

export async function runIngest(ctx: CliContext, force: boolean): Promise<number> {
  const services = createServices(ctx.config, ctx.logger);
  try {
    const started = performance.now();
    const r = await services.ingest({ force });
    const out = ctx.stdout;
    out.write(`Knowledge folder: ${ctx.config.KNOWLEDGE_DIR}\nDatabase: ${ctx.config.DATABASE_PATH}\n`);
    for (const ref of r.added) out.write(`  + ${ref}\n`);
    for (const ref of r.updated) out.write(`  ~ ${ref}\n`);
    for (const ref of r.removed) out.write(`  - ${ref}\n`);
    for (const f of r.failed) out.write(`  ! ${f.ref}: ${f.message}\n`);
    for (const w of r.warnings) out.write(`  ? ${w}\n`);
    out.write(
      `Added ${r.added.length}, updated ${r.updated.length}, removed ${r.removed.length}, unchanged ${r.unchanged}, ` +
        `skipped ${r.failed.length}; ${services.index.passageCount()} passages indexed in ${Math.round(performance.now() - started)} ms.\n`,
    );
    return r.failed.length > 0 ? 1 : 0;
  } finally {
    services.close();
  }
}
