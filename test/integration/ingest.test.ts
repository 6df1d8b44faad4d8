/**
 * Ingestion of a knowledge folder into the service's database, SQLite or
 * PostgreSQL (test/testService.ts, the service ingesting its KNOWLEDGE_DIR as
 * npm start does): every supported format is indexed with the title
 * DESIGN.md promises, re-runs touch only what changed, the index outlives a
 * restart, and a broken file is named with its reason while the rest of the
 * folder is still indexed.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IngestReport } from '../../src/rag/ingest.js';
import { minimalDocx, minimalPdf } from '../fixtures/documents.js';
import { tempDir, writeTree } from '../helpers.js';
import { testService, type TestService } from '../testService.js';

/** The service over a fresh database, serving the knowledge folder under `root` (ingested as it starts). */
function serviceFor(root: string): Promise<TestService> {
  return testService({ env: { KNOWLEDGE_DIR: join(root, 'knowledge') } });
}

async function sourceRefs(services: Pick<TestService, 'engine'>, question: string): Promise<string[]> {
  return (await services.engine.ask(question)).sources.map((s) => s.ref);
}

function titles(services: TestService): Record<string, string> {
  return Object.fromEntries(services.index.documents().map((d) => [d.ref, d.title]));
}

const TEXT_FILES: Record<string, string> = {
  'vneid/cai-dat.md': [
    '---',
    'title: Cài đặt ứng dụng VNeID trên điện thoại',
    'topics: [vneid, cai-dat]',
    'url: https://vneid.gov.vn',
    '---',
    '',
    '# Một tiêu đề khác không được dùng',
    '',
    'Tải ứng dụng VNeID từ kho CH Play hoặc App Store, đúng nhà phát hành Bộ Công an.',
    '',
    '## Điện thoại cũ có cài được không?',
    '',
    'Điện thoại chạy Android 7 trở lên thì cài được ứng dụng.',
    '',
  ].join('\n'),
  'dich-vu-cong/truoc-ba.md': [
    '# Nộp lệ phí trước bạ xe máy trực tuyến',
    '',
    'Bà con nộp lệ phí trước bạ xe máy trên cổng dịch vụ công, thanh toán bằng thẻ ngân hàng.',
    '',
  ].join('\n'),
  'ghi-chu_lang-nghe.md': 'Làng nghề mây tre đan của xã giới thiệu sản phẩm trên sàn thương mại điện tử.\n',
  'huong-dan-wifi.txt': 'Kết nối wifi miễn phí tại nhà văn hóa xóm: chọn mạng HungChau-Free rồi đồng ý điều khoản.\n',
  'faq/chung.yaml': [
    '- id: cai-vneid-o-dau',
    '  question: Tải ứng dụng VNeID ở đâu cho đúng?',
    '  variants: [tai vneid o dau, cai app vneid]',
    '  answer: Tải VNeID từ CH Play hoặc App Store, nhà phát hành là Bộ Công an.',
    '  source: vneid/cai-dat.md',
    '',
  ].join('\n'),
  'README.md': '# Thư mục tri thức\n\nHướng dẫn biên tập cho cán bộ: dùng từ khoá quýtbưởicam.\n',
  'quizzes/an-toan.yaml': '- question: Câu hỏi trắc nghiệm khinhkhícầu?\n  choices: [a, b]\n',
  'quizzes/ghi-chu.md': '# Ghi chú bộ câu hỏi\n\nTừ khoá riêng khinhkhícầu chỉ có ở đây.\n',
};

const PDF_TEXT = ['Huong dan nop ho so truc tuyen', 'Buoc mot: dang nhap Cong dich vu cong bang tai khoan VNeID.'];
const DOCX_TEXT = [
  'Hướng dẫn đăng ký khai sinh trực tuyến cho trẻ em mới sinh.',
  'Cha mẹ đăng nhập VNeID, chọn thủ tục liên thông khai sinh, khai thông tin và nộp hồ sơ.',
];

describe('ingest of a knowledge folder', () => {
  let tmp: { dir: string; cleanup: () => void };
  let knowledge: string;
  let services: TestService;
  let first: IngestReport;

  beforeAll(async () => {
    tmp = tempDir('hocvuso-ingest-');
    knowledge = join(tmp.dir, 'knowledge');
    writeTree(knowledge, {
      ...TEXT_FILES,
      'tai-lieu/huong-dan-nop-ho-so.pdf': minimalPdf(PDF_TEXT),
      'tai-lieu/khai-sinh-truc-tuyen.docx': await minimalDocx(DOCX_TEXT),
    });
    services = await serviceFor(tmp.dir);
    // The first ingestion: the one the service ran as it started.
    first = services.opened;
  });

  afterAll(async () => {
    await services?.close();
    tmp?.cleanup();
  });

  it('indexes Markdown, text, PDF, DOCX and FAQ files, and nothing else', () => {
    expect(first.failed).toEqual([]);
    expect(first.warnings).toEqual([]);
    expect([...first.added].sort()).toEqual(
      [
        'dich-vu-cong/truoc-ba.md',
        'faq/chung.yaml',
        'ghi-chu_lang-nghe.md',
        'huong-dan-wifi.txt',
        'tai-lieu/huong-dan-nop-ho-so.pdf',
        'tai-lieu/khai-sinh-truc-tuyen.docx',
        'vneid/cai-dat.md',
      ].sort(),
    );
    expect(first.updated).toEqual([]);
    expect(first.removed).toEqual([]);
    expect(services.index.faqEntries().map((e) => e.id)).toEqual(['cai-vneid-o-dau']);
  });

  it('titles each document by front matter, else first heading, else file name', () => {
    expect(titles(services)).toMatchObject({
      'vneid/cai-dat.md': 'Cài đặt ứng dụng VNeID trên điện thoại',
      'dich-vu-cong/truoc-ba.md': 'Nộp lệ phí trước bạ xe máy trực tuyến',
      'ghi-chu_lang-nghe.md': 'ghi chu lang nghe',
      'huong-dan-wifi.txt': 'huong dan wifi',
      'tai-lieu/huong-dan-nop-ho-so.pdf': 'huong dan nop ho so',
      'tai-lieu/khai-sinh-truc-tuyen.docx': 'khai sinh truc tuyen',
    });
    expect(services.index.documents().find((d) => d.ref === 'vneid/cai-dat.md')?.url).toBe('https://vneid.gov.vn');
  });

  it('answers from each document with its title among the sources', async () => {
    const cases: [string, string, string][] = [
      [
        'Điện thoại Android cũ có cài được ứng dụng không?',
        'vneid/cai-dat.md',
        'Cài đặt ứng dụng VNeID trên điện thoại',
      ],
      ['nop le phi truoc ba xe may', 'dich-vu-cong/truoc-ba.md', 'Nộp lệ phí trước bạ xe máy trực tuyến'],
      ['làng nghề mây tre đan bán hàng ở đâu', 'ghi-chu_lang-nghe.md', 'ghi chu lang nghe'],
      ['wifi miễn phí ở nhà văn hóa xóm', 'huong-dan-wifi.txt', 'huong dan wifi'],
    ];
    for (const [question, ref, title] of cases) {
      const answer = await services.engine.ask(question);
      expect(answer.sources[0], question).toMatchObject({ ref, title });
    }
  });

  it('reads the PDF through the LangChain loader and retrieves it', async () => {
    const answer = await services.engine.ask('Hướng dẫn nộp hồ sơ trực tuyến');
    expect(answer.sources.map((s) => s.ref)).toContain('tai-lieu/huong-dan-nop-ho-so.pdf');
    const hit = await services.search.search('huong dan nop ho so truc tuyen', 5);
    const pdf = hit.documents.find((d) => d.ref === 'tai-lieu/huong-dan-nop-ho-so.pdf');
    expect(pdf?.best.text).toContain('Huong dan nop ho so truc tuyen');
  });

  it('reads the DOCX through the LangChain loader and retrieves it with its Vietnamese text', async () => {
    const answer = await services.engine.ask('đăng ký khai sinh trực tuyến cho trẻ em');
    expect(answer.sources.map((s) => s.ref)).toContain('tai-lieu/khai-sinh-truc-tuyen.docx');
    const hit = await services.search.search('dang ky khai sinh truc tuyen', 5);
    const docx = hit.documents.find((d) => d.ref === 'tai-lieu/khai-sinh-truc-tuyen.docx');
    expect(docx?.best.text).toContain('Hướng dẫn đăng ký khai sinh trực tuyến cho trẻ em mới sinh.');
  });

  it('answers an FAQ re-wording with the FAQ answer and its cited document', async () => {
    const answer = await services.engine.ask('tai vneid o dau');
    expect(answer.confident).toBe(true);
    expect(answer.text).toContain('nhà phát hành là Bộ Công an');
    expect(answer.sources[0]).toMatchObject({
      ref: 'vneid/cai-dat.md',
      title: 'Cài đặt ứng dụng VNeID trên điện thoại',
    });
  });

  it('does not index quizzes/ or README.md', async () => {
    const refs = services.index.documents().map((d) => d.ref);
    expect(refs.some((r) => r.startsWith('quizzes/'))).toBe(false);
    expect(refs).not.toContain('README.md');
    expect((await services.search.search('khinhkhícầu', 5)).documents).toEqual([]);
    expect((await services.search.search('quýtbưởicam', 5)).documents).toEqual([]);
  });

  describe('incremental runs', () => {
    it('reports everything unchanged on a second run', async () => {
      const again = await services.ingest();
      expect(again).toEqual({ added: [], updated: [], removed: [], unchanged: 7, failed: [], warnings: [] });
    });

    it('re-indexes only an edited file', async () => {
      writeFileSync(
        join(knowledge, 'huong-dan-wifi.txt'),
        'Kết nối wifi miễn phí tại nhà văn hóa xóm: mạng mới tên là HungChau-Moi, mật mã dán trên bảng tin.\n',
      );
      const report = await services.ingest();
      expect(report).toMatchObject({ added: [], updated: ['huong-dan-wifi.txt'], removed: [], unchanged: 6 });
      const hit = await services.search.search('wifi nha van hoa xom', 5);
      expect(hit.documents[0]?.ref).toBe('huong-dan-wifi.txt');
      expect(hit.documents[0]?.best.text).toContain('HungChau-Moi');
      expect(hit.documents[0]?.best.text).not.toContain('HungChau-Free');
    });

    it('removes a deleted file from the index and from search results', async () => {
      expect(await sourceRefs(services, 'làng nghề mây tre đan')).toContain('ghi-chu_lang-nghe.md');
      rmSync(join(knowledge, 'ghi-chu_lang-nghe.md'));
      const report = await services.ingest();
      // The FAQ file is re-checked (an entry may have cited this document), but none did: it is unchanged.
      expect(report).toMatchObject({
        added: [],
        updated: [],
        removed: ['ghi-chu_lang-nghe.md'],
        unchanged: 6,
      });
      expect(services.index.documents().map((d) => d.ref)).not.toContain('ghi-chu_lang-nghe.md');
      expect(await sourceRefs(services, 'làng nghề mây tre đan')).not.toContain('ghi-chu_lang-nghe.md');
      expect((await services.search.search('may tre dan', 5)).documents.map((d) => d.ref)).not.toContain(
        'ghi-chu_lang-nghe.md',
      );
    });

    it('drops an FAQ entry whose cited document was deleted, and restores it when the document returns', async () => {
      const doc = join(knowledge, 'vneid/cai-dat.md');
      const saved = readFileSync(doc);
      rmSync(doc);
      const report = await services.ingest();
      expect(report.warnings.join('\n')).toContain('cai-vneid-o-dau');
      expect(report).toMatchObject({ updated: ['faq/chung.yaml'], removed: ['vneid/cai-dat.md'] });
      expect(await services.search.faq('cai-vneid-o-dau')).toBeUndefined();
      const unsure = await services.engine.ask('tai vneid o dau');
      expect(unsure.sources.map((s) => s.ref)).not.toContain('vneid/cai-dat.md');
      writeFileSync(doc, saved);
      await services.ingest();
      expect((await services.search.faq('cai-vneid-o-dau'))?.sourceRef).toBe('vneid/cai-dat.md');
    });

    it('keeps the index in the database across a restart', async () => {
      // Another service over the same database, as after a restart: its start-up ingestion finds nothing new.
      const restarted = await services.another();
      expect(restarted.opened).toMatchObject({ added: [], updated: [], removed: [], unchanged: 6, failed: [] });
      expect(await sourceRefs(restarted, 'nop le phi truoc ba xe may')).toContain('dich-vu-cong/truoc-ba.md');
    });

    it('re-indexes everything when forced', async () => {
      const report = await services.ingest({ force: true });
      expect(report.updated).toHaveLength(6);
      expect(report.unchanged).toBe(0);
    });
  });
});

describe('ingest of a folder with malformed files', () => {
  let tmp: { dir: string; cleanup: () => void };
  let services: TestService;

  beforeEach(async () => {
    tmp = tempDir('hocvuso-ingest-bad-');
    writeTree(join(tmp.dir, 'knowledge'), {
      'buu-dien.md':
        '# Bưu điện văn hóa xã\n\nBưu điện văn hóa xã mở cửa từ 7 giờ sáng, có máy tính cho bà con tra cứu.\n',
      'front-matter-hong.md':
        '---\ntitle: [chưa đóng ngoặc\ntopics: a: b\n---\n\n# Hỏng\n\nNội dung cá ngừ đại dương.\n',
      'url-sai.md': '---\ntitle: Trang có url sai\nurl: khong-phai-dia-chi\n---\n\nNội dung.\n',
      'rong.txt': '   \n\n',
      'faq/khong-phai-danh-sach.yaml': 'question: Bưu điện ở đâu?\nanswer: Ở trung tâm xã.\n',
      'faq/muc-hong.yaml': [
        '- id: thieu-tra-loi',
        '  question: Câu hỏi không có câu trả lời?',
        '  source: buu-dien.md',
        '- id: nguon-khong-co',
        '  question: Câu hỏi có nguồn không tồn tại?',
        '  answer: Một câu trả lời đầy đủ.',
        '  source: khong-ton-tai.md',
        '- id: buu-dien-mo-cua',
        '  question: Bưu điện văn hóa xã mở cửa lúc mấy giờ?',
        '  answer: Bưu điện văn hóa xã mở cửa từ 7 giờ sáng.',
        '  source: buu-dien.md',
        '',
      ].join('\n'),
    });
    services = await serviceFor(tmp.dir);
  });

  afterEach(async () => {
    await services?.close();
    tmp.cleanup();
  });

  it('names each broken file with its reason and indexes the rest', async () => {
    // The first ingestion: the one the service ran as it started.
    const report = services.opened;
    const failed = Object.fromEntries(report.failed.map((f) => [f.ref, f.message]));
    expect(Object.keys(failed).sort()).toEqual(
      ['faq/khong-phai-danh-sach.yaml', 'front-matter-hong.md', 'rong.txt', 'url-sai.md'].sort(),
    );
    expect(failed['front-matter-hong.md']).toMatch(/front matter is not valid YAML/);
    expect(failed['url-sai.md']).toMatch(/url/);
    expect(failed['faq/khong-phai-danh-sach.yaml']).toMatch(/list/);
    expect(failed['rong.txt']).toMatch(/no readable text/);

    expect([...report.added].sort()).toEqual(['buu-dien.md', 'faq/muc-hong.yaml']);
    expect(report.warnings).toHaveLength(2);
    expect(report.warnings.find((w) => w.includes('thieu-tra-loi'))).toMatch(/^faq\/muc-hong\.yaml: .*answer/);
    expect(report.warnings.find((w) => w.includes('nguon-khong-co'))).toMatch(
      /^faq\/muc-hong\.yaml: .*khong-ton-tai\.md/,
    );
    expect(services.index.faqEntries().map((e) => e.id)).toEqual(['buu-dien-mo-cua']);

    const answer = await services.engine.ask('Bưu điện văn hóa xã mở cửa lúc mấy giờ?');
    expect(answer.confident).toBe(true);
    expect(answer.sources[0]?.ref).toBe('buu-dien.md');
    expect((await services.search.search('cá ngừ đại dương', 5)).documents).toEqual([]);
  });

  it('reports a broken file again on the next run, until it is fixed', async () => {
    // The first run was the service's own, as it started.
    const again = await services.ingest();
    expect(again.failed.map((f) => f.ref)).toContain('front-matter-hong.md');
    expect(again.added).toEqual([]);
    // The FAQ file beside the broken documents did not change: it is not reported (nor warned about) again.
    expect(again.updated).toEqual([]);
    expect(again.warnings).toEqual([]);
    expect(again.unchanged).toBe(2);

    writeFileSync(
      join(tmp.dir, 'knowledge', 'front-matter-hong.md'),
      '---\ntitle: Đã sửa\n---\n\nNội dung cá ngừ đại dương.\n',
    );
    const fixed = await services.ingest();
    expect(fixed.added).toEqual(['front-matter-hong.md']);
    expect(fixed.failed.map((f) => f.ref)).not.toContain('front-matter-hong.md');
    expect((await services.search.search('cá ngừ đại dương', 5)).documents[0]).toMatchObject({
      ref: 'front-matter-hong.md',
      title: 'Đã sửa',
    });
  });

  it('logs each skipped file by name', () => {
    // What the service logged as it started, its ingestion included.
    const skipped = services.logLines
      .map((l) => JSON.parse(l) as { msg?: string; file?: string })
      .filter((e) => e.msg === 'bỏ qua tệp tài liệu không đọc được')
      .map((e) => e.file);
    expect(skipped).toContain('front-matter-hong.md');
    expect(skipped).toContain('faq/khong-phai-danh-sach.yaml');
  });
});
