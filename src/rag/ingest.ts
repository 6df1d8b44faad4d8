/**
 * @module rag/ingest
 *
 * Brings the search index in line with the knowledge folder, touching only
 * files whose content hash changed. Runs at every start and before every CLI
 * question, so a staff member who saves a new guidance file never has to
 * remember a separate step; `cli ingest` runs the same thing by hand and prints
 * the report.
 */
import type { Clock } from '../core/ports.js';
import { indexText } from '../core/text/normalize.js';
import type { IndexedFile, IndexedPassage, KnowledgeStore } from '../core/knowledgeIndex.js';
import type { MaybePromise } from '../core/ports.js';
import { isConsoleRef } from './consoleFaq.js';
import { listCommuneKnowledgeFiles } from './knowledgeLayers.js';
import { hashFile, loadKnowledgeFile, type KnowledgeFile, type LoadedFile } from './loadKnowledge.js';
import { passagesOf } from './splitter.js';

export interface IngestReport {
  readonly added: string[];
  readonly updated: string[];
  readonly removed: string[];
  unchanged: number;
  /** Files that could not be indexed, each with the reason; the rest of the folder was indexed. */
  readonly failed: { ref: string; message: string }[];
  /** Problems inside files that were indexed (a bad FAQ entry, a FAQ citing a missing document). */
  readonly warnings: string[];
}

export interface IngestDeps {
  /** The knowledge folder (national pages, and the default commune's as today). */
  readonly dir: string;
  /**
   * The commune indexed: its own folder `<dir>/communes/<communeId>/`, when
   * there is one, adds pages and overrides national ones (rag/knowledgeLayers).
   * Without it only `dir` is read.
   */
  readonly communeId?: string;
  /** SQLite, or one commune of PostgreSQL: every call is awaited. */
  readonly index: KnowledgeStore;
  readonly clock: Clock;
  /** Re-index every file even when its hash is unchanged (after an upgrade of the normaliser). */
  readonly force?: boolean;
  /**
   * A document already indexed elsewhere in the process, as this ingestion
   * would index it (rag/nationalKnowledge `indexedFile`), or undefined to read it.
   */
  readonly indexed?: (file: KnowledgeFile, hash: string) => IndexedFile | undefined;
}

/**
 * A store that replaces many files in one transaction (storage/pg/pgKnowledgeIndex):
 * the first ingestion of a commune on PostgreSQL writes ~150 files, and one
 * transaction per file was about 1,300 round trips to the server.
 */
export interface BatchKnowledgeStore extends KnowledgeStore {
  /** As `replaceFile` for each file in order, in one transaction. */
  replaceFiles(files: readonly IndexedFile[], at: Date): MaybePromise<void>;
}

function canBatch(index: KnowledgeStore): index is BatchKnowledgeStore {
  return typeof (index as Partial<BatchKnowledgeStore>).replaceFiles === 'function';
}

/** Passages held back at most before a batch is written (bounds the memory of a first ingestion). */
const BATCH_PASSAGES = 5000;

/**
 * Writes files as ingestion indexes them: at once, or, when the store can,
 * held back and written together before the next read of the store and at
 * the end. A batch the store refuses is written again file by file, so one
 * bad file is reported alone, as without batches.
 */
class FileWriter {
  private pending: { file: IndexedFile; added: boolean }[] = [];
  private passages = 0;

  constructor(
    private readonly index: KnowledgeStore,
    private readonly clock: Clock,
    private readonly report: IngestReport,
    /** Called for a file that could not be written (after it is reported failed). */
    private readonly onFail: (file: IndexedFile, added: boolean) => void,
  ) {}

  async write(file: IndexedFile, added: boolean): Promise<void> {
    if (!canBatch(this.index)) {
      await this.index.replaceFile(file, this.clock.now());
      (added ? this.report.added : this.report.updated).push(file.ref);
      return;
    }
    this.pending.push({ file, added });
    this.passages += file.passages.length;
    if (this.passages >= BATCH_PASSAGES) await this.flush();
  }

  /** Writes what is held back; a file that cannot be written is reported failed (and handed to `onFail`). */
  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.passages = 0;
    if (batch.length === 0 || !canBatch(this.index)) return;
    try {
      await this.index.replaceFiles(
        batch.map((b) => b.file),
        this.clock.now(),
      );
      for (const { file, added } of batch) (added ? this.report.added : this.report.updated).push(file.ref);
      return;
    } catch {
      // One by one below: each file succeeds or is reported on its own.
    }
    for (const { file, added } of batch) {
      try {
        await this.index.replaceFile(file, this.clock.now());
        (added ? this.report.added : this.report.updated).push(file.ref);
      } catch (err) {
        this.report.failed.push({ ref: file.ref, message: err instanceof Error ? err.message : String(err) });
        this.onFail(file, added);
      }
    }
  }
}

/** Version of the indexing recipe; bumping it re-indexes everything once. */
export const INDEX_RECIPE_VERSION = '4';

async function toIndexedFile(
  loaded: LoadedFile,
  hash: string,
  knownDocs: ReadonlySet<string>,
  warnings: string[],
): Promise<IndexedFile> {
  if (loaded.kind === 'doc') {
    const passages: IndexedPassage[] = (await passagesOf(loaded.sections)).map((p) => ({
      docRef: loaded.ref,
      heading: p.heading,
      text: p.text,
      titleTokens: indexText(loaded.title),
      headingTokens: indexText(p.heading),
      bodyTokens: indexText(p.text),
    }));
    return { ref: loaded.ref, kind: 'doc', title: loaded.title, url: loaded.url, hash, meta: loaded.meta, passages };
  }
  for (const p of loaded.problems) warnings.push(`${loaded.ref}: ${p}`);
  const entries = loaded.entries.filter((e) => {
    if (knownDocs.has(e.sourceRef)) return true;
    warnings.push(
      `${loaded.ref}: câu hỏi ${e.id}: nguồn "${e.sourceRef}" không phải tài liệu có trong thư mục tri thức; bỏ qua câu này`,
    );
    return false;
  });
  const passages: IndexedPassage[] = entries.map((e) => ({
    docRef: e.sourceRef,
    heading: e.question,
    text: e.answer,
    titleTokens: indexText(e.question),
    headingTokens: indexText(e.variants.join(' . ')),
    bodyTokens: indexText(e.answer),
  }));
  return { ref: loaded.ref, kind: 'faq', title: loaded.ref, hash, meta: {}, passages, faqEntries: entries };
}

/** Whether a FAQ file's entries kept in the index would be the same ones as now (by id). */
function sameEntryIds(a: readonly string[], b: ReadonlySet<string>): boolean {
  return a.length === b.size && a.every((id) => b.has(id));
}

/** Indexes new and changed files, removes deleted ones, and reports what happened. */
export async function ingestKnowledge(deps: IngestDeps): Promise<IngestReport> {
  const { dir, index, clock } = deps;
  const force = deps.force === true || (await index.getMeta('index_recipe')) !== INDEX_RECIPE_VERSION;
  const files = await listCommuneKnowledgeFiles(dir, deps.communeId);
  // What the console wrote (approved answers and their sources) is not the folder's to remove.
  const documents = await index.documents();
  const stored = new Map(documents.filter((d) => !isConsoleRef(d.ref)).map((d) => [d.ref, d.hash]));
  const knownDocs = new Set(files.filter((f) => f.kind === 'doc').map((f) => f.ref));
  const report: IngestReport = { added: [], updated: [], removed: [], unchanged: 0, failed: [], warnings: [] };
  const storedDocs = new Set(documents.filter((d) => d.kind === 'doc' && !isConsoleRef(d.ref)).map((d) => d.ref));
  let indexedFaqIds: ReadonlySet<string> | undefined;
  // A new document that could not be written is not indexed: FAQ entries citing it are left out.
  const writer = new FileWriter(index, clock, report, (file, added) => {
    if (file.kind === 'doc' && added) knownDocs.delete(file.ref);
  });
  let docsWritten = false;

  // Documents first, so FAQ entries can be checked against what is really indexed.
  for (const file of [...files.filter((f) => f.kind === 'doc'), ...files.filter((f) => f.kind === 'faq')]) {
    if (file.kind === 'faq' && !docsWritten) {
      await writer.flush();
      docsWritten = true;
    }
    let hash: string;
    try {
      hash = await hashFile(file.absPath);
    } catch (err) {
      report.failed.push({ ref: file.ref, message: err instanceof Error ? err.message : String(err) });
      if (file.kind === 'doc' && !stored.has(file.ref)) knownDocs.delete(file.ref);
      continue;
    }
    const previous = stored.get(file.ref);
    // When the documents indexed changed (one came, left, or cannot be read), a FAQ entry may cite
    // one that left or came back: the file is checked again. By now `knownDocs` holds exactly the
    // documents indexed, as every document has been handled before the first FAQ file.
    const recheck = file.kind === 'faq' && previous === hash && !force && !sameDocs(knownDocs, storedDocs);
    if (!force && previous === hash && !recheck) {
      report.unchanged++;
      continue;
    }
    try {
      const known = file.kind === 'doc' ? deps.indexed?.(file, hash) : undefined;
      if (known) {
        await writer.write(known, previous === undefined);
        continue;
      }
      const loaded = await loadKnowledgeFile(file);
      if (recheck && loaded.kind === 'faq') {
        // Unchanged unless the entries kept differ: a FAQ file nobody edited is not reported as changed.
        if (indexedFaqIds === undefined) {
          await writer.flush();
          indexedFaqIds = new Set((await index.faqEntries()).map((e) => e.id));
        }
        const ids = new Set(loaded.entries.map((e) => e.id));
        const before = [...indexedFaqIds].filter((id) => ids.has(id));
        const now = new Set(loaded.entries.filter((e) => knownDocs.has(e.sourceRef)).map((e) => e.id));
        if (sameEntryIds(before, now)) {
          report.unchanged++;
          continue;
        }
      }
      await writer.write(await toIndexedFile(loaded, hash, knownDocs, report.warnings), previous === undefined);
    } catch (err) {
      report.failed.push({ ref: file.ref, message: err instanceof Error ? err.message : String(err) });
      if (file.kind === 'doc' && previous === undefined) knownDocs.delete(file.ref);
    }
  }
  await writer.flush();
  const present = new Set(files.map((f) => f.ref));
  for (const ref of stored.keys()) {
    if (!present.has(ref)) {
      await index.removeFile(ref);
      report.removed.push(ref);
    }
  }
  await index.setMeta('index_recipe', INDEX_RECIPE_VERSION);
  return report;
}

function sameDocs(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((ref) => b.has(ref));
}
