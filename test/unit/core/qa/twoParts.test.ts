/**
 * Questions in two parts answered in two parts, in the order asked, whichever
 * part the best passage happens to answer.
 */
import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../../../../src/core/qa/answerer.js';
import type { PassageHit } from '../../../../src/core/ports.js';
import { documentHit, FakeKnowledgeSearch, searchResult } from '../../../fakes/knowledgeSearch.js';

const DOC = { ref: 'dvc/bao-tu.md', title: 'Báo tử cho người thân' };
const WHERE = 'Người nhà đến Ủy ban nhân dân xã nơi người mất cư trú cuối cùng để làm thủ tục.';
const PAPERS = 'Mang theo tờ khai theo mẫu, giấy báo tử của trạm y tế và thẻ căn cước của người đi khai.';

function passage(id: number, heading: string, text: string, coverage: number): PassageHit {
  return { id, docRef: DOC.ref, heading, text, score: coverage, coverage, ownCoverage: coverage };
}

function searchWith(passages: PassageHit[]): FakeKnowledgeSearch {
  const best = passages[0];
  return new FakeKnowledgeSearch({
    respond: () =>
      searchResult({
        documents: [{ ...documentHit({ ...DOC, coverage: 0.8 }), ...(best ? { best } : {}) }],
        passages,
        queryTerms: ['bao', 'tu', 'nguoi', 'than'],
      }),
    documents: { [DOC.ref]: DOC },
  });
}

describe('a question in two parts', () => {
  it('adds the place when the best passage answers only the papers, the place first as asked', async () => {
    const search = searchWith([
      passage(1, 'Báo tử › Cần mang giấy tờ gì?', PAPERS, 0.8),
      passage(2, 'Báo tử › Làm ở đâu?', WHERE, 0.6),
    ]);
    const a = await answerQuestion(
      'Ông nhà tôi vừa mất, tôi phải đến cơ quan nào để báo tử cho người thân? Cần mang những giấy tờ gì?',
      search,
    );
    expect(a.confident).toBe(true);
    expect(a.text).toContain('Ủy ban nhân dân xã');
    expect(a.text).toContain('giấy báo tử');
    expect(a.text.indexOf('Ủy ban nhân dân xã')).toBeLessThan(a.text.indexOf('giấy báo tử'));
  });

  it('keeps one passage when it already answers both parts', async () => {
    const both = `${WHERE} ${PAPERS}`;
    const search = searchWith([
      passage(1, 'Báo tử › Làm ở đâu, cần giấy tờ gì?', both, 0.8),
      passage(2, 'Báo tử › Khi nào phải báo tử?', 'Trong 15 ngày kể từ ngày người thân mất.', 0.6),
    ]);
    const a = await answerQuestion('báo tử cho người thân làm ở đâu, cần giấy tờ gì?', search);
    expect(a.confident).toBe(true);
    expect(a.text).toContain('Ủy ban nhân dân xã');
    expect(a.text).not.toContain('15 ngày');
  });

  describe('when the two parts together cover too little of any page', () => {
    const LOST = 'Người mất thẻ làm tờ khai xin cấp lại ở bộ phận một cửa, có thẻ mới sau 7 ngày làm việc.';
    const lost: PassageHit = passage(3, 'Thẻ bảo hiểm › Mất thẻ bảo hiểm y tế thì làm sao?', LOST, 0.8);
    const other = { ref: 'dvc/khac.md', title: 'Trang khác' };
    /** The whole message covers 40% of the page; its first part alone covers 80% (of `page`, or of another). */
    function searchFor(page: string): FakeKnowledgeSearch {
      const doc = page === DOC.ref ? DOC : other;
      return new FakeKnowledgeSearch({
        respond: (q) => {
          const whole = q.includes('gồm');
          const hit = { ...lost, docRef: doc.ref, coverage: whole ? 0.4 : 0.8, ownCoverage: whole ? 0.4 : 0.8 };
          const top = whole ? DOC : doc;
          // Another page close behind: no margin makes the whole message sure on its own.
          const runner = documentHit({ ref: 'dvc/gan.md', title: 'Trang gần', coverage: 0.35, score: 0.38 });
          return searchResult({
            documents: [
              { ...documentHit({ ...top, coverage: hit.coverage }), best: { ...hit, docRef: top.ref } },
              runner,
            ],
            passages: [{ ...hit, docRef: top.ref }],
            queryTerms: ['mat', 'the', 'bao', 'hiem', 'y', 'te'],
          });
        },
        documents: { [DOC.ref]: DOC, [other.ref]: other },
      });
    }
    const question =
      'Tháng trước đi chợ tôi đánh rơi ví. Vậy tôi có xin cấp lại thẻ bảo hiểm y tế bị mất được không? Thủ tục gồm những gì?';

    it('answers from the part that one page answers surely', async () => {
      const a = await answerQuestion(question, searchFor(DOC.ref));
      expect(a.confident).toBe(true);
      expect(a.text).toContain('tờ khai xin cấp lại');
    });

    it('stays unsure when that part alone lands on another page than the whole message', async () => {
      const a = await answerQuestion(question, searchFor(other.ref));
      expect(a.confident).toBe(false);
    });
  });
});
