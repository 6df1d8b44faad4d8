/**
 * @module rag/communeKnowledge
 *
 * One commune's knowledge when its rows live in a server database
 * (PostgreSQL): the store ingestion writes to, the index a search reads in
 * memory, and the search itself. Ingestion writes the rows (national pages
 * plus the commune's own folder, rag/knowledgeLayers), then the in-memory
 * index is built again from them, so every process serving the commune
 * searches the same rows with FTS5's scores and no question waits on the
 * database. A server holds one of these per commune; given the national
 * index every commune of the process shares (rag/nationalKnowledge), it keeps
 * only the commune's own passages (rag/layeredKnowledgeIndex), with the same
 * scores.
 */
import type { KnowledgeStore } from '../core/knowledgeIndex.js';
import type { Clock } from '../core/ports.js';
import { ingestKnowledge, type IngestReport } from './ingest.js';
import { SqliteKnowledgeSearch, type DenseReranker } from './knowledgeSearch.js';
import { snapshotFromRows, type KnowledgeRowSource } from './knowledgeSnapshot.js';
import { LayeredKnowledgeIndex } from './layeredKnowledgeIndex.js';
import { MemoryKnowledgeIndex } from './memoryKnowledgeIndex.js';
import type { NationalKnowledge } from './nationalKnowledge.js';

export interface CommuneKnowledgeDeps {
  /** The commune's rows (storage/pg/pgKnowledgeIndex). */
  readonly store: KnowledgeStore & KnowledgeRowSource;
  /** The knowledge folder: national pages, and `communes/<communeId>/` for this commune's own. */
  readonly dir: string;
  readonly communeId: string;
  readonly clock: Clock;
  /** Dense re-ranking; give it `index` as its passages (DenseIndex `index`) and sync it after `reload`. */
  readonly dense?: DenseReranker;
  /** The national pages, indexed once for the whole process (rag/nationalKnowledge `sharedNationalKnowledge`). */
  readonly national?: NationalKnowledge;
}

export class CommuneKnowledge {
  /** What a search reads; rebuilt whole by `reload`. */
  readonly index: MemoryKnowledgeIndex | LayeredKnowledgeIndex;
  readonly search: SqliteKnowledgeSearch;
  private loaded = false;

  constructor(private readonly deps: CommuneKnowledgeDeps) {
    this.index = deps.national ? new LayeredKnowledgeIndex(deps.national) : new MemoryKnowledgeIndex();
    this.search = new SqliteKnowledgeSearch(this.index, deps.dense, { cacheStatistics: false });
  }

  /**
   * Brings the commune's rows in line with its folders, then the in-memory
   * index with the rows when anything changed (or on the first call).
   * `reload: false` leaves the index to the caller, who reloads it once after
   * its own writes (pgCommune: the console's FAQ, the generation) instead of
   * building it twice.
   */
  async ingest(opts: { force?: boolean; reload?: boolean } = {}): Promise<IngestReport> {
    const { dir, communeId, store, clock } = this.deps;
    const national = this.deps.national;
    const report = await ingestKnowledge({
      dir,
      communeId,
      index: store,
      clock,
      force: opts.force,
      ...(national && { indexed: (file, hash) => national.indexedFile(file, hash) }),
    });
    const changed = report.added.length + report.updated.length + report.removed.length > 0;
    if (opts.reload !== false && (!this.loaded || changed)) await this.reload();
    return report;
  }

  /** Whether the in-memory index has been built from the rows at least once. */
  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Builds the in-memory index from the rows as they are now (after another process ingested, say). */
  async reload(): Promise<void> {
    const rows = await this.deps.store.rows();
    if (this.index instanceof LayeredKnowledgeIndex) this.index.load(rows);
    else this.index.load(snapshotFromRows(rows));
    this.search.reload();
    this.loaded = true;
  }
}
