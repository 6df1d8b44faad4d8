import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../../../../src/core/qa/answerer.js';
import { askedKinds, holdsAsked } from '../../../../src/core/qa/holds.js';
import { analyzeQuestion } from '../../../../src/core/qa/question.js';
import { documentHit, faqEntry, faqMatch, FakeKnowledgeSearch, searchResult } from '../../../fakes/knowledgeSearch.js';

const holds = (question: string, text: string): boolean => holdsAsked(analyzeQuestion(question), text);

describe('askedKinds', () => {
  it('reads the asked-for kind, with or without marks', () => {
    expect(askedKinds(analyzeQuestion('Làm lại căn cước hết bao nhiêu tiền?'))).toEqual(['cost']);
    expect(askedKinds(analyzeQuestion('xin phieu ly lich tu phap co ton phi ko'))).toEqual(['cost']);
    expect(askedKinds(analyzeQuestion('khai sinh online mấy ngày thì có?'))).toEqual(['duration']);
    expect(askedKinds(analyzeQuestion('giay xac nhan doc than xin o dau'))).toEqual(['where']);
    expect(askedKinds(analyzeQuestion('làm hộ chiếu cần giấy tờ gì?'))).toEqual(['papers']);
  });

  it('does not read money talk that asks for no amount', () => {
    expect(askedKinds(analyzeQuestion('Thanh toán lệ phí trực tuyến là gì?'))).toEqual([]);
    expect(askedKinds(analyzeQuestion('lỡ cài app lạ theo người gọi, sợ mất tiền'))).toEqual([]);
  });
});

describe('holdsAsked', () => {
  it('wants an amount, or "free", for a fee question', () => {
    const q = 'Đăng ký tạm trú lệ phí bao nhiêu?';
    expect(holds(q, 'Bà con nộp tờ khai CT01 tại công an xã nơi tạm trú.')).toBe(false);
    expect(holds(q, 'Nộp trực tiếp 15.000 đồng, nộp trực tuyến 7.000 đồng.')).toBe(true);
    expect(holds('làm VNeID mức 2 có mất tiền không', 'Đăng ký mức 2 là miễn phí.')).toBe(true);
    expect(holds('làm VNeID mức 2 có mất tiền không', 'Bà con không mất tiền khi đăng ký.')).toBe(true);
  });

  it('wants a duration or a date for "bao lâu"', () => {
    const q = 'Cấp lại giấy khai sinh bao lâu thì có?';
    expect(holds(q, 'Nộp tờ khai tại UBND xã nơi đã đăng ký khai sinh trước đây.')).toBe(false);
    expect(holds(q, 'Trong 3 ngày làm việc kể từ khi nhận đủ hồ sơ.')).toBe(true);
    expect(holds(q, 'Hồ sơ đủ thì cán bộ trả kết quả ngay.')).toBe(true);
  });

  it('wants a place named as where to go for "ở đâu"', () => {
    const q = 'Cài ứng dụng ngân hàng ở đâu?';
    expect(holds(q, 'Khóa màn hình ngăn người khác mở Zalo, ứng dụng ngân hàng. Vào Cài đặt, chọn mã số.')).toBe(false);
    expect(holds(q, 'Chỉ cài từ kho chính thức: CH Play trên Android, App Store trên iPhone.')).toBe(true);
    expect(holds('xác nhận độc thân xin ở đâu', 'Tại UBND xã nơi thường trú.')).toBe(true);
    expect(holds('tra cứu web lừa đảo ở đâu', 'Vào tinnhiemmang.vn và gõ địa chỉ trang nghi ngờ.')).toBe(true);
  });

  it('wants a paper for "cần giấy tờ gì"', () => {
    const q = 'Đăng ký kết hôn cần giấy tờ gì?';
    expect(holds(q, 'Hai bên cùng có mặt khi đăng ký, cán bộ hướng dẫn tận nơi.')).toBe(false);
    expect(holds(q, 'Mang theo thẻ căn cước và tờ khai đăng ký kết hôn.')).toBe(true);
  });

  it('lets a passage through when the question also asks what the vocabularies cannot judge', () => {
    // The steps may be what the passage answers; the fee comes from a second passage or not at all.
    expect(
      holds('Đăng ký tạm trú thế nào, hết bao nhiêu tiền?', 'Bước 1: mở VNeID. Bước 2: chọn "Thủ tục hành chính".'),
    ).toBe(true);
    expect(holds('Làm mức 2 có phải lên huyện không, có mất tiền không?', 'Bà con đến công an xã.')).toBe(true);
    expect(holds('Hôm nay trời đẹp', 'Bất cứ điều gì.')).toBe(true);
  });
});

describe('answerQuestion with a passage that lacks what is asked', () => {
  const DOC = { ref: 'dvc/tam-tru.md', title: 'Đăng ký tạm trú' };
  const search = (text: string) =>
    new FakeKnowledgeSearch({
      respond: () =>
        searchResult({
          documents: [documentHit({ ...DOC, coverage: 0.9, text, heading: 'Đăng ký tạm trú › Nộp ở đâu' })],
          queryTerms: ['dang', 'ky', 'tam', 'tru'],
        }),
      documents: { [DOC.ref]: DOC },
    });

  it('is not sure when the fee is asked and the passage names none', async () => {
    const a = await answerQuestion(
      'Đăng ký tạm trú lệ phí bao nhiêu?',
      search('Bà con nộp tờ khai tại công an xã nơi tạm trú, hoặc nộp trực tuyến bằng tài khoản VNeID.'),
    );
    expect(a.kind).toBe('unsure');
    expect(a.confident).toBe(false);
  });

  it('answers when the passage holds the amount', async () => {
    const a = await answerQuestion(
      'Đăng ký tạm trú lệ phí bao nhiêu?',
      search('Lệ phí đăng ký tạm trú: 15.000 đồng nộp trực tiếp, 7.000 đồng nộp trực tuyến.'),
    );
    expect(a.kind).toBe('passage');
    expect(a.confident).toBe(true);
  });

  it('does not answer with an FAQ entry whose answer lacks it', async () => {
    const entry = faqEntry('tam-tru', 'Đăng ký tạm trú lệ phí bao nhiêu?', 'Bà con nộp ở công an xã.', DOC.ref);
    const s = new FakeKnowledgeSearch({
      respond: () => searchResult({ faqs: [faqMatch(entry, 0.95)] }),
      documents: { [DOC.ref]: DOC },
    });
    const a = await answerQuestion('Đăng ký tạm trú lệ phí bao nhiêu?', s);
    expect(a.confident).toBe(false);
  });
});
