/**
 * Ingestion into a store that writes many files in one transaction
 * (rag/ingest `BatchKnowledgeStore`, storage/pg/pgKnowledgeIndex): the rows are
 * those of writing file by file, and a batch the store refuses is written
 * again file by file, so only the file that cannot be written is reported
 * failed and FAQ entries citing it are left out.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { IndexedFile } from '../../src/core/knowledgeIndex.js';
import { ingestKnowledge } from '../../src/rag/ingest.js';
import { MemoryKnowledgeStore } from '../../src/rag/memoryKnowledgeStore.js';
import { fixedClock, tempDir, writeTree } from '../helpers.js';

/** A store in memory that writes batches, and refuses any write of `bad`. */
class BatchStore extends MemoryKnowledgeStore {
  batches: string[][] = [];
  constructor(private readonly bad?: string) {
    super();
  }
  override replaceFile(file: IndexedFile): void {
    if (file.ref === this.bad) throw new Error('disk full');
    super.replaceFile(file);
  }
  replaceFiles(files: readonly IndexedFile[]): void {
    if (files.some((f) => f.ref === this.bad)) throw new Error('disk full');
    this.batches.push(files.map((f) => f.ref));
    for (const f of files) super.replaceFile(f);
  }
}

describe('ingestion in batches', () => {
  const tmp = tempDir();
  writeTree(tmp.dir, {
    'a.md': '# Trang A\n\nNội dung trang A về VNeID.\n',
    'b.md': '# Trang B\n\nNội dung trang B về dịch vụ công.\n',
    'faq/hoi.yaml':
      '- id: hoi-a\n  question: Trang A nói gì?\n  answer: Về VNeID.\n  source: a.md\n' +
      '- id: hoi-b\n  question: Trang B nói gì?\n  answer: Về dịch vụ công.\n  source: b.md\n',
  });
  afterAll(() => tmp.cleanup());

  it('writes documents, then FAQ files, each as a batch, with the rows of writing file by file', async () => {
    const batched = new BatchStore();
    const single = new MemoryKnowledgeStore();
    const report = await ingestKnowledge({ dir: tmp.dir, index: batched, clock: fixedClock() });
    await ingestKnowledge({ dir: tmp.dir, index: single, clock: fixedClock() });
    expect(batched.batches).toEqual([['a.md', 'b.md'], ['faq/hoi.yaml']]);
    expect(report.added).toEqual(['a.md', 'b.md', 'faq/hoi.yaml']);
    expect(batched.rows()).toEqual(single.rows());
  });

  it('writes a refused batch file by file: the bad file alone fails, and FAQ entries citing it are left out', async () => {
    const store = new BatchStore('b.md');
    const report = await ingestKnowledge({ dir: tmp.dir, index: store, clock: fixedClock() });
    expect(report.failed).toEqual([{ ref: 'b.md', message: 'disk full' }]);
    expect(report.added).toEqual(['a.md', 'faq/hoi.yaml']);
    expect(store.faqEntries().map((e) => e.id)).toEqual(['hoi-a']);
  });
});
