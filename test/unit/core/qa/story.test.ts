/**
 * A letter about the writer's own case shares its topic's words with every
 * section on that topic: the answer layer is sure only of a section whose
 * heading asks what the letter asks.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../../src/core/qa/evaluate.js';
import { DEFAULT_THRESHOLDS } from '../../../../src/core/qa/types.js';
import type { PassageHit } from '../../../../src/core/ports.js';
import { documentHit, FakeKnowledgeSearch, searchResult } from '../../../fakes/knowledgeSearch.js';

const REF = 'dich-vu-cong/thai-san-bhxh.md';

/** A story told in the asking sentence itself (nineteen topic words), asking yes or no. */
const LETTER =
  'Tôi đóng bảo hiểm xã hội ở công ty hơn năm năm rồi xin nghỉ không hưởng lương từ tháng hai ' +
  'trong khi ngày dự sinh của tôi là tháng tám thì tôi có được hưởng chế độ thai sản không?';

const SHORT = 'Nghỉ việc trước khi sinh con có được hưởng chế độ thai sản không?';

function section(heading: string): PassageHit {
  return {
    id: 1,
    docRef: REF,
    heading: `Chế độ thai sản › ${heading}`,
    text: 'Người lao động đóng bảo hiểm xã hội đủ 6 tháng trong 12 tháng trước khi sinh con được hưởng chế độ thai sản.',
    score: 0.8,
    coverage: 0.8,
    ownCoverage: 0.8,
  };
}

function searchFor(p: PassageHit): FakeKnowledgeSearch {
  return new FakeKnowledgeSearch({
    respond: () =>
      searchResult({
        documents: [{ ...documentHit({ ref: REF, title: 'Chế độ thai sản', coverage: 0.8 }), best: p }],
        passages: [p],
      }),
  });
}

async function sure(question: string, p: PassageHit): Promise<boolean> {
  return (await evaluate(question, searchFor(p), DEFAULT_THRESHOLDS, false)).confident;
}

describe('a letter about one case', () => {
  it('is not sure from a section whose heading asks something else', async () => {
    expect(await sure(LETTER, section('Hồ sơ hưởng chế độ thai sản gồm những giấy tờ gì?'))).toBe(false);
  });

  it('is not sure from a section headed by a name, not a question', async () => {
    expect(await sure(LETTER, section('Điều kiện hưởng'))).toBe(false);
  });

  it('is sure from a section whose heading asks the same yes/no question', async () => {
    expect(await sure(LETTER, section('Nghỉ việc trước khi sinh con có được hưởng thai sản không?'))).toBe(true);
  });

  it('leaves a short question judged by coverage alone', async () => {
    expect(await sure(SHORT, section('Điều kiện hưởng'))).toBe(true);
  });
});
