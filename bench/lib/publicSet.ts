/**
 * Measures retrieval on a public question → passage set (CSV with `context`
 * and `question` columns): every distinct context becomes one `.txt` document
 * in a temporary knowledge folder, indexed by the project's real ingestion and
 * searched by its real retriever (the LangChain `HocvusoRetriever`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { foldMarks } from '../../src/core/text/normalize.js';
import type { Logger } from '../../src/logger.js';
import { HocvusoRetriever } from '../../src/rag/retriever.js';
import { createServices } from '../../src/services.js';
import { NaiveBaseline } from './baseline.js';
import { parseCsv, percentile, retrievalFigures, type RankedCase, type RetrievalFigures } from './metrics.js';

export interface PublicSetResult {
  readonly questions: number;
  readonly documents: number;
  readonly ingestMs: number;
  readonly ours: { written: RetrievalFigures; folded: RetrievalFigures };
  readonly baseline: { written: RetrievalFigures; folded: RetrievalFigures };
  readonly p50Ms: number;
  readonly p95Ms: number;
}

export async function evaluatePublicSet(csvPath: string, workDir: string, logger: Logger): Promise<PublicSetResult> {
  const rows = parseCsv(readFileSync(csvPath, 'utf8'));
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const ci = header.indexOf('context');
  const qi = header.indexOf('question');
  if (ci < 0 || qi < 0) throw new Error(`${csvPath}: needs "context" and "question" columns`);
  const name = csvPath.replace(/[^a-z0-9]+/gi, '_');
  const dir = join(workDir, `public_${name}`);
  mkdirSync(dir, { recursive: true });
  const refOf = new Map<string, string>();
  const cases: { q: string; ref: string }[] = [];
  for (const r of rows.slice(1)) {
    const context = (r[ci] ?? '').trim();
    const q = (r[qi] ?? '').trim();
    if (!context || !q) continue;
    let ref = refOf.get(context);
    if (!ref) {
      ref = `doc-${String(refOf.size + 1).padStart(5, '0')}.txt`;
      refOf.set(context, ref);
      writeFileSync(join(dir, ref), context);
    }
    cases.push({ q, ref });
  }
  const s = createServices(loadConfig({ DATABASE_PATH: join(workDir, `${name}.db`), KNOWLEDGE_DIR: dir }), logger);
  const t0 = performance.now();
  await s.ingest();
  const ingestMs = performance.now() - t0;
  const retriever = new HocvusoRetriever({ search: s.search, k: 10 });
  const baseline = new NaiveBaseline(
    [...refOf].map(([text, ref]) => ({ ref, text })),
    10,
  );
  const written: RankedCase[] = [];
  const folded: RankedCase[] = [];
  const bWritten: RankedCase[] = [];
  const bFolded: RankedCase[] = [];
  const lat: number[] = [];
  for (const c of cases) {
    const t = performance.now();
    const docs = await retriever.invoke(c.q);
    lat.push(performance.now() - t);
    written.push({ gold: [c.ref], ranked: docs.map((d) => String(d.metadata.ref)) });
    const f = foldMarks(c.q);
    folded.push({ gold: [c.ref], ranked: (await retriever.invoke(f)).map((d) => String(d.metadata.ref)) });
    bWritten.push({ gold: [c.ref], ranked: await baseline.rank(c.q) });
    bFolded.push({ gold: [c.ref], ranked: await baseline.rank(f) });
  }
  s.close();
  return {
    questions: cases.length,
    documents: refOf.size,
    ingestMs,
    ours: { written: retrievalFigures(written), folded: retrievalFigures(folded) },
    baseline: { written: retrievalFigures(bWritten), folded: retrievalFigures(bFolded) },
    p50Ms: percentile(lat, 50),
    p95Ms: percentile(lat, 95),
  };
}
