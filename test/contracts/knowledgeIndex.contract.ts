/**
 * The knowledge index contract, run on SQLite (test/integration/knowledgeIndexContract.test.ts,
 * searched through FTS5) and PostgreSQL (test/pg/knowledgeIndex.test.ts, searched through the
 * in-memory index built from the commune's rows): ingestion of a folder, a re-run that reports
 * nothing changed, a changed page replaced, a deleted page removed, FAQ entries with their
 * sources, two communes that never see each other's pages, and the install-wide embedding
 * cache. Named *.contract.ts so no vitest config collects it.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddingCache, IndexedFile, KnowledgeReader, KnowledgeStore } from '../../src/core/knowledgeIndex.js';
import { indexText } from '../../src/core/text/normalize.js';
import type { MaybePromise } from '../../src/core/ports.js';
import { ingestKnowledge } from '../../src/rag/ingest.js';
import { SqliteKnowledgeSearch } from '../../src/rag/knowledgeSearch.js';
import { fixedClock, tempDir, writeTree } from '../helpers.js';

export interface KnowledgeCommune {
  readonly communeId: string;
  readonly store: KnowledgeStore;
  /** What a search of this commune reads, as it is now (built again after each ingestion where needed). */
  reader(): Promise<KnowledgeReader>;
}

export interface KnowledgeSubject {
  /** A new, empty commune of the same database. */
  readonly commune: () => Promise<KnowledgeCommune>;
  readonly embeddings: EmbeddingCache;
  readonly close: () => MaybePromise<void>;
}

const VNEID = [
  '---',
  'title: Cài đặt ứng dụng VNeID trên điện thoại',
  'url: https://vneid.gov.vn',
  '---',
  '',
  'Tải ứng dụng VNeID từ kho CH Play hoặc App Store, đúng nhà phát hành Bộ Công an.',
  '',
  '## Điện thoại cũ có cài được không?',
  '',
  'Điện thoại chạy Android 7 trở lên thì cài được ứng dụng.',
  '',
].join('\n');
const TRUOC_BA = [
  '# Nộp lệ phí trước bạ xe máy trực tuyến',
  '',
  'Bà con nộp lệ phí trước bạ xe máy trên cổng dịch vụ công, thanh toán bằng thẻ ngân hàng.',
  '',
].join('\n');
const FAQ = [
  '- id: cai-vneid-o-dau',
  '  question: Tải ứng dụng VNeID ở đâu cho đúng?',
  '  variants: [tai vneid o dau, cai app vneid]',
  '  answer: Tải VNeID từ CH Play hoặc App Store, nhà phát hành là Bộ Công an.',
  '  source: vneid/cai-dat.md',
  '',
].join('\n');
const WIFI = 'Kết nối wifi miễn phí tại nhà văn hóa xóm: chọn mạng HungChau-Free rồi đồng ý điều khoản.\n';

const FOLDER: Record<string, string> = {
  'vneid/cai-dat.md': VNEID,
  'dich-vu-cong/truoc-ba.md': TRUOC_BA,
  'faq/chung.yaml': FAQ,
};

async function topRefs(reader: KnowledgeReader, question: string): Promise<string[]> {
  return (await new SqliteKnowledgeSearch(reader).search(question, 5)).documents.map((d) => d.ref);
}

export function describeKnowledgeIndexContract(name: string, make: () => MaybePromise<KnowledgeSubject>): void {
  describe(`knowledge index contract (${name})`, () => {
    let subject: KnowledgeSubject | undefined;
    const dirs: { cleanup: () => void }[] = [];
    const open = async (): Promise<KnowledgeSubject> => (subject = await make());
    /** A knowledge folder of its own for each case. */
    const folder = (files: Record<string, string>): string => {
      const tmp = tempDir('hocvuso-kn-contract-');
      dirs.push(tmp);
      writeTree(tmp.dir, files);
      return tmp.dir;
    };
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
      for (const d of dirs.splice(0)) d.cleanup();
    });
    const clock = fixedClock();

    it('indexes a folder: documents with title and address, passages, FAQ entries and the recipe', async () => {
      const { commune } = await open();
      const c = await commune();
      const dir = folder(FOLDER);
      const report = await ingestKnowledge({ dir, index: c.store, clock });
      expect([...report.added].sort()).toEqual(['dich-vu-cong/truoc-ba.md', 'faq/chung.yaml', 'vneid/cai-dat.md']);
      expect(report.failed).toEqual([]);
      expect(report.warnings).toEqual([]);
      expect(await c.store.getMeta('index_recipe')).toBeDefined();
      const docs = await c.store.documents();
      expect(docs.map((d) => [d.ref, d.kind, d.title, d.url])).toEqual([
        ['dich-vu-cong/truoc-ba.md', 'doc', 'Nộp lệ phí trước bạ xe máy trực tuyến', undefined],
        ['faq/chung.yaml', 'faq', 'faq/chung.yaml', undefined],
        ['vneid/cai-dat.md', 'doc', 'Cài đặt ứng dụng VNeID trên điện thoại', 'https://vneid.gov.vn'],
      ]);
      const reader = await c.reader();
      expect(reader.documents()).toEqual(docs);
      // The FAQ entry is a passage of the document it cites, under that document's title.
      const faqPassage = reader.allPassages().find((p) => p.heading === 'Tải ứng dụng VNeID ở đâu cho đúng?');
      expect(faqPassage).toMatchObject({ docRef: 'vneid/cai-dat.md', title: 'Cài đặt ứng dụng VNeID trên điện thoại' });
      expect(reader.passageById(faqPassage!.id)).toEqual(faqPassage);
      expect(reader.passageCount()).toBe(reader.allPassages().length);
      expect(await topRefs(reader, 'nộp lệ phí trước bạ xe máy')).toEqual(['dich-vu-cong/truoc-ba.md']);
      expect((await topRefs(reader, 'điện thoại cũ cài VNeID được không'))[0]).toBe('vneid/cai-dat.md');
    });

    it('keeps FAQ entries with their variants and source, for the store and the search', async () => {
      const { commune } = await open();
      const c = await commune();
      await ingestKnowledge({ dir: folder(FOLDER), index: c.store, clock });
      const entry = {
        id: 'cai-vneid-o-dau',
        question: 'Tải ứng dụng VNeID ở đâu cho đúng?',
        variants: ['tai vneid o dau', 'cai app vneid'],
        answer: 'Tải VNeID từ CH Play hoặc App Store, nhà phát hành là Bộ Công an.',
        sourceRef: 'vneid/cai-dat.md',
      };
      expect(await c.store.faqEntries()).toEqual([entry]);
      const reader = await c.reader();
      expect(reader.faqEntries()).toEqual([entry]);
      const result = await new SqliteKnowledgeSearch(reader).search('cài app vneid ở đâu', 5);
      expect(result.faqs[0]?.entry.id).toBe('cai-vneid-o-dau');
    });

    it('reports nothing changed when the folder did not change', async () => {
      const { commune } = await open();
      const c = await commune();
      const dir = folder(FOLDER);
      await ingestKnowledge({ dir, index: c.store, clock });
      const before = (await c.reader()).allPassages();
      const again = await ingestKnowledge({ dir, index: c.store, clock });
      expect(again).toEqual({ added: [], updated: [], removed: [], unchanged: 3, failed: [], warnings: [] });
      expect((await c.reader()).allPassages()).toEqual(before);
    });

    it('replaces a changed page whole, and removes a deleted one', async () => {
      const { commune } = await open();
      const c = await commune();
      const dir = folder({ ...FOLDER, 'huong-dan-wifi.txt': WIFI });
      await ingestKnowledge({ dir, index: c.store, clock });
      writeFileSync(
        join(dir, 'dich-vu-cong/truoc-ba.md'),
        '# Nộp lệ phí trước bạ ô tô trực tuyến\n\nChủ xe ô tô kê khai trên cổng dịch vụ công quốc gia.\n',
      );
      rmSync(join(dir, 'huong-dan-wifi.txt'));
      const report = await ingestKnowledge({ dir, index: c.store, clock });
      expect(report).toMatchObject({
        added: [],
        updated: ['dich-vu-cong/truoc-ba.md'],
        removed: ['huong-dan-wifi.txt'],
      });
      const docs = await c.store.documents();
      expect(docs.map((d) => d.ref)).toEqual(['dich-vu-cong/truoc-ba.md', 'faq/chung.yaml', 'vneid/cai-dat.md']);
      expect(docs[0]?.title).toBe('Nộp lệ phí trước bạ ô tô trực tuyến');
      const reader = await c.reader();
      const texts = reader.allPassages().map((p) => p.text);
      expect(texts.some((t) => t.includes('xe máy'))).toBe(false);
      expect(texts.some((t) => t.includes('wifi'))).toBe(false);
      expect(texts.some((t) => t.includes('Chủ xe ô tô kê khai'))).toBe(true);
      expect(reader.documentFrequencies(['wifi', 'oto', 'o_to']).get('wifi')).toBeUndefined();
      expect(await topRefs(reader, 'kết nối wifi miễn phí')).not.toContain('huong-dan-wifi.txt');
      expect((await topRefs(reader, 'lệ phí trước bạ ô tô'))[0]).toBe('dich-vu-cong/truoc-ba.md');
    });

    it("never shows one commune's pages, passages or FAQ entries to another", async () => {
      const { commune } = await open();
      const a = await commune();
      const b = await commune();
      await ingestKnowledge({ dir: folder(FOLDER), index: a.store, clock });
      await ingestKnowledge({ dir: folder({ 'huong-dan-wifi.txt': WIFI }), index: b.store, clock });
      expect((await b.store.documents()).map((d) => d.ref)).toEqual(['huong-dan-wifi.txt']);
      expect(await b.store.faqEntries()).toEqual([]);
      const rb = await b.reader();
      expect(rb.documents().map((d) => d.ref)).toEqual(['huong-dan-wifi.txt']);
      expect(rb.allPassages().every((p) => p.docRef === 'huong-dan-wifi.txt')).toBe(true);
      expect(rb.faqEntries()).toEqual([]);
      expect(rb.candidates(['vneid', 'truoc_ba'], 60)).toEqual([]);
      expect((await topRefs(rb, 'tải ứng dụng VNeID')).filter((r) => r !== 'huong-dan-wifi.txt')).toEqual([]);
      const ra = await a.reader();
      for (const p of ra.allPassages()) expect(rb.passageById(p.id)).toBeUndefined();
      expect(await topRefs(ra, 'kết nối wifi miễn phí')).not.toContain('huong-dan-wifi.txt');
      // Removing B's page leaves A's index as it was.
      const before = ra.allPassages();
      await b.store.removeFile('huong-dan-wifi.txt');
      expect((await a.reader()).allPassages()).toEqual(before);
      expect(await b.store.documents()).toEqual([]);
    });

    it("reads the national pages for every commune, and a commune's own folder for it alone", async () => {
      const { commune } = await open();
      const a = await commune();
      const b = await commune();
      const own = `communes/${a.communeId}`;
      const dir = folder({
        ...FOLDER,
        [`${own}/dich-vu-cong/truoc-ba.md`]:
          '# Lệ phí trước bạ tại xã\n\nBộ phận một cửa của xã nhận hồ sơ trước bạ sáng thứ bảy.\n',
        [`${own}/xa/gio-lam-viec.md`]: '# Giờ làm việc của xã\n\nBộ phận một cửa làm việc cả sáng thứ bảy.\n',
        [`${own}/faq/xa.yaml`]: [
          '- id: mot-cua-thu-bay',
          '  question: Thứ bảy xã có làm việc không?',
          '  answer: Bộ phận một cửa làm việc cả sáng thứ bảy.',
          '  source: xa/gio-lam-viec.md',
          '',
        ].join('\n'),
      });
      const ra = await ingestKnowledge({ dir, communeId: a.communeId, index: a.store, clock });
      expect([...ra.added].sort()).toEqual([
        'dich-vu-cong/truoc-ba.md',
        'faq/chung.yaml',
        'faq/xa.yaml',
        'vneid/cai-dat.md',
        'xa/gio-lam-viec.md',
      ]);
      const rb = await ingestKnowledge({ dir, communeId: b.communeId, index: b.store, clock });
      expect([...rb.added].sort()).toEqual(['dich-vu-cong/truoc-ba.md', 'faq/chung.yaml', 'vneid/cai-dat.md']);
      const titles = async (c: KnowledgeCommune): Promise<Record<string, string>> =>
        Object.fromEntries((await c.store.documents()).map((d) => [d.ref, d.title]));
      expect((await titles(a))['dich-vu-cong/truoc-ba.md']).toBe('Lệ phí trước bạ tại xã');
      expect((await titles(b))['dich-vu-cong/truoc-ba.md']).toBe('Nộp lệ phí trước bạ xe máy trực tuyến');
      expect((await a.store.faqEntries()).map((e) => e.id)).toEqual(['cai-vneid-o-dau', 'mot-cua-thu-bay']);
      expect((await b.store.faqEntries()).map((e) => e.id)).toEqual(['cai-vneid-o-dau']);
      expect((await topRefs(await a.reader(), 'thứ bảy xã có làm việc không'))[0]).toBe('xa/gio-lam-viec.md');
      expect(await topRefs(await b.reader(), 'thứ bảy xã có làm việc không')).not.toContain('xa/gio-lam-viec.md');
      // Without the commune's page, the national one comes back for that commune.
      rmSync(join(dir, own, 'dich-vu-cong/truoc-ba.md'));
      const again = await ingestKnowledge({ dir, communeId: a.communeId, index: a.store, clock });
      expect(again).toMatchObject({ added: [], updated: ['dich-vu-cong/truoc-ba.md'], removed: [] });
      expect((await titles(a))['dich-vu-cong/truoc-ba.md']).toBe('Nộp lệ phí trước bạ xe máy trực tuyến');
      // Read without a commune, the folder is the national one alone, as in a single-commune install.
      expect((await ingestKnowledge({ dir, index: b.store, clock })).unchanged).toBe(3);
    });

    it("replaces the console's documents whole and leaves the folder's alone", async () => {
      const { commune } = await open();
      const c = await commune();
      await ingestKnowledge({ dir: folder(FOLDER), index: c.store, clock });
      const consoleFile = (id: string, question: string): IndexedFile => ({
        ref: '@console/faq',
        kind: 'faq',
        title: '@console/faq',
        hash: id,
        meta: { console: true },
        passages: [
          {
            docRef: 'vneid/cai-dat.md',
            heading: question,
            text: 'Bà con mang điện thoại đến bộ phận một cửa để được cài giúp.',
            titleTokens: indexText(question),
            headingTokens: '',
            bodyTokens: indexText('Bà con mang điện thoại đến bộ phận một cửa để được cài giúp.'),
          },
        ],
        faqEntries: [
          {
            id,
            question,
            variants: [],
            answer: 'Bà con mang điện thoại đến bộ phận một cửa để được cài giúp.',
            sourceRef: 'vneid/cai-dat.md',
          },
        ],
      });
      const isConsole = (ref: string): boolean => ref.startsWith('@console/');
      await c.store.replaceOwned(isConsole, [consoleFile('nho-cai-giup', 'Ai cài VNeID giúp tôi?')], clock.now());
      await c.store.replaceOwned(isConsole, [consoleFile('cai-ho', 'Xã có cài hộ VNeID không?')], clock.now());
      expect((await c.store.documents()).map((d) => d.ref)).toEqual([
        '@console/faq',
        'dich-vu-cong/truoc-ba.md',
        'faq/chung.yaml',
        'vneid/cai-dat.md',
      ]);
      expect((await c.store.faqEntries()).map((e) => e.id)).toEqual(['cai-ho', 'cai-vneid-o-dau']);
      const reader = await c.reader();
      const headings = reader.allPassages().map((p) => p.heading);
      expect(headings).toContain('Xã có cài hộ VNeID không?');
      expect(headings).not.toContain('Ai cài VNeID giúp tôi?');
      expect(reader.faqEntries().map((e) => e.id)).toEqual(['cai-ho', 'cai-vneid-o-dau']);
      // The folder's next ingestion does not take the console's document for a deleted file.
      const again = await ingestKnowledge({ dir: folder(FOLDER), index: c.store, clock });
      expect(again.removed).toEqual([]);
      await c.store.replaceOwned(isConsole, [], clock.now());
      expect((await c.store.faqEntries()).map((e) => e.id)).toEqual(['cai-vneid-o-dau']);
    });

    it('caches embedding vectors by model and text hash, the last write winning', async () => {
      const { embeddings } = await open();
      expect(await embeddings.getMany('m', ['h1'])).toEqual(new Map());
      await embeddings.putMany('m', [
        { hash: 'h1', vector: new Float32Array([0.5, -1.25, 3]) },
        { hash: 'h2', vector: new Float32Array([1, 2]) },
      ]);
      await embeddings.putMany('m', [{ hash: 'h2', vector: new Float32Array([4, 5, 6]) }]);
      await embeddings.putMany('other', [{ hash: 'h1', vector: new Float32Array([9]) }]);
      const got = await embeddings.getMany('m', ['h1', 'h2', 'h3', 'h1']);
      expect([...got.keys()].sort()).toEqual(['h1', 'h2']);
      expect([...got.get('h1')!]).toEqual([0.5, -1.25, 3]);
      expect([...got.get('h2')!]).toEqual([4, 5, 6]);
      expect([...(await embeddings.getMany('other', ['h1'])).get('h1')!]).toEqual([9]);
    });
  });
}
