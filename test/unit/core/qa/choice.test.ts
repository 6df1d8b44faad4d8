/**
 * What answers when an FAQ entry and a passage compete: the one that covers
 * the question without being about more than was asked.
 */
import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../../../../src/core/qa/answerer.js';
import { rankCandidates } from '../../../../src/core/qa/choose.js';
import type { PassageHit } from '../../../../src/core/ports.js';
import { documentHit, faqEntry, FakeKnowledgeSearch, searchResult } from '../../../fakes/knowledgeSearch.js';

const DOC = { ref: 'bhxh/nhan-qua-the.md', title: 'Nhận tiền trợ cấp qua thẻ ngân hàng' };
const FAQ_CHILD = faqEntry(
  'tro-cap-the-cua-con',
  'Trợ cấp của bố mẹ chuyển vào thẻ ngân hàng của con được không?',
  'Không. Tiền chỉ chuyển vào tài khoản đứng tên người hưởng.',
  DOC.ref,
);
const HOW: PassageHit = {
  id: 1,
  docRef: DOC.ref,
  heading: 'Nhận tiền › Nhận trợ cấp qua thẻ ngân hàng thế nào?',
  text: 'Được. Người hưởng mở tài khoản đứng tên mình rồi viết giấy đề nghị gửi cơ quan chi trả.',
  score: 0.7,
  coverage: 0.7,
  ownCoverage: 0.7,
};

function searchWith(entryCoverage: number): FakeKnowledgeSearch {
  return new FakeKnowledgeSearch({
    respond: () =>
      searchResult({
        documents: [{ ...documentHit({ ...DOC, coverage: 0.7 }), best: HOW }],
        passages: [HOW],
        faqs: [{ entry: FAQ_CHILD, similarity: 0.6, questionCoverage: 0.8, entryCoverage }],
        queryTerms: ['nhan', 'tro', 'cap', 'the', 'ngan', 'hang'],
      }),
    documents: { [DOC.ref]: DOC },
  });
}

describe('an FAQ entry against a passage', () => {
  const question = 'nhận trợ cấp qua thẻ ngân hàng được không, làm thế nào?';

  it('loses when the entry asks about more than the resident did (whose card)', async () => {
    const a = await answerQuestion(question, searchWith(0.75));
    expect(a.kind).toBe('passage');
    expect(a.text).toContain('mở tài khoản đứng tên mình');
  });

  it('still wins when it asks just what the resident asks', async () => {
    const a = await answerQuestion(question, searchWith(1));
    expect(a.kind).toBe('faq');
    expect(a.faqId).toBe(FAQ_CHILD.id);
  });
});

describe('a page\'s opening for a "… là gì" question', () => {
  const plan = documentHit({
    ref: 'phong-trao/ke-hoach.md',
    title: 'Kế hoạch của xã về Bình dân học vụ số',
    coverage: 0.85,
    text: 'Tháng 7/2025, UBND xã ban hành kế hoạch triển khai phong trào, với các chỉ tiêu cho từng năm.',
  });
  const other: PassageHit = {
    id: 2,
    docRef: 'phong-trao/chuong-trinh.md',
    heading: 'Chương trình › Phong trào thi đua đổi mới sáng tạo là gì?',
    text: 'Đây là phong trào thi đua theo một quyết định khác, có bảy nội dung thi đua.',
    score: 0.92,
    coverage: 0.92,
    ownCoverage: 0.92,
  };
  const result = searchResult({
    documents: [plan, { ...documentHit({ ref: other.docRef, title: 'Chương trình', coverage: 0.92 }), best: other }],
    passages: [plan.best, other],
  });

  it('holds the definition of the page subject, as a passage whose text gives one', () => {
    const ranked = rankCandidates(result, ['definition'], 'kế hoạch của xã về bình dân học vụ số là gì');
    expect(ranked.find((c) => c.doc.ref === plan.ref)?.fit).toBe(0.4);
    expect(ranked[0]?.doc.ref).toBe(plan.ref);
  });

  it('offers no cost it does not name', () => {
    const ranked = rankCandidates(result, ['cost'], 'kế hoạch của xã có mất tiền không');
    expect(ranked.find((c) => c.doc.ref === plan.ref)?.fit).toBe(0);
  });
});
