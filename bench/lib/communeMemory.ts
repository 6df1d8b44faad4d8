/**
 * The process of bench:scale's memory leg, started as a child with
 * `npm start`'s Node flags: it opens every commune of a knowledge root on
 * PostgreSQL the way a server of many communes holds them (src/pgCommune.ts
 * `openPgCommune`: settings, quizzes, rows ingested, the in-memory search
 * index over the national one every commune shares, engine and turn
 * runner), keeps them all, and prints one JSON line with its resident memory
 * and V8 heap (after a full GC) before the first commune, after it and after
 * all of them, and how many of the passages searched are shared national ones.
 *
 * Usage: node … bench/lib/communeMemory.ts <knowledge root> <commune ids, comma-separated>
 * with DATABASE_URL set (the app role).
 */
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { openPgCommune, type PgCommune } from '../../src/pgCommune.js';
import { openPgDatabase } from '../../src/storage/pg/db.js';
import { rssOf } from './procStats.js';

const [root = 'knowledge', ids = ''] = process.argv.slice(2);
const config = loadConfig({ ...process.env, KNOWLEDGE_DIR: root, LOG_LEVEL: 'silent' });
const logger = createLogger('silent');
const url = config.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set');
const pg = openPgDatabase(url, { max: 4, applicationName: 'hocvuso-bench-communes' });
const held: PgCommune[] = [];
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const heapMb = (): number => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const baseHeapMb = heapMb();
const t0 = performance.now();
const base = rssOf(process.pid);
let first = base;
let firstHeapMb = baseHeapMb;
for (const id of ids.split(',').filter(Boolean)) {
  held.push(await openPgCommune(config, logger, pg, id));
  if (held.length === 1) {
    first = rssOf(process.pid);
    firstHeapMb = heapMb();
  }
}
const seconds = (performance.now() - t0) / 1000;
gc();
const after = rssOf(process.pid);
const documents = held.reduce((n, c) => n + c.knowledge.index.documents().length, 0);
const passages = held.reduce((n, c) => n + c.knowledge.index.passageCount(), 0);
const shared = held.reduce(
  (n, c) => n + ('sharedPassageCount' in c.knowledge.index ? c.knowledge.index.sharedPassageCount() : 0),
  0,
);
process.stdout.write(
  `${JSON.stringify({
    communes: held.length,
    documentsHeld: documents,
    loadSeconds: seconds,
    baseRssMb: base.rssMb,
    firstCommuneRssMb: first.rssMb,
    allRssMb: after.rssMb,
    peakRssMb: after.peakMb,
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
    baseHeapMb,
    firstCommuneHeapMb: firstHeapMb,
    passagesSearched: passages,
    sharedPassagesSearched: shared,
  })}\n`,
);
await pg.destroy();
