/**
 * @module rag/denseIndex
 *
 * Optional dense retrieval: every passage of the commune embedded once
 * (vectors cached in SQLite by model and text hash), held in memory as one
 * normalised matrix, and searched by brute-force cosine. Brute force is exact
 * and needs no index to keep in sync; a commune's guidance is a few thousand
 * passages, and even 20,000 passages of 256 dimensions take milliseconds.
 *
 * Dense and lexical rankings are combined by reciprocal rank fusion, which
 * needs no calibration between bm25 and cosine. Two choices keep the honest
 * "not sure" intact:
 *
 * - `score` stays the lexical evidence of each document (0 for one found only
 *   by dense search); fusion changes the order only. `DocumentHit.score` is
 *   documented as evidence "for display and thresholds", and it feeds the log
 *   of unanswered questions: a normalised fusion score would put every top
 *   document near 1 whether or not it answers anything.
 * - A document found only by dense search enters with its best passage and
 *   coverage 0, so it can be listed as a source but can never make an answer
 *   confident. It cannot come first either while any lexical document exists:
 *   its fused score is at most 1/(k+1), which the lexical first already has,
 *   and fusion breaks ties in favour of the lexical ranking.
 *
 * The endpoint is a convenience, never a dependency of an answer: when it
 * fails, the lexical result is returned unchanged, the failure is logged once
 * per outage, and the endpoint is left alone for a short pause so residents do
 * not each wait for a timeout.
 */
import { createHash } from 'node:crypto';
import type { DocumentHit } from '../core/ports.js';
import type { Logger } from '../logger.js';
import type { EmbeddingCache, KnowledgeReader, PassageRow } from '../core/knowledgeIndex.js';
import type { Embedder } from './embeddings.js';
import type { DenseReranker } from './knowledgeSearch.js';
import { reciprocalRankFusion, RRF_K } from './rrf.js';

/** Dense documents taken into the fusion: as deep as the lexical list, at least this. */
const MIN_DENSE_DEPTH = 10;
/** Texts sent per `embed` call during sync; each call's vectors are cached before the next. */
const SYNC_CHUNK = 256;
/** A question waits at most this long for its vector, with no retry, before falling back to lexical. */
const QUERY_TIMEOUT_MS = 5_000;
/** After a failure the endpoint is not called again for this long. */
const PAUSE_MS = 30_000;
const QUESTION_CACHE = 256;

export interface DenseIndexDeps {
  readonly embedder: Embedder;
  readonly cache: EmbeddingCache;
  readonly index: Pick<KnowledgeReader, 'allPassages'>;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  /** Monotonic milliseconds, for the pause after a failure (injected in tests). */
  readonly now?: () => number;
}

export interface DenseSyncReport {
  readonly passages: number;
  /** Passages with a vector in memory after the sync. */
  readonly vectors: number;
  /** Distinct texts sent to the endpoint by this sync. */
  readonly embedded: number;
  /** Why some passages have no vector (the endpoint failed); they are retried later. */
  readonly error?: string;
}

/** The passage vectors of the commune as one row-major matrix of unit vectors. */
interface Snapshot {
  readonly dims: number;
  readonly matrix: Float32Array;
  readonly rows: readonly PassageRow[];
  /** Index into `docRefs` of each row's document. */
  readonly docOf: Int32Array;
  readonly docRefs: readonly string[];
  /** Passages with no vector yet (the endpoint failed during sync): a later sync retries them. */
  readonly missing: number;
  /** Passages whose cached vector has another length than the others (the model changed under its name). */
  readonly mismatched: number;
}

export interface DenseDoc {
  readonly ref: string;
  readonly row: PassageRow;
  readonly cosine: number;
}

/** What is embedded for a passage: the document title and heading path say what the text is about. */
export function embeddingText(p: Pick<PassageRow, 'title' | 'heading' | 'text'>): string {
  return [p.title, p.heading, p.text].filter((s) => s.trim() !== '').join('\n');
}

export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Scales to unit length in place (a zero vector stays zero and matches nothing). */
export function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}

export class DenseIndex implements DenseReranker {
  private snapshot: Snapshot | undefined;
  private syncing: Promise<DenseSyncReport> | undefined;
  private readonly questions = new Map<string, Float32Array>();
  private failing = false;
  private pausedUntil = -Infinity;
  private readonly now: () => number;

  constructor(private readonly deps: DenseIndexDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  get model(): string {
    return this.deps.embedder.model;
  }

  /** Passages with a vector in memory. */
  get size(): number {
    return this.snapshot?.rows.length ?? 0;
  }

  /**
   * Embeds the passages whose text is not cached yet and reloads every vector
   * of the commune. Call after ingestion. Resolves even when the endpoint
   * fails (with `error` set, the failure logged once); what was embedded
   * before the failure is kept, and the rest is retried by a later sync.
   * A call made while another sync runs starts after it, so it always sees
   * the index as it is now.
   */
  sync(): Promise<DenseSyncReport> {
    const load = (): Promise<DenseSyncReport> => this.load();
    const run = (this.syncing ?? Promise.resolve()).then(load, load);
    this.syncing = run;
    const settle = (): void => {
      if (this.syncing === run) this.syncing = undefined;
    };
    void run.then(settle, settle);
    return run;
  }

  async fuse(question: string, docs: DocumentHit[]): Promise<DocumentHit[]> {
    const snap = this.snapshot;
    if (this.now() < this.pausedUntil) return docs;
    if (!snap || snap.missing > 0) this.resyncInBackground();
    if (!snap || snap.rows.length === 0) return docs;
    let q: Float32Array;
    try {
      q = await this.questionVector(question);
    } catch (err) {
      this.noteFailure(err);
      return docs;
    }
    this.noteSuccess();
    if (q.length !== snap.dims) {
      this.noteFailure(new Error(`question vector has ${q.length} dimensions, passages ${snap.dims}`));
      return docs;
    }
    const dense = rankDocuments(snap, q, Math.max(docs.length, MIN_DENSE_DEPTH));
    return fuseRankings(docs, dense);
  }

  private async load(): Promise<DenseSyncReport> {
    const { embedder, cache, index } = this.deps;
    const rows = index.allPassages();
    const hashes = rows.map((r) => textHash(embeddingText(r)));
    const vectors = await cache.getMany(embedder.model, hashes);
    const todo = new Map<string, string>();
    rows.forEach((r, i) => {
      const h = hashes[i]!;
      if (!vectors.has(h)) todo.set(h, embeddingText(r));
    });
    const pending = [...todo.entries()];
    let embedded = 0;
    let error: string | undefined;
    if (pending.length > 0 && this.now() < this.pausedUntil) error = 'embeddings endpoint paused after a failure';
    for (let i = 0; i < pending.length && error === undefined; i += SYNC_CHUNK) {
      const part = pending.slice(i, i + SYNC_CHUNK);
      try {
        const got = await embedder.embed(part.map(([, text]) => text));
        const entries = part.map(([hash], j) => ({ hash, vector: got[j]! }));
        await cache.putMany(embedder.model, entries);
        for (const e of entries) vectors.set(e.hash, e.vector);
        embedded += part.length;
        this.noteSuccess();
      } catch (err) {
        this.noteFailure(err);
        error = err instanceof Error ? err.message : String(err);
      }
    }
    this.snapshot = buildSnapshot(rows, hashes, vectors);
    if (this.snapshot.mismatched > 0) {
      this.deps.logger.warn(
        { model: embedder.model, passages: this.snapshot.mismatched },
        'cached vectors of different lengths for one model: those passages are left out of dense ranking',
      );
    }
    return {
      passages: rows.length,
      vectors: this.snapshot.rows.length,
      embedded,
      ...(error !== undefined && { error }),
    };
  }

  private resyncInBackground(): void {
    if (this.syncing) return;
    // sync() never rejects for an endpoint failure; anything else is a bug worth a log line.
    this.sync().catch((err: unknown) => this.deps.logger.warn({ err }, 'dense index sync failed'));
  }

  private async questionVector(question: string): Promise<Float32Array> {
    const key = question.normalize('NFC').trim();
    const hit = this.questions.get(key);
    if (hit) {
      this.questions.delete(key);
      this.questions.set(key, hit);
      return hit;
    }
    const [v] = await this.deps.embedder.embed([key], { timeoutMs: QUERY_TIMEOUT_MS, maxRetries: 0 });
    if (!v) throw new Error('no vector for the question');
    const unit = normalise(v);
    this.questions.set(key, unit);
    if (this.questions.size > QUESTION_CACHE) {
      const oldest = this.questions.keys().next();
      if (!oldest.done) this.questions.delete(oldest.value);
    }
    return unit;
  }

  private noteFailure(err: unknown): void {
    this.pausedUntil = this.now() + PAUSE_MS;
    if (this.failing) return;
    this.failing = true;
    this.deps.logger.warn(
      { err, model: this.model, pauseMs: PAUSE_MS },
      'embeddings endpoint unavailable: answering with lexical ranking only',
    );
  }

  private noteSuccess(): void {
    if (!this.failing) return;
    this.failing = false;
    this.deps.logger.info({ model: this.model }, 'embeddings endpoint available again: dense ranking resumed');
  }
}

/** Rows whose vector is known, normalised, in one matrix; rows of another length than the first are left out. */
function buildSnapshot(
  rows: readonly PassageRow[],
  hashes: readonly string[],
  vectors: ReadonlyMap<string, Float32Array>,
): Snapshot {
  let dims = 0;
  let missing = 0;
  const kept: { row: PassageRow; vector: Float32Array }[] = [];
  rows.forEach((row, i) => {
    const v = vectors.get(hashes[i]!);
    if (!v || v.length === 0) {
      missing++;
      return;
    }
    if (dims === 0) dims = v.length;
    if (v.length === dims) kept.push({ row, vector: v });
  });
  const matrix = new Float32Array(kept.length * dims);
  const docOf = new Int32Array(kept.length);
  const docIds = new Map<string, number>();
  kept.forEach(({ row, vector }, i) => {
    matrix.set(vector, i * dims);
    normalise(matrix.subarray(i * dims, (i + 1) * dims));
    let d = docIds.get(row.docRef);
    if (d === undefined) {
      d = docIds.size;
      docIds.set(row.docRef, d);
    }
    docOf[i] = d;
  });
  return {
    dims,
    matrix,
    rows: kept.map((k) => k.row),
    docOf,
    docRefs: [...docIds.keys()],
    missing,
    mismatched: rows.length - missing - kept.length,
  };
}

/**
 * Dot product of row `off` of the matrix with `q`. Four partial sums let the
 * CPU overlap the multiplications: about 20% faster on 20,000 × 256, where the
 * scan is bound by reading the matrix (20 MB) from memory.
 */
function dotAt(matrix: Float32Array, off: number, q: Float32Array, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dims; j += 4) {
    s0 += matrix[off + j]! * q[j]!;
    s1 += matrix[off + j + 1]! * q[j + 1]!;
    s2 += matrix[off + j + 2]! * q[j + 2]!;
    s3 += matrix[off + j + 3]! * q[j + 3]!;
  }
  for (; j < dims; j++) s0 += matrix[off + j]! * q[j]!;
  return s0 + s1 + s2 + s3;
}

/** Documents by their best passage's cosine to the unit question vector, best first, at most `depth`. */
function rankDocuments(snap: Snapshot, q: Float32Array, depth: number): DenseDoc[] {
  const { dims, matrix, docOf } = snap;
  const best = new Float64Array(snap.docRefs.length).fill(-Infinity);
  const bestRow = new Int32Array(snap.docRefs.length).fill(-1);
  for (let r = 0, off = 0; r < snap.rows.length; r++, off += dims) {
    const dot = dotAt(matrix, off, q, dims);
    const d = docOf[r]!;
    if (dot > best[d]!) {
      best[d] = dot;
      bestRow[d] = r;
    }
  }
  const order = [...best.keys()].filter((d) => bestRow[d]! >= 0).sort((a, b) => best[b]! - best[a]! || a - b);
  return order.slice(0, depth).map((d) => ({
    ref: snap.docRefs[d]!,
    row: snap.rows[bestRow[d]!]!,
    cosine: best[d]!,
  }));
}

/**
 * The lexical documents and the dense ones in fused order. Lexical hits keep
 * their passage and score; a document only dense search found gets its best
 * passage with no lexical evidence (score and coverage 0).
 */
export function fuseRankings(lexical: readonly DocumentHit[], dense: readonly DenseDoc[]): DocumentHit[] {
  const byRef = new Map<string, DocumentHit>(lexical.map((d) => [d.ref, d]));
  const denseByRef = new Map(dense.map((d) => [d.ref, d]));
  const fused = reciprocalRankFusion([lexical.map((d) => d.ref), dense.map((d) => d.ref)], RRF_K);
  const out: DocumentHit[] = [];
  for (const { id } of fused) {
    const hit = byRef.get(id);
    if (hit) {
      out.push(hit);
      continue;
    }
    const d = denseByRef.get(id);
    if (!d) continue;
    out.push({
      ref: d.ref,
      title: d.row.title,
      url: d.row.url,
      score: 0,
      best: { docRef: d.ref, heading: d.row.heading, text: d.row.text, score: 0, coverage: 0 },
    });
  }
  return out;
}
