/**
 * A commune's index over the shared national one (rag/layeredKnowledgeIndex)
 * searches exactly as an index holding all the commune's rows: against the
 * in-memory index of the same rows (same passage ids, candidates, vocabulary,
 * FAQ entries, results) and against FTS5 in a single-commune SQLite install
 * of the national pages plus the commune's own, every score equal. The
 * commune replaces a national page and a national FAQ entry (test/contracts/
 * communeLayers), so the merged statistics leave the national rows it does
 * not share out.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeRows } from '../../src/core/knowledgeIndex.js';
import { ingestKnowledge } from '../../src/rag/ingest.js';
import { SqliteKnowledgeSearch } from '../../src/rag/knowledgeSearch.js';
import { snapshotFromRows } from '../../src/rag/knowledgeSnapshot.js';
import { LayeredKnowledgeIndex } from '../../src/rag/layeredKnowledgeIndex.js';
import { MemoryKnowledgeIndex } from '../../src/rag/memoryKnowledgeIndex.js';
import { MemoryKnowledgeStore } from '../../src/rag/memoryKnowledgeStore.js';
import { NationalKnowledge } from '../../src/rag/nationalKnowledge.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqliteKnowledgeIndex } from '../../src/storage/sqlite/knowledgeIndex.js';
import {
  LAYERED_QUESTIONS,
  REPLACED_FAQ_FILE,
  REPLACED_FAQ_ID,
  REPLACED_PAGE,
  writeLayeredKnowledge,
} from '../contracts/communeLayers.js';
import { expectSameResult, goldenQuestions } from '../contracts/searchParity.js';
import { fixedClock, tempDir } from '../helpers.js';

const COMMUNE = 'hung-chau';
const TERMS = [
  ['vneid'],
  ['mat_khau', 'vneid', 'quen'],
  ['thu', 'bay', 'mot_cua'],
  ['ngan_hang', 'tai_khoan', 'luong'],
];

describe('a commune over the shared national index', () => {
  const tmp = tempDir();
  const root = join(tmp.dir, 'knowledge');
  let db: Db;
  let sqlite: SqliteKnowledgeIndex;
  let national: NationalKnowledge;
  let rows: KnowledgeRows;

  beforeAll(async () => {
    writeLayeredKnowledge(root, COMMUNE);
    const clock = fixedClock();
    national = await NationalKnowledge.fromFolder(root);
    // The commune's rows as a store of many communes holds them: written after another commune's, ids not from 1.
    const store = new MemoryKnowledgeStore();
    await ingestKnowledge({ dir: join(root, 'communes', COMMUNE), index: store, clock });
    await ingestKnowledge({ dir: root, communeId: COMMUNE, index: store, clock, force: true });
    rows = store.rows();
    db = openDatabase(join(tmp.dir, 'hocvuso.db'));
    sqlite = new SqliteKnowledgeIndex(db, COMMUNE);
    await ingestKnowledge({ dir: root, communeId: COMMUNE, index: sqlite, clock });
  }, 120_000);
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  /** The in-memory index of all the commune's rows, and the layered one, from the same rows. */
  function both(withRows: KnowledgeRows = rows): { flat: MemoryKnowledgeIndex; layered: LayeredKnowledgeIndex } {
    const layered = new LayeredKnowledgeIndex(national);
    layered.load(withRows);
    return { flat: new MemoryKnowledgeIndex(snapshotFromRows(withRows)), layered };
  }

  it('holds the same passages (ids too), documents, FAQ entries and vocabulary, in the same order', () => {
    const { flat, layered } = both();
    expect(layered.passageCount()).toBe(flat.passageCount());
    expect(layered.allPassages()).toEqual(flat.allPassages());
    expect(layered.documents()).toEqual(flat.documents());
    expect(layered.faqEntries()).toEqual(flat.faqEntries());
    expect([...layered.unigramVocabulary()]).toEqual([...flat.unigramVocabulary()]);
    const replaced = layered.allPassages().filter((p) => p.docRef === REPLACED_PAGE);
    expect(replaced.length).toBeGreaterThan(0);
    expect(new Set(replaced.map((p) => p.title))).toEqual(new Set(['Quên mật khẩu VNeID ở xã']));
    expect(layered.faqEntries().find((e) => e.id === REPLACED_FAQ_ID)?.answer).toBe(
      'Bà con nhờ cán bộ xã cài ứng dụng từ CH Play hoặc App Store.',
    );
    for (const p of flat.allPassages()) expect(layered.passageById(p.id)).toEqual(p);
    // Only what differs from the national pages is the commune's own.
    const replacedFile = national.rowsOf.get(REPLACED_FAQ_FILE)!;
    const replacedPage = national.rowsOf.get(REPLACED_PAGE)!;
    expect(layered.sharedPassageCount()).toBe(
      national.passages.length - (replacedFile.end - replacedFile.start) - (replacedPage.end - replacedPage.start),
    );
    expect(layered.passageCount() - layered.sharedPassageCount()).toBeLessThan(10);
  });

  it('gives every candidate the same bm25 and id, in the same order', () => {
    const { flat, layered } = both();
    for (const terms of TERMS) {
      const expected = flat.candidates(terms, 60);
      expect(expected.length).toBeGreaterThan(0);
      expect(layered.candidates(terms, 60)).toEqual(expected);
    }
  });

  it('searches as the in-memory index of all its rows, staff-added ways to ask included', async () => {
    const extra: KnowledgeRows = {
      ...rows,
      extraVariants: new Map([
        ['tin-nhan-bao-trung-thuong', ['trung thuong xe may co that khong']],
        ['xa-mo-cua-thu-bay', ['thu bay mo cua khong']],
      ]),
    };
    for (const r of [rows, extra]) {
      const { flat, layered } = both(r);
      const a = new SqliteKnowledgeSearch(flat);
      const b = new SqliteKnowledgeSearch(layered, undefined, { cacheStatistics: false });
      for (const q of [...goldenQuestions(), ...LAYERED_QUESTIONS, 'trung thuong xe may co that khong']) {
        expectSameResult(q, await b.search(q, 5), await a.search(q, 5));
      }
      expect(b.faq('tin-nhan-bao-trung-thuong')).toEqual(a.faq('tin-nhan-bao-trung-thuong'));
    }
  });

  it('searches as FTS5 in a single-commune SQLite install of the same pages', async () => {
    const { layered } = both();
    const fts = new SqliteKnowledgeSearch(sqlite);
    const mem = new SqliteKnowledgeSearch(layered, undefined, { cacheStatistics: false });
    expect([...layered.unigramVocabulary()]).toEqual([...sqlite.unigramVocabulary()]);
    for (const q of [...goldenQuestions(), ...LAYERED_QUESTIONS]) {
      expectSameResult(q, await mem.search(q, 5), await fts.search(q, 5));
    }
    const top = (await mem.search('quên mật khẩu vneid thì làm sao', 5)).documents[0];
    expect(top?.title).toBe('Quên mật khẩu VNeID ở xã');
  });

  it('writes the national pages ingestion takes from the national index exactly as it writes them read from disk', async () => {
    const read = new MemoryKnowledgeStore();
    const reused = new MemoryKnowledgeStore();
    const taken: string[] = [];
    await ingestKnowledge({ dir: root, communeId: COMMUNE, index: read, clock: fixedClock() });
    await ingestKnowledge({
      dir: root,
      communeId: COMMUNE,
      index: reused,
      clock: fixedClock(),
      indexed: (file, hash) => {
        const known = national.indexedFile(file, hash);
        if (known) taken.push(file.ref);
        return known;
      },
    });
    expect(taken.length).toBeGreaterThan(50);
    // The commune's own version of a national page is read from its own folder.
    expect(taken).not.toContain(REPLACED_PAGE);
    expect(reused.rows()).toEqual(read.rows());
    for (const d of read.documents()) expect(reused.metaOf(d.ref)).toEqual(read.metaOf(d.ref));
  });
});
