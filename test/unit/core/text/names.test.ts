import { describe, expect, it } from 'vitest';
import { withoutNames } from '../../../../src/core/text/names.js';
import { analyzeQuestion } from '../../../../src/core/qa/question.js';

describe('withoutNames', () => {
  it('takes provinces and cities out, with or without marks and prefixes', () => {
    expect(withoutNames('tôi phải về quê Quảng Ngãi làm lại CCCD hay làm ở nơi tạm trú tại TP.HCM?')).toBe(
      'tôi phải về quê làm lại CCCD hay làm ở nơi tạm trú?',
    );
    expect(withoutNames('em o tinh thanh hoa, lam can cuoc o ha noi duoc ko')).toBe('em o, lam can cuoc o duoc ko');
    expect(withoutNames('đăng ký tạm trú tại thành phố Hồ Chí Minh')).toBe('đăng ký tạm trú');
  });

  it('keeps the commune’s own province: the knowledge base has a page on its portal', () => {
    expect(withoutNames('cổng dịch vụ công Nghệ An ở đâu')).toBe('cổng dịch vụ công Nghệ An ở đâu');
  });

  it('takes names that are ordinary words without marks only as written', () => {
    expect(withoutNames('điền cả mẫu tờ khai')).toBe('điền cả mẫu tờ khai');
    expect(withoutNames('đi làm đồng cả ngày')).toBe('đi làm đồng cả ngày');
    expect(withoutNames('nhà có hai phòng')).toBe('nhà có hai phòng');
    expect(withoutNames('tôi ở Cà Mau')).toBe('tôi ở');
  });

  it('takes persons’ names out, keeping a form of address', () => {
    expect(withoutNames('Nguyễn Thu Hiền hỏi: tôi có được hưởng thai sản không?')).toBe(
      'hỏi: tôi có được hưởng thai sản không?',
    );
    expect(withoutNames('Câu hỏi của anh Minh: đổi căn cước ở đâu?')).toBe('Câu hỏi của anh: đổi căn cước ở đâu?');
    // Lower case: "mai" is tomorrow, not a family name.
    expect(withoutNames('mai tôi đi làm căn cước')).toBe('mai tôi đi làm căn cước');
  });

  it('returns the text itself when only names would be left', () => {
    expect(withoutNames('Hà Nội')).toBe('Hà Nội');
  });

  it('leaves the asking sentence to what is asked', () => {
    const a = analyzeQuestion(
      'Tôi quê ở Bình Định, đang tạm trú tại TP Hồ Chí Minh. Xin hỏi người tạm trú có được làm căn cước tại TP Hồ Chí Minh không?',
    );
    expect(a.terms).not.toContain('hcm');
    expect(a.focus).not.toMatch(/Hồ Chí Minh|Bình Định/u);
    expect(a.focus).toMatch(/tạm trú/u);
  });
});

describe('the addressee of a letter to a legal column', () => {
  it('is not searched for', () => {
    const a = analyzeQuestion(
      'Xin chào Luật sư X. Luật sư có thể hướng dẫn tôi cách lấy lại mật khẩu VssID được không?',
    );
    expect(a.terms).not.toContain('luat');
    expect(a.focus).toMatch(/mật khẩu VssID/u);
  });
});

describe('a request for advice inside the asking clause', () => {
  it('leaves only what is asked', () => {
    const a = analyzeQuestion('Tôi muốn nhờ luật sư tư vấn về việc đổi giấy phép lái xe sang thẻ cứng?');
    expect(a.focus).toBe('đổi giấy phép lái xe sang thẻ cứng?');
    expect(analyzeQuestion('em muon nho tu van ve viec doi bang lai xe').focus).toBe('doi bang lai xe');
  });
});
