import { describe, expect, it } from 'vitest';
import { answerQuestion, DEFAULT_THRESHOLDS } from '../../../../src/core/qa/answerer.js';
import * as T from '../../../../src/core/qa/texts.js';
import type { DocumentHit } from '../../../../src/core/ports.js';
import { documentHit, faqEntry, faqMatch, FakeKnowledgeSearch, searchResult } from '../../../fakes/knowledgeSearch.js';

const VNEID_DOC = { ref: 'vneid/muc-2.md', title: 'Định danh điện tử mức 2', url: 'https://vneid.gov.vn/huong-dan' };
const DVC_DOC = { ref: 'dvc/nop-ho-so.md', title: 'Nộp hồ sơ trực tuyến' };

const FAQ_LEVEL2 = faqEntry(
  'vneid-muc-2',
  'Đăng ký định danh mức 2 ở đâu?',
  'Bà con mang căn cước đến công an xã để đăng ký định danh mức 2.',
  VNEID_DOC.ref,
);
const FAQ_RESET = faqEntry(
  'vneid-quen-mk',
  'Quên mật khẩu VNeID?',
  'Chọn "Quên mật khẩu" trên ứng dụng.',
  VNEID_DOC.ref,
);

/** `n` documents with the given coverage, refs doc-1…doc-n, best first. */
function manyDocs(n: number, coverage: number): DocumentHit[] {
  return Array.from({ length: n }, (_, i) =>
    documentHit({ ref: `doc-${i + 1}.md`, title: `Tài liệu ${i + 1}`, coverage, score: coverage - i / 100 }),
  );
}

function searchWith(parts: Parameters<typeof searchResult>[0]): FakeKnowledgeSearch {
  return new FakeKnowledgeSearch({
    respond: () => searchResult(parts),
    documents: { [VNEID_DOC.ref]: VNEID_DOC, [DVC_DOC.ref]: DVC_DOC },
  });
}

describe('answerQuestion', () => {
  it('answers with the FAQ entry above the FAQ threshold, citing its document first', async () => {
    const search = searchWith({
      faqs: [faqMatch(FAQ_LEVEL2, 0.82), faqMatch(FAQ_RESET, 0.3)],
      documents: [documentHit({ ...DVC_DOC, coverage: 0.4 }), documentHit({ ...VNEID_DOC, coverage: 0.5 })],
    });
    const a = await answerQuestion('dang ky dinh danh muc 2 o dau', search);
    expect(a.kind).toBe('faq');
    expect(a.confident).toBe(true);
    expect(a.text).toContain(FAQ_LEVEL2.answer);
    expect(a.text).toContain(`${T.SOURCE_LABEL}: ${VNEID_DOC.title} – ${VNEID_DOC.url}`);
    expect(a.sources[0]).toMatchObject({ ref: VNEID_DOC.ref, title: VNEID_DOC.title, url: VNEID_DOC.url });
    expect(a.sources[0]?.score).toBeCloseTo(0.82);
    expect(a.sources.map((s) => s.ref)).toEqual([VNEID_DOC.ref, DVC_DOC.ref]);
    expect(a.related.map((e) => e.id)).toEqual([FAQ_RESET.id]);
  });

  it('falls back to the source ref as title when the document is unknown', async () => {
    const orphan = faqEntry('x', 'Câu hỏi?', 'Trả lời.', 'khac/khong-co.md');
    const a = await answerQuestion('cau hoi', searchWith({ faqs: [faqMatch(orphan, 0.9)] }));
    expect(a.kind).toBe('faq');
    expect(a.text).toContain(`${T.SOURCE_LABEL}: khac/khong-co.md`);
  });

  it('answers with the best passage when its coverage is above the passage threshold', async () => {
    const passage = 'Bước 1: mở ứng dụng **VNeID**.\nBước 2: chọn "Nộp hồ sơ".';
    const search = searchWith({
      faqs: [faqMatch(FAQ_LEVEL2, DEFAULT_THRESHOLDS.faq - 0.1)],
      documents: [documentHit({ ...DVC_DOC, coverage: 0.8, text: passage, heading: 'Dịch vụ công › Các bước' })],
      queryTerms: ['nop', 'ho', 'so'],
    });
    const a = await answerQuestion('nộp hồ sơ thế nào', search);
    expect(a.kind).toBe('passage');
    expect(a.confident).toBe(true);
    expect(a.text.startsWith('Các bước\n')).toBe(true);
    expect(a.text).toContain('Bước 1: mở ứng dụng VNeID.');
    expect(a.text).toContain(`${T.SOURCE_LABEL}: ${DVC_DOC.title}`);
    expect(a.sources[0]?.ref).toBe(DVC_DOC.ref);
  });

  describe('a close neighbour of the same page that holds what the first passage leaves out', () => {
    const WHERE = 'Bà con đến công an xã nơi cư trú để làm thủ tục, trong giờ hành chính các ngày làm việc.';
    const PAPERS = 'Mang theo thẻ căn cước gắn chip và điện thoại đã cài ứng dụng để cán bộ kiểm tra giấy tờ.';
    const passage = (id: number, heading: string, text: string, docRef = VNEID_DOC.ref) => ({
      id,
      docRef,
      heading,
      text,
      score: 0.8,
      coverage: 0.8,
      ownCoverage: 0.6,
    });
    const terms = ['dinh', 'danh', 'muc', 'cong', 'an', 'can', 'cuoc', 'gan', 'chip'];

    it('joins the answer when it adds words of the question', async () => {
      const where = passage(1, 'Mức 2 › Làm ở đâu', WHERE);
      const papers = passage(2, 'Mức 2 › Mang theo gì', PAPERS);
      const search = searchWith({
        documents: [{ ...documentHit({ ...VNEID_DOC, coverage: 0.8 }), best: where }],
        passages: [where, papers],
        queryTerms: terms,
      });
      // One part, no intent word: the second part search has nothing to do, the neighbour fills in.
      const a = await answerQuestion('định danh mức 2 công an xã căn cước gắn chip', search);
      expect(a.kind).toBe('passage');
      expect(a.text).toContain('công an xã');
      expect(a.text).toContain('thẻ căn cước gắn chip');
      expect(a.text.match(new RegExp(T.SOURCE_LABEL, 'g'))).toHaveLength(1);
    });

    it('stays out when it adds nothing the question asked', async () => {
      const where = passage(1, 'Mức 2 › Làm ở đâu', WHERE);
      const hours = passage(2, 'Mức 2 › Giờ làm việc', 'Công an xã làm việc trong giờ hành chính, trừ ngày lễ và Tết.');
      const search = searchWith({
        documents: [{ ...documentHit({ ...VNEID_DOC, coverage: 0.8 }), best: where }],
        passages: [where, hours],
        queryTerms: ['cong', 'an', 'muc'],
      });
      const a = await answerQuestion('làm mức 2 ở công an nào', search);
      expect(a.kind).toBe('passage');
      expect(a.text).toContain('nơi cư trú');
      expect(a.text).not.toContain('trừ ngày lễ');
    });
  });

  it('is honest when coverage is low: unsure, points to the one-stop centre, still lists sources', async () => {
    const search = searchWith({ documents: manyDocs(3, 0.4) });
    const a = await answerQuestion('thủ tục chuyển khẩu cho người già', search);
    expect(a.kind).toBe('unsure');
    expect(a.confident).toBe(false);
    expect(a.text).toContain(T.UNSURE);
    expect(a.text).toContain('Trung tâm phục vụ hành chính công');
    expect(a.text).not.toContain(T.SOURCE_LABEL);
    expect(a.text).not.toContain('1900 0368');
    expect(a.sources.map((s) => s.ref)).toEqual(['doc-1.md', 'doc-2.md', 'doc-3.md']);
    // Weakly related pages are named, at most two.
    expect(a.text).toContain(`${T.RELATED_PAGES}\n• Tài liệu 1\n• Tài liệu 2`);
    expect(a.text).not.toContain('Tài liệu 3');
  });

  it('is unsure when nothing at all was found', async () => {
    const a = await answerQuestion('abc xyz', searchWith({}));
    expect(a.kind).toBe('unsure');
    expect(a.sources).toEqual([]);
    expect(a.text).not.toContain(T.RELATED_PAGES);
  });

  it('adds the VNeID hotline to an unsure VNeID question, with or without marks', async () => {
    for (const q of ['tài khoản VNeID bị khóa phải làm sao', 'tai khoan dinh danh bi khoa']) {
      const a = await answerQuestion(q, searchWith({ documents: manyDocs(1, 0.2) }));
      expect(a.kind).toBe('unsure');
      expect(a.text).toContain('1900 0368');
    }
  });

  it('never lists more than five sources', async () => {
    const unsure = await answerQuestion('câu hỏi lạ', searchWith({ documents: manyDocs(9, 0.3) }));
    expect(unsure.sources).toHaveLength(5);
    const passage = await answerQuestion('câu hỏi', searchWith({ documents: manyDocs(9, 0.9) }));
    expect(passage.kind).toBe('passage');
    expect(passage.sources).toHaveLength(5);
    const faq = await answerQuestion(
      'định danh mức 2',
      searchWith({ faqs: [faqMatch(FAQ_LEVEL2, 0.9)], documents: manyDocs(9, 0.9) }),
    );
    expect(faq.kind).toBe('faq');
    expect(faq.sources).toHaveLength(5);
    expect(faq.sources[0]?.ref).toBe(VNEID_DOC.ref);
  });

  it('does not list the same document twice', async () => {
    const docs = [documentHit({ ...VNEID_DOC, coverage: 0.3 }), documentHit({ ...VNEID_DOC, coverage: 0.2 })];
    const a = await answerQuestion('câu hỏi', searchWith({ documents: docs }));
    expect(a.sources.map((s) => s.ref)).toEqual([VNEID_DOC.ref]);
  });

  it('says an out-of-scope question is out of scope when the evidence is only middling', async () => {
    const search = searchWith({ faqs: [faqMatch(FAQ_LEVEL2, 0.7)], documents: manyDocs(2, 0.7) });
    const a = await answerQuestion('thời tiết hôm nay thế nào', search);
    expect(a.kind).toBe('out-of-scope');
    expect(a.confident).toBe(false);
    expect(a.outOfScope).toBe('weather');
    expect(a.text).toContain(T.OUT_OF_SCOPE_INTRO);
    expect(a.text).toContain(T.OUT_OF_SCOPE_HINT.weather);
    expect(a.related).toEqual([]);
    expect(a.sources).toHaveLength(2);
  });

  it('still answers an out-of-scope-looking question when the evidence is very strong', async () => {
    const a = await answerQuestion('thời tiết hôm nay', searchWith({ documents: manyDocs(1, 0.95) }));
    expect(a.kind).toBe('passage');
    expect(a.confident).toBe(true);
  });

  it('uses the thresholds it is given', async () => {
    const search = searchWith({ documents: manyDocs(1, 0.5) });
    expect((await answerQuestion('câu hỏi', search)).kind).toBe('unsure');
    const lenient = { ...DEFAULT_THRESHOLDS, passage: 0.45 };
    expect((await answerQuestion('câu hỏi', search, lenient)).kind).toBe('passage');
  });

  it('asks the search for five results', async () => {
    const search = searchWith({});
    await answerQuestion('câu hỏi', search);
    expect(search.calls).toEqual([{ question: 'câu hỏi', limit: 5 }]);
  });
});
