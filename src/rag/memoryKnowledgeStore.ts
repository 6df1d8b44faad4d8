/**
 * @module rag/memoryKnowledgeStore
 *
 * A knowledge store held in the process, for rows nobody needs to keep: the
 * national pages indexed once per process (rag/nationalKnowledge) so every
 * commune's search can share them. It follows the stores' rules where they
 * shape the rows (storage/pg/pgKnowledgeIndex): passages numbered in the
 * order they are written, a FAQ entry id belonging to the file that wrote it
 * last, a file's rows replaced whole.
 */
import type { DocumentRow, IndexedFile, KnowledgeRows, KnowledgeStore } from '../core/knowledgeIndex.js';
import type { FaqEntry } from '../core/ports.js';
import { byText } from './postings.js';

interface StoredFile {
  readonly doc: DocumentRow;
  readonly firstId: number;
  readonly file: IndexedFile;
}

export class MemoryKnowledgeStore implements KnowledgeStore {
  private readonly files = new Map<string, StoredFile>();
  private readonly entries = new Map<string, FaqEntry & { fileRef: string }>();
  private readonly meta = new Map<string, string>();
  private nextId = 1;

  documents(): DocumentRow[] {
    return [...this.files.values()].map((f) => f.doc).sort((a, b) => byText(a.ref, b.ref));
  }

  faqEntries(): FaqEntry[] {
    return [...this.entries.values()]
      .sort((a, b) => byText(a.id, b.id))
      .map(({ fileRef: _fileRef, ...e }) => ({ ...e, variants: [...e.variants] }));
  }

  replaceFile(file: IndexedFile): void {
    this.removeFile(file.ref);
    const { ref, kind, title, url, hash } = file;
    this.files.set(ref, {
      doc: { ref, kind, title, ...(url !== undefined && { url }), hash },
      firstId: this.nextId,
      file,
    });
    this.nextId += file.passages.length;
    for (const e of file.faqEntries ?? []) this.entries.set(e.id, { ...e, fileRef: ref });
  }

  removeFile(ref: string): void {
    this.files.delete(ref);
    for (const [id, e] of this.entries) if (e.fileRef === ref) this.entries.delete(id);
  }

  replaceOwned(owns: (ref: string) => boolean, files: readonly IndexedFile[]): void {
    for (const ref of [...this.files.keys()]) if (owns(ref)) this.removeFile(ref);
    for (const f of files) this.replaceFile(f);
  }

  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }

  setMeta(key: string, value: string): void {
    this.meta.set(key, value);
  }

  /** The front matter a document was indexed with (documents' `meta_json` in a database store). */
  metaOf(ref: string): Record<string, unknown> | undefined {
    return this.files.get(ref)?.file.meta;
  }

  /** The rows as a database store hands them over (rag/knowledgeSnapshot rebuilds the tokens). */
  rows(): KnowledgeRows {
    const stored = [...this.files.values()].sort((a, b) => a.firstId - b.firstId);
    const chunks = stored.flatMap(({ file, firstId }) =>
      file.passages.map((p, i) => ({
        id: firstId + i,
        ownerRef: file.ref,
        docRef: p.docRef,
        heading: p.heading,
        text: p.text,
      })),
    );
    return {
      documents: this.documents(),
      chunks,
      faqEntries: [...this.entries.values()].sort((a, b) => byText(a.id, b.id)),
      extraVariants: new Map(),
    };
  }
}
