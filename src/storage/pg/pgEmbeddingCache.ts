/**
 * @module storage/pg/pgEmbeddingCache
 *
 * Embedding vectors by (model, sha256 of the embedded text) on PostgreSQL,
 * the twin of storage/sqlite/embeddingCache: one table for the whole install
 * (no commune_id, no row-level security: the same page text costs one call to
 * the endpoint whichever commune indexes it). Vectors are float32 in
 * little-endian byte order, the bytes SQLite stores, so the copy from SQLite
 * (migrateFromSqlite) carries them over unchanged.
 */
import type { CachedEmbedding, EmbeddingCache } from '../../core/knowledgeIndex.js';
import type { PgDb } from './db.js';

/** Hashes per query and rows per INSERT: small enough for the bound-parameter limit and cheap statements. */
const CHUNK = 500;

export class PgEmbeddingCache implements EmbeddingCache {
  constructor(private readonly db: PgDb) {}

  async getMany(model: string, hashes: readonly string[]): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    const unique = [...new Set(hashes)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('embeddings')
        .select(['text_hash', 'dims', 'vector'])
        .where('model', '=', model)
        .where('text_hash', 'in', unique.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) {
        // A row of the wrong size (a manual edit, a crash mid-copy) is treated as missing, as on SQLite.
        if (r.vector.byteLength !== r.dims * 4) continue;
        out.set(r.text_hash, fromBytes(r.vector));
      }
    }
    return out;
  }

  /** Stores vectors in one transaction; an existing (model, hash) is overwritten. */
  async putMany(model: string, entries: readonly CachedEmbedding[]): Promise<void> {
    if (entries.length === 0) return;
    // ON CONFLICT may touch a row once per statement: the last vector of a hash wins, as on SQLite.
    const rows = [...new Map(entries.map((e) => [e.hash, e])).values()].map((e) => ({
      model,
      text_hash: e.hash,
      dims: e.vector.length,
      vector: toBytes(e.vector),
    }));
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        await trx
          .insertInto('embeddings')
          .values(rows.slice(i, i + CHUNK))
          .onConflict((oc) =>
            oc.columns(['model', 'text_hash']).doUpdateSet((eb) => ({
              dims: eb.ref('excluded.dims'),
              vector: eb.ref('excluded.vector'),
            })),
          )
          .execute();
      }
    });
  }

  /** Number of cached vectors for a model (diagnostics and tests). */
  async count(model: string): Promise<number> {
    const row = await this.db
      .selectFrom('embeddings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('model', '=', model)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

/** Float32 in the platform's byte order, little-endian on every machine Node supports in practice. */
function toBytes(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Copies, because a Buffer from the driver need not be 4-byte aligned for a Float32Array view. */
function fromBytes(b: Buffer): Float32Array {
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
