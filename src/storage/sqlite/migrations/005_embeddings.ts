import type { Migration } from './index.js';

/**
 * Cache of embedding vectors for optional dense retrieval. A vector depends
 * only on the model and the exact text embedded, so the table is keyed by both
 * and shared by every commune of an install: re-indexing, a restart or a second
 * commune with the same guidance never pays the endpoint twice for one text.
 * `vector` holds `dims` little-endian float32 values.
 */
export const m005Embeddings: Migration = {
  version: 5,
  name: 'embeddings',
  sql: `
CREATE TABLE embeddings (
  model TEXT NOT NULL,
  text_hash TEXT NOT NULL,
  dims INTEGER NOT NULL CHECK (dims > 0),
  vector BLOB NOT NULL,
  PRIMARY KEY (model, text_hash)
);
`,
};
