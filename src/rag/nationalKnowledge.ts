/**
 * @module rag/nationalKnowledge
 *
 * The national pages of the knowledge folder, indexed once per process and
 * shared, read-only, by every commune's search (rag/layeredKnowledgeIndex).
 * A server of 100 communes held 100 copies of them (99 pages, about 12 MB of
 * index each before rag/postings packed the lists); now each commune keeps
 * only its own pages and which national pages its rows do not hold as they
 * are here.
 *
 * They are indexed with the recipe of every commune's ingestion (rag/ingest
 * into a store in memory, then rag/knowledgeSnapshot), so a national passage
 * here has exactly the tokens it has when built from a commune's rows: a
 * commune whose stored file has the same hash and the same rows simply points
 * at it. Built from the folder as it is at the first call; a national page
 * changed later is, until the process restarts, each commune's own (its rows
 * no longer match), never a wrong answer.
 */
import { resolve } from 'node:path';
import type { DocumentRow, IndexedFile, KnowledgeRows } from '../core/knowledgeIndex.js';
import type { FaqEntry } from '../core/ports.js';
import { FaqMatcher } from './faqMatcher.js';
import { ingestKnowledge } from './ingest.js';
import type { KnowledgeFile } from './loadKnowledge.js';
import { faqEntryOf, snapshotFromRows } from './knowledgeSnapshot.js';
import type { SnapshotPassage } from './memoryKnowledgeIndex.js';
import { MemoryKnowledgeStore } from './memoryKnowledgeStore.js';
import { Postings } from './postings.js';
import { deletionTable } from './speller.js';

/** A FAQ entry as its file stored it (own variants only), with that file. */
export type StoredFaqEntry = KnowledgeRows['faqEntries'][number];

export class NationalKnowledge {
  /** In id order; a passage's row number is its place here. */
  readonly passages: readonly SnapshotPassage[];
  readonly postings: Postings;
  /** Sorted by ref. */
  readonly documents: readonly DocumentRow[];
  readonly docByRef: ReadonlyMap<string, DocumentRow>;
  /** The rows [start, end) each file (document or FAQ file) contributed. */
  readonly rowsOf: ReadonlyMap<string, { readonly start: number; readonly end: number }>;
  /** The entries each FAQ file stored, in id order. */
  readonly storedEntries: ReadonlyMap<string, readonly StoredFaqEntry[]>;
  /** Sorted by id. */
  readonly faqEntries: readonly FaqEntry[];
  readonly faqById: ReadonlyMap<string, FaqEntry>;
  readonly faqs: FaqMatcher;
  /** The speller's deletion keys of the national words (rag/speller), in term order. */
  readonly deletions: ReadonlyMap<string, readonly string[]>;

  /**
   * @param rows the national layer's rows
   * @param source where they were read: the folder, and each page's front matter (to hand a page to ingestion again)
   */
  constructor(
    rows: KnowledgeRows,
    private readonly source?: {
      readonly root: string;
      readonly metaOf: (ref: string) => Record<string, unknown> | undefined;
    },
  ) {
    const snapshot = snapshotFromRows(rows);
    this.passages = snapshot.passages;
    const rowsOf = new Map<string, { start: number; end: number }>();
    rows.chunks.forEach((c, row) => {
      const range = rowsOf.get(c.ownerRef);
      if (range) range.end = row + 1;
      else rowsOf.set(c.ownerRef, { start: row, end: row + 1 });
    });
    this.rowsOf = rowsOf;
    // Every commune's searches look its terms up: by a map, built once for the process.
    this.postings = new Postings(this.passages, undefined, { termMap: true });
    this.documents = snapshot.documents;
    this.docByRef = new Map(this.documents.map((d) => [d.ref, d]));
    const stored = new Map<string, StoredFaqEntry[]>();
    for (const e of rows.faqEntries) {
      const list = stored.get(e.fileRef);
      if (list) list.push(e);
      else stored.set(e.fileRef, [e]);
    }
    this.storedEntries = stored;
    this.faqEntries = rows.faqEntries.map((e) => faqEntryOf(e, rows.extraVariants));
    this.faqById = new Map(this.faqEntries.map((e) => [e.id, e]));
    this.faqs = new FaqMatcher(this.faqEntries);
    this.deletions = deletionTable(this.postings.terms.filter((t) => !t.includes('_')));
  }

  /** The national layer of the knowledge folder `dir` (its `communes/` folder left out), indexed. */
  static async fromFolder(dir: string): Promise<NationalKnowledge> {
    const store = new MemoryKnowledgeStore();
    await ingestKnowledge({ dir, index: store, clock: { now: () => new Date(0) } });
    return new NationalKnowledge(store.rows(), { root: resolve(dir), metaOf: (ref) => store.metaOf(ref) });
  }

  /**
   * A national page as ingestion would index it, when `file` is that very
   * page (same folder, same content hash): a commune's first ingestion then
   * writes ~100 national pages without reading and tokenizing each again.
   * FAQ files are left to ingestion: their entries depend on the commune's
   * documents.
   */
  indexedFile(file: KnowledgeFile, hash: string): IndexedFile | undefined {
    const doc = this.docByRef.get(file.ref);
    const range = this.rowsOf.get(file.ref);
    const meta = this.source?.metaOf(file.ref);
    if (!this.source || !doc || doc.kind !== 'doc' || file.kind !== 'doc' || doc.hash !== hash || !meta)
      return undefined;
    if (resolve(file.absPath) !== resolve(this.source.root, file.ref)) return undefined;
    const passages = range ? this.passages.slice(range.start, range.end) : [];
    return {
      ref: doc.ref,
      kind: 'doc',
      title: doc.title,
      ...(doc.url !== undefined && { url: doc.url }),
      hash,
      meta,
      passages: passages.map(({ docRef, heading, text, titleTokens, headingTokens, bodyTokens }) => ({
        docRef,
        heading,
        text,
        titleTokens,
        headingTokens,
        bodyTokens,
      })),
    };
  }
}

const shared = new Map<string, Promise<NationalKnowledge>>();

/**
 * The national knowledge of the folder `dir`, built at the first call and
 * shared by every later one in the process (a failed build is tried again).
 */
export function sharedNationalKnowledge(dir: string): Promise<NationalKnowledge> {
  const key = resolve(dir);
  let built = shared.get(key);
  if (!built) {
    built = NationalKnowledge.fromFolder(key);
    shared.set(key, built);
    built.catch(() => shared.delete(key));
  }
  return built;
}
