import { describe, expect, it } from 'vitest';
import { SYNONYM_GROUPS } from '../../../../src/core/text/synonyms.js';
import { indexText, tokenize } from '../../../../src/core/text/normalize.js';
import { askedTerms, headingShare } from '../../../../src/core/qa/choose.js';
import { LexicalRanker } from '../../../../src/rag/lexicalRanker.js';
import { MemoryKnowledgeIndex, type SnapshotPassage } from '../../../../src/rag/memoryKnowledgeIndex.js';

/** One-syllable phrases allowed in a group: words that mean one thing only once folded. */
const ONE_MEANING = new Set(['vneid', 'website', 'gplx', 'passcode', 'otp', 'passport', 'australia', 'singapore']);

describe('SYNONYM_GROUPS', () => {
  const phrases = SYNONYM_GROUPS.flat();

  it('lists phrases as the normaliser reads them (folded, shorthand expanded)', () => {
    expect(phrases.filter((p) => tokenize(p).join(' ') !== p)).toEqual([]);
  });

  it('lists one syllable alone only when it cannot be read as a common word', () => {
    expect(phrases.filter((p) => !p.includes(' ') && !ONE_MEANING.has(p))).toEqual([]);
  });

  it('puts each phrase in one group only (one meaning per group)', () => {
    const seen = new Set<string>();
    expect(phrases.filter((p) => seen.has(p) || !seen.add(p))).toEqual([]);
  });
});

describe("residents' wordings of the pages' phrases", () => {
  it.each([
    ['cắt khẩu cho con ở đâu', 'Xóa đăng ký thường trú ở đâu?'],
    ['khám không đúng tuyến có được hưởng bảo hiểm không', 'Khám trái tuyến được hưởng thế nào?'],
    ['mất giấy chứng tử của bố thì xin lại ở đâu', 'Xin trích lục khai tử ở đâu?'],
    ['xin lại cà vẹt ở đâu', 'Xin lại giấy đăng ký xe ở đâu?'],
    ['không nhận được mã xác nhận thì làm sao', 'Không nhận được mã OTP thì làm sao?'],
    ['photo công chứng ở đâu', 'Chứng thực bản sao ở đâu?'],
    ['định cư ở Mỹ về nước làm căn cước được không', 'Ở nước ngoài về nước làm căn cước được không?'],
    ['về hưu rồi có phải đóng bảo hiểm không', 'Đã nghỉ hưu có phải đóng bảo hiểm không?'],
  ])('%j asks what the heading %j answers', (question, heading) => {
    expect(headingShare(heading, askedTerms(question))).toBe(1);
  });

  it("counts a passage in the pages' wording as covering the resident's phrase", () => {
    const rows: [string, string, string][] = [
      ['cu-tru.md', 'Xóa đăng ký thường trú', 'Khi con chuyển đi nơi khác, bố mẹ làm thủ tục tại công an xã.'],
      ['suc-khoe.md', 'Đeo khẩu trang', 'Cắt tóc xong thì đeo khẩu trang khi ra đường cùng con.'],
      ['ho-tich.md', 'Đăng ký khai sinh', 'Bố mẹ đăng ký khai sinh cho con tại UBND xã.'],
      ['vneid.md', 'Cài VNeID', 'Tải ứng dụng VNeID từ kho ứng dụng của điện thoại.'],
      ['bhyt.md', 'Thẻ bảo hiểm y tế', 'Trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế miễn phí.'],
    ];
    const passages: SnapshotPassage[] = rows.map(([docRef, heading, text], i) => ({
      id: i + 1,
      docRef,
      heading,
      text,
      titleTokens: indexText(heading),
      headingTokens: indexText(heading),
      bodyTokens: indexText(text),
    }));
    const ranker = new LexicalRanker(new MemoryKnowledgeIndex({ documents: [], passages, faqEntries: [] }), {
      cacheStatistics: false,
    });
    const coverage = (ref: string): number =>
      ranker.rankPassages('cắt khẩu cho con').passages.find((p) => p.docRef === ref)?.coverage ?? 0;
    expect(coverage('cu-tru.md')).toBeGreaterThan(coverage('suc-khoe.md'));
  });
});
