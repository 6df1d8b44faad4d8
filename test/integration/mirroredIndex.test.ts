/**
 * A SQLite install searches a copy of its index in memory
 * (rag/mirroredKnowledgeIndex). The copy must follow the file: what an
 * ingestion adds, changes or removes is searched after the search tables
 * reload, and until then the search keeps answering from the rows it loaded
 * (it never reads half of an ingestion).
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestKnowledge } from '../../src/rag/ingest.js';
import { SqliteKnowledgeSearch } from '../../src/rag/knowledgeSearch.js';
import { MirroredKnowledgeIndex } from '../../src/rag/mirroredKnowledgeIndex.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqliteKnowledgeIndex } from '../../src/storage/sqlite/knowledgeIndex.js';
import { fixedClock, tempDir, writeTree } from '../helpers.js';

const POST = { 'buu-dien.md': '# Bưu điện văn hóa xã\n\nBưu điện văn hóa xã có máy tính cho bà con tra cứu.\n' };
const WIFI = {
  'wifi.md':
    '# Wifi nhà văn hóa\n\nKết nối wifi miễn phí tại nhà văn hóa xóm: chọn mạng của xóm rồi đồng ý điều khoản.\n',
};

describe('the in-memory copy of a SQLite index', () => {
  let tmp: { dir: string; cleanup: () => void };
  let db: Db;
  let sqlite: SqliteKnowledgeIndex;
  let search: SqliteKnowledgeSearch;
  let mirror: MirroredKnowledgeIndex;
  const knowledge = (): string => join(tmp.dir, 'knowledge');
  const ingest = () => ingestKnowledge({ dir: knowledge(), index: sqlite, clock: fixedClock() });
  const refs = async (q: string): Promise<string[]> => (await search.search(q, 5)).documents.map((d) => d.ref);

  beforeEach(async () => {
    tmp = tempDir();
    writeTree(knowledge(), POST);
    db = openDatabase(join(tmp.dir, 'hocvuso.db'));
    sqlite = new SqliteKnowledgeIndex(db, 'hung-chau');
    await ingest();
    mirror = new MirroredKnowledgeIndex(sqlite);
    search = new SqliteKnowledgeSearch(mirror, undefined, { cacheStatistics: false });
    mirror.ready();
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('starts with every row of the file', async () => {
    expect(await refs('bưu điện có máy tính tra cứu')).toEqual(['buu-dien.md']);
  });

  it('searches an added document only once the tables reload, then finds it', async () => {
    writeTree(knowledge(), WIFI);
    await ingest();
    expect(sqlite.candidates(['wifi'], 5)).toHaveLength(1);
    expect(await refs('wifi miễn phí nhà văn hóa')).not.toContain('wifi.md');
    // The stale copy is dropped at once: until it is built again, FTS5 answers.
    search.reload();
    expect(mirror.built).toBe(false);
    expect((await refs('wifi miễn phí nhà văn hóa'))[0]).toBe('wifi.md');
    // Built a second later, with the same answer.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(mirror.built).toBe(true);
    search.cache.clear();
    expect((await refs('wifi miễn phí nhà văn hóa'))[0]).toBe('wifi.md');
    // A choice offered by id ("did you mean") shows the new passage's text.
    const id = (await search.search('wifi miễn phí', 5)).passages?.[0]?.id ?? -1;
    expect(search.passage(id)?.text).toContain('wifi miễn phí');
  });

  it('forgets a removed document once the tables reload', async () => {
    rmSync(join(knowledge(), 'buu-dien.md'));
    writeTree(knowledge(), WIFI);
    await ingest();
    search.reload();
    mirror.ready();
    expect(await refs('bưu điện có máy tính tra cứu')).not.toContain('buu-dien.md');
    expect(search.document('buu-dien.md')).toBeUndefined();
    expect(search.document('wifi.md')?.title).toBe('Wifi nhà văn hóa');
  });
});
