/**
 * @module storage/sqlite/embeddingCache
 *
 * Embedding vectors by (model, sha256 of the embedded text), shared by every
 * commune of the install (see migration 005). Paying an endpoint, or waiting
 * for a CPU server, once per distinct text is what makes re-indexing and
 * restarts free.
 */
import type { CachedEmbedding, EmbeddingCache } from '../../core/knowledgeIndex.js';
import type { Db } from './db.js';

export type { CachedEmbedding } from '../../core/knowledgeIndex.js';

/** SQLite's bound-parameter limit is far higher; small chunks keep each statement cheap. */
const CHUNK = 500;

export class SqliteEmbeddingCache implements EmbeddingCache {
  constructor(private readonly db: Db) {}

  /** Vectors found for the given text hashes; absent hashes are simply missing from the map. */
  getMany(model: string, hashes: readonly string[]): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    const unique = [...new Set(hashes)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const part = unique.slice(i, i + CHUNK);
      const rows = this.db
        .prepare(
          `SELECT text_hash, dims, vector FROM embeddings
            WHERE model = ? AND text_hash IN (${part.map(() => '?').join(', ')})`,
        )
        .all(model, ...part) as { text_hash: string; dims: number; vector: Buffer }[];
      for (const r of rows) {
        // A row of the wrong size (a crash mid-write on another engine, a manual edit) is treated as missing.
        if (r.vector.byteLength !== r.dims * 4) continue;
        out.set(r.text_hash, fromBlob(r.vector));
      }
    }
    return out;
  }

  /** Stores vectors in one transaction; an existing (model, hash) is overwritten. */
  putMany(model: string, entries: readonly CachedEmbedding[]): void {
    if (entries.length === 0) return;
    const insert = this.db.prepare(
      `INSERT INTO embeddings (model, text_hash, dims, vector) VALUES (?, ?, ?, ?)
       ON CONFLICT (model, text_hash) DO UPDATE SET dims = excluded.dims, vector = excluded.vector`,
    );
    this.db.transaction(() => {
      for (const e of entries) insert.run(model, e.hash, e.vector.length, toBlob(e.vector));
    })();
  }

  /** Number of cached vectors for a model (diagnostics and tests). */
  count(model: string): number {
    const row = this.db.prepare('SELECT COUNT(*) AS n FROM embeddings WHERE model = ?').get(model) as { n: number };
    return row.n;
  }
}

/** Float32 in the platform's byte order, which is little-endian on every machine Node supports in practice. */
function toBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Copies, because a Buffer from SQLite need not be 4-byte aligned for a Float32Array view. */
function fromBlob(b: Buffer): Float32Array {
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
