/**
 * Two communes on one PostgreSQL database, each with its own in-memory search
 * (rag/communeKnowledge): both see the national pages, each its own folder,
 * and an ingestion that changes a page is searched at once; with each
 * commune's whole index in memory, and over one national index they share.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommuneKnowledge } from '../../src/rag/communeKnowledge.js';
import { NationalKnowledge } from '../../src/rag/nationalKnowledge.js';
import { PgKnowledgeIndex } from '../../src/storage/pg/pgKnowledgeIndex.js';
import { fixedClock, tempDir, writeTree } from '../helpers.js';
import { openPgContractDb, type PgContractDb } from './pgContractDb.js';

const refs = async (k: CommuneKnowledge, q: string): Promise<string[]> =>
  (await k.search.search(q, 5)).documents.map((d) => d.ref);

describe.each([
  ['its own index', false],
  ['a shared national index', true],
])('CommuneKnowledge on PostgreSQL, each commune over %s', (_name, shared) => {
  const tmp = tempDir();
  let pg: PgContractDb;
  let a: CommuneKnowledge;
  let b: CommuneKnowledge;
  let aId: string;

  beforeAll(async () => {
    pg = await openPgContractDb();
    aId = (await pg.commune()).communeId;
    const bId = (await pg.commune()).communeId;
    writeTree(tmp.dir, {
      'vneid/cai-dat.md': '# Cài đặt VNeID\n\nTải ứng dụng VNeID từ CH Play hoặc App Store.\n',
      [`communes/${aId}/xa/gio-lam-viec.md`]: '# Giờ làm việc của xã\n\nBộ phận một cửa làm việc cả sáng thứ bảy.\n',
    });
    const clock = fixedClock();
    const national = shared ? await NationalKnowledge.fromFolder(tmp.dir) : undefined;
    const make = (id: string): CommuneKnowledge =>
      new CommuneKnowledge({
        store: new PgKnowledgeIndex(pg.app, id),
        dir: tmp.dir,
        communeId: id,
        clock,
        ...(national && { national }),
      });
    a = make(aId);
    b = make(bId);
    await a.ingest();
    await b.ingest();
  }, 120_000);
  afterAll(async () => {
    await pg?.close();
    tmp.cleanup();
  });

  it('searches the national pages in every commune and a commune page in its commune only', async () => {
    expect(await refs(a, 'tải VNeID ở đâu')).toEqual(['vneid/cai-dat.md']);
    expect(await refs(b, 'tải VNeID ở đâu')).toEqual(['vneid/cai-dat.md']);
    expect((await refs(a, 'thứ bảy bộ phận một cửa có làm việc không'))[0]).toBe('xa/gio-lam-viec.md');
    expect(await refs(b, 'thứ bảy bộ phận một cửa có làm việc không')).not.toContain('xa/gio-lam-viec.md');
  });

  it('searches a changed page right after ingestion, and leaves the other commune as it was', async () => {
    writeFileSync(
      join(tmp.dir, `communes/${aId}/xa/gio-lam-viec.md`),
      '# Giờ làm việc của xã\n\nBộ phận một cửa nghỉ chiều thứ sáu để họp giao ban.\n',
    );
    const report = await a.ingest();
    expect(report.updated).toEqual(['xa/gio-lam-viec.md']);
    expect((await refs(a, 'chiều thứ sáu họp giao ban'))[0]).toBe('xa/gio-lam-viec.md');
    expect((await b.ingest()).unchanged).toBe(1);
    expect(b.index.documents().map((d) => d.ref)).toEqual(['vneid/cai-dat.md']);
  });
});
