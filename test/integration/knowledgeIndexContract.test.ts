/** The knowledge index contract on SQLite: a search reads the FTS5 tables, filtered by commune. */
import { join } from 'node:path';
import { openDatabase, ensureCommune } from '../../src/storage/sqlite/db.js';
import { SqliteEmbeddingCache } from '../../src/storage/sqlite/embeddingCache.js';
import { SqliteKnowledgeIndex } from '../../src/storage/sqlite/knowledgeIndex.js';
import { describeKnowledgeIndexContract } from '../contracts/knowledgeIndex.contract.js';
import { tempDir } from '../helpers.js';

describeKnowledgeIndexContract('SQLite', () => {
  const tmp = tempDir();
  const db = openDatabase(join(tmp.dir, 'hocvuso.db'));
  let serial = 0;
  return {
    commune() {
      const id = `xa-${++serial}`;
      ensureCommune(db, id);
      const index = new SqliteKnowledgeIndex(db, id);
      return Promise.resolve({ communeId: id, store: index, reader: () => Promise.resolve(index) });
    },
    embeddings: new SqliteEmbeddingCache(db),
    close() {
      db.close();
      tmp.cleanup();
    },
  };
});
