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

  it('never takes the first part from a page retrieval did not rank for the whole question', async () => {
    // The first part is searched alone, and finds a page about something else that says where to go.
    const other = { ref: 'dvc/khai-sinh.md', title: 'Đăng ký khai sinh' };
    const elsewhere: PassageHit = {
      id: 9,
      docRef: other.ref,
      heading: 'Khai sinh › Làm ở đâu?',
      text: 'Cha mẹ đến Ủy ban nhân dân xã nơi một trong hai người cư trú để đăng ký khai sinh cho con.',
      score: 0.9,
      coverage: 0.9,
      ownCoverage: 0.9,
    };
    const papers = passage(1, 'Báo tử › Cần mang giấy tờ gì?', PAPERS, 0.8);
    let calls = 0;
    const search = new FakeKnowledgeSearch({
      // The whole question first; every later search is a part's, and finds the other page.
      respond: () =>
        calls++ === 0
          ? searchResult({
              documents: [{ ...documentHit({ ...DOC, coverage: 0.8 }), best: papers }],
              passages: [papers],
              queryTerms: ['bao', 'tu', 'giay', 'to'],
            })
          : searchResult({
              documents: [{ ...documentHit({ ...other, coverage: 0.9 }), best: elsewhere }],
              passages: [elsewhere],
              queryTerms: ['lam', 'o', 'dau'],
            }),
      documents: { [DOC.ref]: DOC, [other.ref]: other },
    });
    const a = await answerQuestion('Báo tử cho người thân thì làm ở đâu? Cần mang những giấy tờ gì?', search);
    expect(a.confident).toBe(true);
    expect(a.text).toContain('giấy báo tử');
    expect(a.text).not.toContain('đăng ký khai sinh');
    expect(a.text).not.toContain(other.title);
  });
});
