/**
 * The in-memory index (rag/memoryKnowledgeIndex), built from the rows of a
 * SQLite install with the tokens computed again, ranks exactly as FTS5 does:
 * the bundled knowledge folder, ~20 golden questions, every score equal.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestKnowledge } from '../../src/rag/ingest.js';
import { SqliteKnowledgeSearch } from '../../src/rag/knowledgeSearch.js';
import { loadMemoryIndex } from '../../src/rag/knowledgeSnapshot.js';
import type { MemoryKnowledgeIndex } from '../../src/rag/memoryKnowledgeIndex.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqliteKnowledgeIndex } from '../../src/storage/sqlite/knowledgeIndex.js';
import { expectSameResult, goldenQuestions } from '../contracts/searchParity.js';
import { BUNDLED_KNOWLEDGE, fixedClock, tempDir } from '../helpers.js';

describe('in-memory index against FTS5 (SQLite rows)', () => {
  const tmp = tempDir();
  let db: Db;
  let sqlite: SqliteKnowledgeIndex;
  let memory: MemoryKnowledgeIndex;

  beforeAll(async () => {
    db = openDatabase(join(tmp.dir, 'hocvuso.db'));
    sqlite = new SqliteKnowledgeIndex(db, 'hung-chau');
    await ingestKnowledge({ dir: BUNDLED_KNOWLEDGE, index: sqlite, clock: fixedClock() });
    memory = await loadMemoryIndex(sqlite);
  }, 120_000);
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  it('holds the same passages, titles, vocabulary and FAQ entries', () => {
    expect(memory.passageCount()).toBe(sqlite.passageCount());
    expect(memory.passageCount()).toBeGreaterThan(500);
    expect(memory.allPassages()).toEqual(sqlite.allPassages());
    expect(memory.documents()).toEqual(sqlite.documents());
    expect(memory.faqEntries()).toEqual(sqlite.faqEntries());
    expect(memory.unigramVocabulary()).toEqual(sqlite.unigramVocabulary());
  });

  it('gives every candidate the same bm25, in the same order', () => {
    for (const terms of [['vneid'], ['dinh_danh', 'muc', 'vneid'], ['mat_khau', 'otp', 'ngan_hang', 'lua']]) {
      const a = sqlite.candidates(terms, 60);
      expect(a.length).toBeGreaterThan(0);
      expect(memory.candidates(terms, 60)).toEqual(a);
    }
  });

  it('answers golden questions with identical results and scores', async () => {
    const questions = goldenQuestions();
    expect(questions.length).toBeGreaterThanOrEqual(20);
    const fts = new SqliteKnowledgeSearch(sqlite);
    const mem = new SqliteKnowledgeSearch(memory);
    for (const q of questions) {
      expectSameResult(q, await mem.search(q, 5), await fts.search(q, 5));
    }
  });
});
