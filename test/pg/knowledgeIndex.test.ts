/**
 * The knowledge index contract on PostgreSQL, as the app role (row-level
 * security applies): a search reads the commune's index in memory, built from
 * its rows after each ingestion, as the service does.
 */
import { loadMemoryIndex } from '../../src/rag/knowledgeSnapshot.js';
import { PgEmbeddingCache } from '../../src/storage/pg/pgEmbeddingCache.js';
import { PgKnowledgeIndex } from '../../src/storage/pg/pgKnowledgeIndex.js';
import { describeKnowledgeIndexContract } from '../contracts/knowledgeIndex.contract.js';
import { openPgContractDb } from './pgContractDb.js';

describeKnowledgeIndexContract('PostgreSQL', async () => {
  const pg = await openPgContractDb();
  return {
    async commune() {
      const { communeId } = await pg.commune();
      const store = new PgKnowledgeIndex(pg.app, communeId);
      return { communeId, store, reader: () => loadMemoryIndex(store) };
    },
    embeddings: new PgEmbeddingCache(pg.app),
    close: () => pg.close(),
  };
});
