/**
 * @module rag/communeKnowledge
 *
 * One commune's knowledge when its rows live in a server database
 * (PostgreSQL): the store ingestion writes to, the index a search reads in
 * memory, and the search itself. Ingestion writes the rows (national pages
 * plus the commune's own folder, rag/knowledgeLayers), then the in-memory
 * index is built again from them, so every process serving the commune
 * searches the same rows with FTS5's scores and no question waits on the
 * database. A server holds one of these per commune.
 */
import type { KnowledgeStore } from '../core/knowledgeIndex.js';
import type { Clock } from '../core/ports.js';
import { ingestKnowledge, type IngestReport } from './ingest.js';
import { SqliteKnowledgeSearch, type DenseReranker } from './knowledgeSearch.js';
import { loadMemoryIndex, type KnowledgeRowSource } from './knowledgeSnapshot.js';
import { MemoryKnowledgeIndex } from './memoryKnowledgeIndex.js';

export interface CommuneKnowledgeDeps {
  /** The commune's rows (storage/pg/pgKnowledgeIndex). */
  readonly store: KnowledgeStore & KnowledgeRowSource;
  /** The knowledge folder: national pages, and `communes/<communeId>/` for this commune's own. */
  readonly dir: string;
  readonly communeId: string;
  readonly clock: Clock;
  /** Dense re-ranking; give it `index` as its passages (DenseIndex `index`) and sync it after `reload`. */
  readonly dense?: DenseReranker;
}

export class CommuneKnowledge {
  /** What a search reads; rebuilt whole by `reload`. */
  readonly index = new MemoryKnowledgeIndex();
  readonly search: SqliteKnowledgeSearch;
  private loaded = false;

  constructor(private readonly deps: CommuneKnowledgeDeps) {
    this.search = new SqliteKnowledgeSearch(this.index, deps.dense);
  }

  /**
   * Brings the commune's rows in line with its folders, then the in-memory
   * index with the rows when anything changed (or on the first call).
   */
  async ingest(opts: { force?: boolean } = {}): Promise<IngestReport> {
    const { dir, communeId, store, clock } = this.deps;
    const report = await ingestKnowledge({ dir, communeId, index: store, clock, force: opts.force });
    if (!this.loaded || report.added.length + report.updated.length + report.removed.length > 0) await this.reload();
    return report;
  }

  /** Builds the in-memory index from the rows as they are now (after another process ingested, say). */
  async reload(): Promise<void> {
    await loadMemoryIndex(this.deps.store, this.index);
    this.search.reload();
    this.loaded = true;
  }
}
