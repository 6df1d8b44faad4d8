/**
 * A letter with a story covers little of any page; a page that retrieval puts
 * clearly ahead of the rest, with a passage that fits what is asked, answers it.
 */
import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../../../../src/core/qa/answerer.js';
import type { PassageHit } from '../../../../src/core/ports.js';
import { documentHit, FakeKnowledgeSearch, searchResult } from '../../../fakes/knowledgeSearch.js';

const LEAD = { ref: 'dvc/chuyen-noi-nhan-tro-cap.md', title: 'Chuyển nơi nhận trợ cấp' };
const NEXT = { ref: 'dvc/khac.md', title: 'Trang khác' };
const MOVE: PassageHit = {
  id: 1,
  docRef: LEAD.ref,
  heading: 'Trợ cấp › Chuyển chỗ ở thì đổi nơi nhận trợ cấp thế nào?',
  text: 'Được. Người hưởng gửi văn bản đề nghị đổi nơi nhận cho cơ quan đang chi trả, giải quyết trong 5 ngày làm việc.',
  score: 0.6,
  coverage: 0.36,
  ownCoverage: 0.36,
};

function searchWith(nextScore: number): FakeKnowledgeSearch {
  return new FakeKnowledgeSearch({
    respond: () =>
      searchResult({
        documents: [
          { ...documentHit({ ...LEAD, coverage: 0.36, score: 0.6 }), best: MOVE },
          documentHit({ ...NEXT, coverage: 0.3, score: nextScore }),
        ],
        passages: [MOVE],
        queryTerms: ['chuyen', 'noi', 'nhan', 'tro', 'cap'],
      }),
    documents: { [LEAD.ref]: LEAD, [NEXT.ref]: NEXT },
  });
}

const LETTER =
  'Mẹ tôi năm nay đã yếu, sống một mình ở quê và đang nhận trợ cấp hằng tháng ở bưu điện xã. ' +
  'Nay tôi muốn đón mẹ về thành phố ở cùng gia đình, vậy khi chuyển đến chỗ ở mới thì mẹ tôi có thể đổi nơi nhận trợ cấp luôn không?';

describe('a long letter whose words are mostly story', () => {
  it('is answered from the page retrieval puts clearly ahead', async () => {
    const a = await answerQuestion(LETTER, searchWith(0.35));
    expect(a.confident).toBe(true);
    expect(a.text).toContain('văn bản đề nghị đổi nơi nhận');
  });

  it('stays unsure when another page is close behind', async () => {
    const a = await answerQuestion(LETTER, searchWith(0.55));
    expect(a.confident).toBe(false);
  });

  it('stays unsure for a short question covering as little', async () => {
    const a = await answerQuestion('đổi nơi nhận trợ cấp được không', searchWith(0.35));
    expect(a.confident).toBe(false);
  });
});
