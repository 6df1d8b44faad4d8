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
});
