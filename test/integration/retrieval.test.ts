/**
 * Retrieval over the bundled knowledge base, as residents type: with marks,
 * without marks, in decomposed Unicode. Also the honest "not sure" for a
 * question the commune's documents do not cover, and the LangChain retriever
 * that exposes the same ranking to chains.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HocvusoRetriever } from '../../src/rag/retriever.js';
import { testService, type TestService } from '../testService.js';

describe('retrieval over the bundled knowledge', () => {
  // On SQLite (FTS5) or PostgreSQL (the commune's index in memory), test/testService.ts.
  let services: TestService;

  beforeAll(async () => {
    services = await testService();
  });

  afterAll(async () => {
    await services?.close();
  });

  const SPELLINGS: [string, string, string][] = [
    ['Đăng ký định danh mức 2 ở đâu?', 'dang ky dinh danh muc 2 o dau?', 'vneid/muc-dinh-danh.md'],
    ['Quên mật khẩu VNeID thì làm sao?', 'quen mat khau vneid thi lam sao', 'vneid/quen-mat-khau.md'],
    [
      'Nộp hồ sơ trên cổng dịch vụ công như thế nào?',
      'nop ho so tren cong dich vu cong nhu the nao',
      'dich-vu-cong/nop-va-theo-doi-ho-so.md',
    ],
  ];

  it.each(SPELLINGS)('ranks "%s" the same with marks, without marks and in NFD', async (marked, bare, expected) => {
    const nfd = marked.normalize('NFD');
    expect(nfd).not.toBe(marked);
    const [a, b, c] = await Promise.all([marked, bare, nfd].map((q) => services.engine.ask(q)));
    expect(a?.sources[0]?.ref).toBe(expected);
    expect(b?.sources[0]?.ref).toBe(expected);
    expect(c?.sources[0]?.ref).toBe(expected);
    // NFD is only another encoding of the same text: the whole answer is identical.
    expect(c).toEqual(a);
  });

  it('finds vneid/muc-dinh-danh.md in the top 3 for "dang ky dinh danh muc 2 o dau"', async () => {
    const answer = await services.engine.ask('dang ky dinh danh muc 2 o dau');
    expect(answer.sources.slice(0, 3).map((s) => s.ref)).toContain('vneid/muc-dinh-danh.md');
    expect(answer.confident).toBe(true);
  });

  it('lists sources best first, at most five, with titles and scores', async () => {
    const answer = await services.engine.ask('kích hoạt tài khoản định danh điện tử');
    expect(answer.sources.length).toBeGreaterThan(0);
    expect(answer.sources.length).toBeLessThanOrEqual(5);
    expect(new Set(answer.sources.map((s) => s.ref)).size).toBe(answer.sources.length);
    for (const s of answer.sources) {
      expect(s.title.trim()).not.toBe('');
      expect(s.title).not.toBe(s.ref);
      expect(s.score).toBeGreaterThanOrEqual(0);
      expect(s.score).toBeLessThanOrEqual(1);
    }
  });

  it('is not confident about an out-of-scope question but still lists what it retrieved', async () => {
    const answer = await services.engine.ask('thoi tiet ngay mai the nao');
    expect(answer.confident).toBe(false);
    expect(answer.sources.length).toBeGreaterThan(0);
    expect(answer.text).not.toContain('Nguồn:');
    expect(answer.text.trim()).not.toBe('');
  });

  it('answers a question about the movement itself from its own documents', async () => {
    const answer = await services.engine.ask('Bình dân học vụ số là gì?');
    expect(answer.confident).toBe(true);
    expect(answer.sources[0]?.ref).toMatch(/^phong-trao\//);
    expect(answer.text).toContain('Nguồn:');
  });

  describe('HocvusoRetriever (LangChain)', () => {
    it('returns Documents with ref, title and score, best first', async () => {
      const retriever = new HocvusoRetriever({ search: services.search, k: 3 });
      const docs = await retriever.invoke('dang ky dinh danh muc 2 o dau');
      expect(docs.length).toBeGreaterThan(0);
      expect(docs.length).toBeLessThanOrEqual(3);
      const refs: string[] = [];
      const scores: number[] = [];
      for (const d of docs) {
        const meta = d.metadata as { ref?: unknown; title?: unknown; score?: unknown };
        expect(typeof meta.ref).toBe('string');
        expect(typeof meta.title).toBe('string');
        expect(typeof meta.score).toBe('number');
        expect(d.pageContent.trim()).not.toBe('');
        refs.push(meta.ref as string);
        scores.push(meta.score as number);
      }
      expect(refs).toContain('vneid/muc-dinh-danh.md');
      expect(new Set(refs).size).toBe(refs.length);
      expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    });

    it('agrees with the search port and defaults to five documents', async () => {
      const question = 'Cổng dịch vụ công quốc gia đăng nhập bằng gì';
      const docs = await new HocvusoRetriever({ search: services.search }).invoke(question);
      const direct = await services.search.search(question, 5);
      expect(docs.map((d) => (d.metadata as { ref: string }).ref)).toEqual(direct.documents.map((d) => d.ref));
      expect(docs.length).toBe(5);
    });

    it('returns no documents for a question with no indexed word', async () => {
      const docs = await new HocvusoRetriever({ search: services.search }).invoke('🙂🙂🙂');
      expect(docs).toEqual([]);
    });
  });
});
