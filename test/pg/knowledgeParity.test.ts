/**
 * The bundled knowledge folder ingested into SQLite (searched through FTS5)
 * and into one commune of PostgreSQL (searched through the in-memory index
 * built from its rows) answers ~20 golden questions identically: same
 * documents, passages and FAQ matches in the same order, same scores. Another
 * commune with other pages shares the PostgreSQL database, and changes
 * nothing: each commune's statistics are its own, as in a single-commune
 * install.
 *
 * The shared case: communes of one process search over one national index
 * (rag/nationalKnowledge) with only their own pages each
 * (rag/layeredKnowledgeIndex), and still answer as a single-commune SQLite
 * install of the national pages plus that commune's own, one commune replacing
 * a national page and a national FAQ file (test/contracts/communeLayers), the
 * other with no folder of its own.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommuneKnowledge } from '../../src/rag/communeKnowledge.js';
import { ingestKnowledge } from '../../src/rag/ingest.js';
import { SqliteKnowledgeSearch } from '../../src/rag/knowledgeSearch.js';
import { loadMemoryIndex } from '../../src/rag/knowledgeSnapshot.js';
import type { MemoryKnowledgeIndex } from '../../src/rag/memoryKnowledgeIndex.js';
import { NationalKnowledge } from '../../src/rag/nationalKnowledge.js';
import { PgKnowledgeIndex } from '../../src/storage/pg/pgKnowledgeIndex.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqliteKnowledgeIndex } from '../../src/storage/sqlite/knowledgeIndex.js';
import { LAYERED_QUESTIONS, REPLACED_PAGE, writeLayeredKnowledge } from '../contracts/communeLayers.js';
import { expectSameResult, goldenQuestions } from '../contracts/searchParity.js';
import { BUNDLED_KNOWLEDGE, fixedClock, tempDir, writeTree } from '../helpers.js';
import { openPgContractDb, type PgContractDb } from './pgContractDb.js';

describe('PostgreSQL commune index against a single-commune SQLite install', () => {
  const tmp = tempDir();
  let db: Db;
  let pg: PgContractDb;
  let sqlite: SqliteKnowledgeIndex;
  let memory: MemoryKnowledgeIndex;

  beforeAll(async () => {
    const clock = fixedClock();
    db = openDatabase(join(tmp.dir, 'hocvuso.db'));
    sqlite = new SqliteKnowledgeIndex(db, 'hung-chau');
    await ingestKnowledge({ dir: BUNDLED_KNOWLEDGE, index: sqlite, clock });
    pg = await openPgContractDb();
    const other = new PgKnowledgeIndex(pg.app, (await pg.commune()).communeId);
    const otherDir = join(tmp.dir, 'other');
    writeTree(otherDir, {
      'vneid/khac.md': '# VNeID ở xã khác\n\nXã bên cạnh hướng dẫn cài VNeID tại nhà văn hóa vào sáng thứ bảy.\n',
    });
    await ingestKnowledge({ dir: otherDir, index: other, clock });
    const store = new PgKnowledgeIndex(pg.app, (await pg.commune()).communeId);
    const report = await ingestKnowledge({ dir: BUNDLED_KNOWLEDGE, index: store, clock });
    expect(report.failed).toEqual([]);
    memory = await loadMemoryIndex(store);
  }, 300_000);
  afterAll(async () => {
    db.close();
    await pg?.close();
    tmp.cleanup();
  });

  it('holds the same passages, documents, FAQ entries and vocabulary', () => {
    expect(memory.passageCount()).toBe(sqlite.passageCount());
    expect(memory.documents()).toEqual(sqlite.documents());
    expect(memory.faqEntries()).toEqual(sqlite.faqEntries());
    expect(memory.unigramVocabulary()).toEqual(sqlite.unigramVocabulary());
    const strip = (rows: { id: number }[]): unknown[] => rows.map(({ id: _id, ...rest }) => rest);
    expect(strip(memory.allPassages())).toEqual(strip(sqlite.allPassages()));
  });

  it('answers golden questions with identical results and scores', async () => {
    const questions = goldenQuestions();
    expect(questions.length).toBeGreaterThanOrEqual(20);
    const fts = new SqliteKnowledgeSearch(sqlite);
    const mem = new SqliteKnowledgeSearch(memory);
    for (const q of questions) expectSameResult(q, await mem.search(q, 5), await fts.search(q, 5));
  });
});

describe('communes over one shared national index against single-commune SQLite installs', () => {
  const tmp = tempDir();
  const root = join(tmp.dir, 'knowledge');
  let db: Db;
  let plainDb: Db;
  let pg: PgContractDb;
  let own: SqliteKnowledgeIndex;
  let plain: SqliteKnowledgeIndex;
  let withFolder: CommuneKnowledge;
  let without: CommuneKnowledge;

  beforeAll(async () => {
    const clock = fixedClock();
    pg = await openPgContractDb();
    const a = (await pg.commune()).communeId;
    const b = (await pg.commune()).communeId;
    writeLayeredKnowledge(root, a);
    const national = await NationalKnowledge.fromFolder(root);
    const make = (id: string): CommuneKnowledge =>
      new CommuneKnowledge({ store: new PgKnowledgeIndex(pg.app, id), dir: root, communeId: id, clock, national });
    // Commune b first: commune a's rows get ids that are not the national index's own.
    without = make(b);
    withFolder = make(a);
    expect((await without.ingest()).failed).toEqual([]);
    expect((await withFolder.ingest()).failed).toEqual([]);
    db = openDatabase(join(tmp.dir, 'hocvuso.db'));
    // One single-commune install per commune: the national pages, and commune a's own over them.
    own = new SqliteKnowledgeIndex(db, 'hung-chau');
    await ingestKnowledge({ dir: root, communeId: a, index: own, clock });
    plainDb = openDatabase(join(tmp.dir, 'plain.db'));
    plain = new SqliteKnowledgeIndex(plainDb, 'hung-chau');
    await ingestKnowledge({ dir: root, index: plain, clock });
  }, 300_000);
  afterAll(async () => {
    db.close();
    plainDb.close();
    await pg?.close();
    tmp.cleanup();
  });

  it('holds what each single-commune install holds', () => {
    const strip = (rows: { id: number }[]): unknown[] => rows.map(({ id: _id, ...rest }) => rest);
    for (const [k, sqlite] of [
      [withFolder, own],
      [without, plain],
    ] as const) {
      expect(k.index.passageCount()).toBe(sqlite.passageCount());
      expect(k.index.documents()).toEqual(sqlite.documents());
      expect(k.index.faqEntries()).toEqual(sqlite.faqEntries());
      expect([...k.index.unigramVocabulary()]).toEqual([...sqlite.unigramVocabulary()]);
      expect(strip(k.index.allPassages())).toEqual(strip(sqlite.allPassages()));
    }
    expect(withFolder.index.documents().find((d) => d.ref === REPLACED_PAGE)?.title).toBe('Quên mật khẩu VNeID ở xã');
  });

  it('answers with identical results and scores, each commune as its own install', async () => {
    const questions = [...goldenQuestions(), ...LAYERED_QUESTIONS];
    const ownFts = new SqliteKnowledgeSearch(own);
    const plainFts = new SqliteKnowledgeSearch(plain);
    for (const q of questions) {
      expectSameResult(q, await withFolder.search.search(q, 5), await ownFts.search(q, 5));
      expectSameResult(q, await without.search.search(q, 5), await plainFts.search(q, 5));
    }
  });
});
