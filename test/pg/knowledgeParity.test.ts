/**
 * The bundled knowledge folder ingested into SQLite (searched through FTS5)
 * and into one commune of PostgreSQL (searched through the in-memory index
 * built from its rows) answers ~20 golden questions identically: same
 * documents, passages and FAQ matches in the same order, same scores. Another
 * commune with other pages shares the PostgreSQL database, and changes
 * nothing: each commune's statistics are its own, as in a single-commune
 * install.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestKnowledge } from '../../src/rag/ingest.js';
import { SqliteKnowledgeSearch } from '../../src/rag/knowledgeSearch.js';
import { loadMemoryIndex } from '../../src/rag/knowledgeSnapshot.js';
import type { MemoryKnowledgeIndex } from '../../src/rag/memoryKnowledgeIndex.js';
import { PgKnowledgeIndex } from '../../src/storage/pg/pgKnowledgeIndex.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqliteKnowledgeIndex } from '../../src/storage/sqlite/knowledgeIndex.js';
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
